"""Services: the only code that changes state. See ``core`` for how operations run."""
