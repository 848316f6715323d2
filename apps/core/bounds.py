"""Range checks where request values are parsed, so no input reaches a place that fails with a 500.

Four classes of input used to end in a 500 (issue 17): a date in year 1 overflows once a time zone is
applied; a number of more than 4,300 digits is refused by Python's `int()`, and one of 2^63 or more by
the database's bigint; JSON nested thousands deep exhausts the parser's recursion. Each parser calls
the check here first and answers InvalidInput (a 400, or the legacy error shape) naming the value.
"""

import datetime as dt

from django.utils.translation import gettext as _

from .exceptions import InvalidInput

BIGINT_MAX = 2**63 - 1
# Dates a filter may name: wide enough for any "since the beginning" a script sends (1900-01-01), far
# enough from year 1 and 9999 that no time zone's offset overflows Python's or a database's range.
DATE_MIN = dt.datetime(1000, 1, 1)
DATE_MAX = dt.datetime(9998, 12, 31, 23, 59, 59)
# PostgreSQL refuses a UTC offset of 16 hours or more ("time zone displacement out of range"); real zones
# stay within -12:00 .. +14:00.
OFFSET_MAX = dt.timedelta(hours=15, minutes=59)
JSON_MAX_DEPTH = 64
# The range above as an OpenAPI pattern of an RFC 3339 date-time: years 1000 to 9998, UTC offsets within
# +-15:59, so the published schema allows only what the parsers accept.
DATE_TIME_PATTERN = (
    "^(1[0-9]{3}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-.*([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$"
)


def shown(value, limit=40):
    """A value as an error message shows it: long ones cut, so a 4,400-digit number is not echoed whole."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def date_out_of_range(value):
    """True when a date or datetime (aware or naive; its wall-clock fields count) is outside the range,
    or names a UTC offset beyond +-15:59."""
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        if offset is not None and abs(offset) > OFFSET_MAX:
            return True
        naive = value.replace(tzinfo=None)
    else:
        naive = dt.datetime.combine(value, dt.time())
    return not DATE_MIN <= naive <= DATE_MAX


def date_range_message(value):
    return _("%(value)s is out of the supported date range (%(min)s to %(max)s, UTC offsets within ±15:59).") % {
        "value": shown(value),
        "min": DATE_MIN.date().isoformat(),
        "max": DATE_MAX.date().isoformat(),
    }


def date_check(value, *, name):
    if date_out_of_range(value):
        raise InvalidInput(f"{name}: {date_range_message(value)}")
    return value


def id_text_valid(text):
    """A row id as text: digits only, 1 .. 2^63-1 (checked on the length before any int())."""
    text = str(text).strip()
    return text.isdigit() and len(text) <= 19 and 0 < int(text) <= BIGINT_MAX


def id_or_none(value):
    """The id a URL or parameter names, or None when it cannot be one (then it is simply not found)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= BIGINT_MAX else None
    return int(str(value).strip()) if id_text_valid(value) else None


def json_depth_exceeds(text, limit=JSON_MAX_DEPTH):
    """True when brackets outside strings nest deeper than `limit` (JSON and the loose single-quoted form).

    Counting brackets is enough when there are fewer than `limit` of them, which is every real request;
    only then is the text scanned, string-aware, once.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, quote, escaped = 0, None, False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_check(text, *, name, max_bytes):
    """Refuse JSON text that is too large or too deep before any parser sees it."""
    if len(text) > max_bytes:
        raise InvalidInput(
            _("%(name)s is too large: %(size)s bytes, at most %(limit)s.")
            % {"name": name, "size": len(text), "limit": max_bytes}
        )
    if json_depth_exceeds(text):
        raise InvalidInput(
            _("%(name)s is nested too deep: at most %(limit)s levels of [ ] and { }.")
            % {"name": name, "limit": JSON_MAX_DEPTH}
        )
    return text
