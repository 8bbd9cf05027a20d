"""Session-wide test settings. Fixtures that start real servers live in tests/support/."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Bounded examples in `make test` (CI); a developer may raise them with HYPOTHESIS_PROFILE=dev.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytest_plugins = ["tests.support.postgres", "tests.storage.backends"]
