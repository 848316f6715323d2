import datetime as dt

import pytest

from apps.reports.models import CallSummary, CallSummaryHour, CallSummaryPeak
from tests.conftest import SHARED

CAPTURES = SHARED / "captures"
# public captures with answered, failed, one-way and no-BYE calls, loss and several codecs
CAPTURE_FILES = (
    "sip_g711u_call_both_ways_loss_bye.pcap",
    "sip_call_g711a_rtcp_relay_nobye.pcap",
    "sip_failed_calls_register_auth.pcap",
    "sip_rtp_g729a.pcap",
    "sip_b2bua_asterisk_two_legs.pcapng",
    "sip_midcall_reinvite_t38_accepted_loss.pcap",
)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def imported(tenant_a, media_root):
    from apps.capture.services import capture_import_file

    for name in CAPTURE_FILES:
        capture_import_file(tenant=tenant_a, id_sensor=1, path=CAPTURES / name)
    return tenant_a


def summary_snapshot(tenant):
    """Every summary row of the tenant, without ids, as comparable tuples."""
    out = {}
    for model in (CallSummary, CallSummaryHour, CallSummaryPeak):
        rows = model.objects.filter(tenant=tenant).values()
        out[model.__name__] = sorted(tuple(sorted((k, v) for k, v in r.items() if k != "id")) for r in rows)
    return out


def day_start(days_ago=0):
    today = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
