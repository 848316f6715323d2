from . import calls, media, sqlcdr, sqlstats  # noqa: F401
