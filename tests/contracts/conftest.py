from .world import world  # noqa: F401  (the fixture every contract test uses)
