"""Summaries kept as calls are imported, re-imported and deleted in any order equal a rebuild from the raw rows."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.capture.services import capture_import_file
from apps.cdr.services import cdr_bulk_write, cdr_create, cdr_delete
from apps.core.actor import system_actor
from apps.reports.services import summaries_rebuild
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.reports.conftest import CAPTURES, summary_snapshot

FILES = ("sip_rtp_g729a.pcap", "sip_failed_calls_register_auth.pcap")
CODES = (200, 486, 487, 404, 503, 302, 603)

call = st.fixed_dictionaries(
    {
        "minute": st.integers(0, 600),
        "sensor": st.sampled_from([1, 2]),
        "code": st.sampled_from(CODES),
        "mos": st.one_of(st.none(), st.integers(5, 45)),
        "loss": st.one_of(st.none(), st.integers(0, 60000)),
        "pdd": st.one_of(st.none(), st.floats(0, 70, allow_nan=False)),
        "talk": st.floats(0, 4000, allow_nan=False),
        "codec": st.sampled_from([0, 8, 18, None]),
        "ip": st.sampled_from(["192.0.2.1", "198.51.100.7", None]),
    }
)
step = st.one_of(
    st.tuples(st.just("add"), call),
    st.tuples(st.just("batch"), st.lists(call, min_size=2, max_size=4)),
    st.tuples(st.just("import"), st.sampled_from(FILES)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
)


def call_fields(c, n, callid=None):
    start = dt.datetime(2024, 3, 9, 22, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=c["minute"], seconds=n % 60)
    answered = c["code"] == 200
    return dict(
        callid=callid or f"prop-{n}",
        calldate=start,
        callend=start + dt.timedelta(seconds=c["talk"] + 3),
        duration=c["talk"] + 3,
        connect_duration=c["talk"] if answered else None,
        id_sensor=c["sensor"],
        lastSIPresponseNum=c["code"],
        sipcallerip=c["ip"],
        payload=c["codec"] if answered else None,
        a_mos_f1_mult10=c["mos"],
        b_mos_f1_mult10=c["mos"] and c["mos"] - 3,
        a_received=100 if answered else None,
        packet_loss_perc_mult1000=c["loss"] if answered else None,
        progress_time=c["pdd"],
        bye=3 if answered and n % 3 else 1,
    )


def add_call(tenant, c, n):
    return cdr_create(tenant=tenant, **call_fields(c, n))


def add_batch(tenant, calls, n):
    """Several calls in one write (the seeding path: COPY on PostgreSQL), summed per key before the upsert."""
    from apps.cdr.models import Cdr

    calls = [Cdr(**call_fields(c, n + i, callid=f"prop-batch-{n}-{i}")) for i, c in enumerate(calls)]
    skip = {"id", "tenant", "created_at", "custom_headers"}
    columns = tuple(f.name for f in Cdr._meta.concrete_fields if f.name not in skip)
    rows = [tuple(getattr(cdr, name) for name in columns) for cdr in calls]
    with transaction.atomic():
        cdr_bulk_write(tenant=tenant, columns=columns, rows=rows, created_at=dt.datetime(2024, 3, 10, tzinfo=dt.UTC))


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_summaries_equal_a_rebuild_after_any_sequence(steps, settings_media):
    Tenant.objects.filter(slug="prop").delete()
    tenant = tenant_create(slug="prop", name="Property")
    from apps.sensors.services import sensor_create

    for number in (1, 2):
        sensor_create(tenant=tenant, id_sensor=number, name=f"s{number}")
    actor = system_actor(tenant)
    stored = []
    for n, (kind, value) in enumerate(steps):
        if kind == "add":
            stored.append(add_call(tenant, value, n).pk)
        elif kind == "batch":
            add_batch(tenant, value, n)
            from apps.cdr.models import Cdr

            stored = list(Cdr.objects.filter(tenant=tenant).values_list("pk", flat=True))
        elif kind == "import":
            capture_import_file(tenant=tenant, id_sensor=1, path=CAPTURES / value)  # again: nothing changes
            from apps.cdr.models import Cdr

            stored = list(Cdr.objects.filter(tenant=tenant).values_list("pk", flat=True))
        elif stored:
            victim = stored.pop(value % len(stored))
            cdr_delete(actor=actor, ids=[victim])
    live = summary_snapshot(tenant)
    summaries_rebuild(
        tenant=tenant, start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), end=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    assert summary_snapshot(tenant) == live


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
