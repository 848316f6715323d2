from . import calls, live, media, sqlcdr, sqlstats  # noqa: F401
