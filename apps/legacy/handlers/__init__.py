from . import calls  # noqa: F401
