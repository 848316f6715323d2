from . import calls, media, sharing, sqlcdr, sqlstats  # noqa: F401
