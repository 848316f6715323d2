"""Reading loosely typed request values the way VoIPmonitor clients send them."""

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def truthy(value) -> bool:
    """True for `true`, 1, "1", "yes", "on" (any case); false for everything else, None included."""
    return value is True or (value not in (None, False) and str(value).strip().lower() in TRUE_WORDS)
