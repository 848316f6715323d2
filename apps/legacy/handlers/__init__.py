from . import calls, live, media, reports, sqlcdr, sqlstats  # noqa: F401
