"""The country a called number dials (the `countries` of a `destination` rule). No Django import.

The number is read as international (E.164): spaces, dashes, dots and brackets are dropped, then a
leading `+` or `00`; anything else but digits makes it unreadable. Its dialling code is the longest one
that prefixes it (E.164 codes are prefix-free), and the country is Google's libphonenumber metadata
(`phonenumbers`) for it: for a code shared by several countries (+1, +7, +44, +39, +358, ...) the area
code / number pattern decides (+1 876 Jamaica, +7 7 Kazakhstan, +44 1534 Jersey); a number that fits
none of them is the code's main country (US, RU, GB...).
Non-geographic codes (+800, +870, +881, +882, +883, +979...) and numbers of fewer than 7 digits have no
country, so a country allow list never allows them. docs/alerts.md
"""

from functools import lru_cache

import phonenumbers

SHORTEST = 7  # digits, dialling code included (Niue: 683 + 4)
NON_GEOGRAPHIC = {"001", "ZZ"}
SEPARATORS = " -.()"
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def international_digits(number):
    text = "".join(c for c in (number or "") if c not in SEPARATORS)
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    return text if text.isdigit() else None


@lru_cache(maxsize=65536)
def number_country(number):
    """ISO 3166-1 alpha-2 code of the country the number dials, or None."""
    digits = international_digits(number)
    if digits is None or len(digits) < SHORTEST:
        return None
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code
    )
    return None if region in NON_GEOGRAPHIC else region


def outside(number, prefixes, countries):
    """Does the number start with none of the allowed prefixes and dial none of the allowed countries?"""
    if any((number or "").startswith(prefix) for prefix in prefixes):
        return False
    return not countries or number_country(number) not in countries
