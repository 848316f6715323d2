"""A number prefix also states its first two characters (`left(x, 2) = '00'`; for `00%` that alone),
which the head indexes answer inside a date window: the same calls as the wildcard match, on every
path that matches numbers."""

import datetime as dt
import re

import pytest
from django.db import connection

from apps.cdr.models import Cdr
from apps.cdr.selectors import cdr_search
from apps.cdr.services import cdr_seed
from apps.core.actor import Actor, Restrictions
from apps.users.actor import actor_for_user
from tests.strict_skips import skip_unless_postgres

pytestmark = pytest.mark.django_db

NUMBERS = ["0044", "00", "0", "", "0_1", "0a", "01", "_00", "000", "+00", "0\u00e900", "\u00e900"]


def legacy_match(pattern, value):
    """The GUI's rule in Python: `%` is the only wildcard, everything else is literal."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("%")), value, re.DOTALL) is not None


@pytest.fixture
def numbered(tenant_a, make_call):
    return [make_call(tenant_a, caller=n, called=f"9{n}") for n in NUMBERS] + [
        make_call(tenant_a, caller="777", called=n) for n in NUMBERS
    ]


def found(actor, filters):
    return sorted(cdr_search(actor=actor, filters=filters).values_list("id", flat=True))


@pytest.mark.parametrize("pattern", ["00%", "0_%", "0a%", "+0%", "\u00e90%", "0%", "000%", "%00", "0%0", "00"])
def test_prefix_search_finds_what_the_wildcard_rule_finds(tenant_a, user_a, numbered, pattern):
    actor = actor_for_user(user_a)
    by_caller = sorted(c.pk for c in numbered if legacy_match(pattern, c.caller))
    either = sorted(c.pk for c in numbered if legacy_match(pattern, c.caller) or legacy_match(pattern, c.called))
    assert found(actor, {"caller": pattern}) == by_caller
    assert found(actor, {"number": pattern}) == either
    assert pattern != "00%" or len(by_caller) == 3  # 0044, 00, 000: the rewrite is exercised on real data


def test_number_restriction_with_a_two_character_prefix(tenant_a, numbered):
    actor = Actor(tenant_id=tenant_a.pk, flags=frozenset({"can_cdr"}), restrictions=Restrictions(numbers=("00%",)))
    expected = sorted(c.pk for c in numbered if c.caller.startswith("00") or c.called.startswith("00"))
    assert sorted(Cdr.objects.visible_to(actor).values_list("id", flat=True)) == expected


def test_two_character_prefix_in_a_day_reads_the_head_index(tenant_a, user_a):
    skip_unless_postgres("the plan of an expression index")
    cdr_seed(tenant=tenant_a, count=20_000, days=30, seed=3)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Cdr._meta.db_table}")
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date()
    filters = {"calldate_from": f"{day}T00:00:00", "calldate_to": f"{day}T23:59:59", "caller": "00%"}
    queryset = cdr_search(actor=actor_for_user(user_a), filters=filters).order_by("calldate", "id")
    sql, params = queryset.values_list("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cdr_tenant_caller_head" in plan, plan
    assert queryset.count() > 0
    # a longer prefix states the same two characters beside its wildcard match (the index can serve it)
    longer = cdr_search(actor=actor_for_user(user_a), filters={**filters, "caller": "004%"})
    sql, params = longer.values("id").query.sql_with_params()
    assert 'LEFT("cdr_cdr"."caller", %s) = %s AND "cdr_cdr"."caller" LIKE %s' in sql
    assert (2, "00", "004%") == tuple(params[-3:])
