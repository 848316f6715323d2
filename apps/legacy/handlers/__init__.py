from . import calls, live, media, reports, sharing, sqlcdr, sqlstats  # noqa: F401
