"""Calls that end together are stored in one transaction (``calls_store``): the same rows and files as
``call_store`` one call at a time (the import's path, the oracle here), idempotent like it."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from apps.capture.analyzer import analyze_capture
from apps.capture.services import call_store, calls_store
from apps.cdr.models import Cdr

from .test_equivalence import rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def analysed(synthetic, tmp_path_factory):
    path = synthetic(calls=5, seconds=3, loss=0.02, jitter=5, seed=21)
    return analyze_capture(str(path), out_dir=str(tmp_path_factory.mktemp("calls"))).calls


def count(id_sensor):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cdr_cdr WHERE id_sensor = %s", [id_sensor])
        return cursor.fetchone()[0]


def test_a_batch_stores_what_call_store_stores_one_by_one(tenant_a, analysed):
    for call in analysed:
        call_store(tenant=tenant_a, id_sensor=1, call=call)
    stored = calls_store(tenant=tenant_a, id_sensor=2, calls=analysed)
    assert all(cdr is not None and cdr.pk for cdr in stored) and count(2) == len(analysed) == 5
    one_by_one, batch = rows(tenant_a, 1), rows(tenant_a, 2)
    assert set(batch) == set(one_by_one)
    for key, (values, streams, dtmf, dscp) in one_by_one.items():
        assert batch[key] == (values, streams, dtmf, dscp)
    for cdr in Cdr.objects.filter(id_sensor=2):
        assert default_storage.exists(cdr.pcap_sip) and default_storage.exists(cdr.pcap_full)


def test_a_batch_is_idempotent_and_skips_a_call_given_twice(tenant_a, analysed):
    first = calls_store(tenant=tenant_a, id_sensor=2, calls=[analysed[0], analysed[1], analysed[0]])
    assert [cdr is not None for cdr in first] == [True, True, False] and count(2) == 2
    again = calls_store(tenant=tenant_a, id_sensor=2, calls=analysed)
    assert [cdr is not None for cdr in again] == [False, False, True, True, True] and count(2) == 5
