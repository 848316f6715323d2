from . import calls, media, reports, sqlcdr, sqlstats  # noqa: F401
