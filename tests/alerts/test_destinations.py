"""The country a called number dials (`destination` rules' `countries`), against numbers whose country the
ITU-T assignments and the national numbering plans state (tests/alerts/oracle.py, written by hand)."""

import pytest

from apps.alerts.destinations import number_country, outside

from .oracle import COUNTRY_OF


@pytest.mark.parametrize("number", sorted(COUNTRY_OF))
def test_the_country_of_a_number_is_the_numbering_plans(number):
    assert number_country(number) == COUNTRY_OF[number]


@pytest.mark.parametrize(
    ("prefixes", "countries"), [(("1",), set()), ((), {"CZ", "CA"}), (("44",), {"US"}), (("4",), {"JM", "KZ"})]
)
def test_outside_means_no_allowed_prefix_and_no_allowed_country(prefixes, countries):
    for number, country in COUNTRY_OF.items():
        allowed = number.startswith(prefixes) or (country is not None and country in countries)
        assert outside(number, prefixes, countries) is not allowed, number
