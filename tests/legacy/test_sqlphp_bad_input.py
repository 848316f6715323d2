"""Bad input to sql.php: a clear legacy error or a bounded answer, never a 500."""

import pytest

from apps.cdr.filtersets import CdrFilterSet
from apps.core.models import AuditLog
from apps.legacy.params import LEGACY_FILTERS

from .helpers import assert_legacy_error, listing, sql_get, sql_login

pytestmark = pytest.mark.django_db

FROM = {"fdatefrom": "2024-03-01"}


@pytest.fixture
def logged_in(client, tenant_a, user_a, make_call):
    make_call(tenant_a)
    sql_login(client)
    return client


@pytest.mark.parametrize(
    "query,fragment",
    [
        ({"module": "NOPE", "task": "LISTING"}, "Unknown module"),
        ({"module": "CDR", "task": "DELETE"}, "Unknown module or task"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fdurationgt": "ten"}, "fdurationgt"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fmosf1": "good"}, "fmosf1"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fsensor_id": "1,x"}, "fsensor_id"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fsipresponse": "4x"}, "fsipresponse"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fsipcallerip": "999.1.1.1"}, "fsipcallerip"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fcallerd_type": "7"}, "fcallerd_type"),
        ({"module": "CDR", "task": "LISTING", "fdatefrom": "2024-13-45"}, "fdatefrom"),
        ({"module": "CDR", "task": "LISTING", "fdatefrom": "yesterday"}, "fdatefrom"),
        ({"module": "CDR", "task": "LISTING", **FROM, "sort": "password"}, "Unknown sort field"),
        ({"module": "CDR", "task": "LISTING", **FROM, "sort": '[{"property":"nope"}]'}, "nope"),
        ({"module": "CDR", "task": "LISTING", **FROM, "sort": "calldate", "dir": "UP"}, "ASC or DESC"),
        ({"module": "CDR", "task": "LISTING", **FROM, "sort": "[{broken"}, "sort"),
        ({"module": "CDR", "task": "LISTING", **FROM, "limit": "many"}, "limit"),
        ({"module": "CDR", "task": "LISTING", **FROM, "start": "-5"}, "start"),
        ({"module": "CDR", "task": "LISTING", **FROM, "page": "0"}, "page"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fsensor_id": "99999999999999999999999"}, "fsensor_id"),
        ({"module": "CDR", "task": "LISTING", **FROM, "flast_days": "1e30"}, "flast_days"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fcodec": "NaN"}, "fcodec"),
        ({"module": "CDR", "task": "LISTING", **FROM, "fcustom_header__bad name": "1"}, "header name"),
        ({"module": "CDR_RTP", "task": "LISTING"}, "cdr_id"),
    ],
)
def test_bad_input_is_a_legacy_error(logged_in, query, fragment):
    assert_legacy_error(sql_get(logged_in, **query), fragment)


def test_absurd_numbers_are_bounded_not_errors(logged_in):
    body = listing(logged_in, **FROM, fdurationgt="1e40", fmosf1="1e30", floss1="-1e30", start="99999999999999")
    assert body["success"] is True and body["results"] == []


def test_wildcard_in_every_field_is_a_bounded_answer(logged_in, settings):
    settings.VOIPMON_LEGACY_LISTING_MAX_LIMIT = 50
    text_filters = ["fcaller", "fcalled", "fcaller_domain", "fcalled_domain", "fcallername", "fcallid",
                    "fbasename", "fa_ua", "fb_ua", "fcustom_header__X-Customer"]  # fmt: skip
    body = listing(logged_in, **FROM, **dict.fromkeys(text_filters, "%"), limit="100000000")
    assert body["success"] is True and len(body["results"]) <= 50 and body["limit_capped"] is True


def test_every_legacy_filter_maps_to_a_declared_rest_filter():
    assert set(LEGACY_FILTERS.values()) <= set(CdrFilterSet.base_filters)


def test_audit_reason_on_sql_php_is_recorded(logged_in, tenant_a):
    listing(logged_in, **FROM, auditReason="weekly export")
    entry = AuditLog.objects.get()
    assert (entry.tenant_id, entry.task, entry.reason) == (tenant_a.pk, "sql.php CDR LISTING", "weekly export")
