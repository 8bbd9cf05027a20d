"""The pure domain of BCM: entities, events, the access policy. No I/O, no SQL."""
