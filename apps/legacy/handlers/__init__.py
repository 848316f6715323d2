from . import calls, media, reports, sharing, sqlcdr, sqlstats  # noqa: F401
