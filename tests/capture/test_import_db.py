"""The capture pipeline end to end: files in, call records, streams, DTMF and per-call pcaps stored."""

import json
import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from apps.capture.analyzer import analyze_capture
from apps.capture.models import CaptureSettings, SipMessageCount
from apps.capture.services import CaptureRefused, capture_import_file
from apps.cdr.models import Cdr, CdrDtmf, CdrRtp

from .reference import CAPTURES, REFERENCE, capture_names, capture_path

pytestmark = pytest.mark.django_db

if not CAPTURES.is_dir():
    pytest.skip(f"shared captures not found at {CAPTURES}", allow_module_level=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reference(name):
    return json.loads((REFERENCE / f"{name}.json").read_text())


@pytest.mark.parametrize("name", capture_names())
def test_import_stores_every_call_the_sniffer_found(tenant_a, name):
    summary = capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path(name))
    expected = reference(name)
    stored = Cdr.objects.filter(tenant=tenant_a)
    assert summary["imported"] == stored.count() == expected["cdr_count"]
    ref_ids = sorted(c["cdr_next"]["fbasename"] for c in expected["cdrs"])
    assert sorted(stored.values_list("callid", flat=True)) == ref_ids
    for cdr in stored:
        for attr in ("pcap_sip", "pcap_full"):
            assert getattr(cdr, attr) and default_storage.exists(getattr(cdr, attr)), (cdr.callid, attr)


def test_stored_record_equals_the_analysis(tenant_a):
    path = capture_path("sip_dtmf_rfc2833_via_proxy")
    analysed = {c.fields["callid"]: c for c in analyze_capture(str(path)).calls}
    capture_import_file(tenant=tenant_a, id_sensor=2, path=path)
    for cdr in Cdr.objects.filter(tenant=tenant_a):
        call = analysed[cdr.callid]
        for name in (
            "caller",
            "called",
            "lastSIPresponseNum",
            "bye",
            "a_received",
            "b_lost",
            "a_mos_f1_mult10",
            "a_sl1",
            "duration",
            "calldate",
            "sipcallerip",
        ):
            assert getattr(cdr, name) == call.fields[name], name
        assert cdr.id_sensor == 2
        assert CdrRtp.objects.filter(cdr=cdr).count() == len(call.streams)
        digits = "".join(CdrDtmf.objects.filter(cdr=cdr).order_by("time").values_list("digit", flat=True))
        assert digits == "".join(d["digit"] for d in call.dtmf)
    assert "6789123" in "".join(CdrDtmf.objects.filter(tenant=tenant_a).values_list("digit", flat=True))


def test_stored_pcaps_hold_the_calls_packets(tenant_a):
    capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path("sip_g711u_call_both_ways_loss_bye"))
    cdr = Cdr.objects.get(tenant=tenant_a)
    full = analyze_capture(default_storage.path(cdr.pcap_full))
    sip_only = analyze_capture(default_storage.path(cdr.pcap_sip))
    assert [c.fields["callid"] for c in full.calls] == [cdr.callid]
    assert full.calls[0].fields["a_received"] == cdr.a_received
    assert sip_only.calls[0].fields["a_received"] in (None, 0)


def test_import_twice_creates_no_duplicates(tenant_a):
    path = capture_path("sip_failed_calls_register_auth")
    first = capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    files = sorted(default_storage.listdir(f"pcaps/{tenant_a.pk}")[0])
    second = capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    assert first["imported"] > 0 and second["imported"] == 0
    assert second["duplicates"] == first["imported"]
    assert Cdr.objects.filter(tenant=tenant_a).count() == first["imported"]
    assert sorted(default_storage.listdir(f"pcaps/{tenant_a.pk}")[0]) == files


def test_same_file_into_two_tenants_stays_separate(tenant_a, tenant_b):
    path = capture_path("sip_rtp_g729a")
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    capture_import_file(tenant=tenant_b, id_sensor=1, path=path)
    assert Cdr.objects.filter(tenant=tenant_a).count() == Cdr.objects.filter(tenant=tenant_b).count() == 1


def test_not_a_capture_is_refused_and_nothing_written(tenant_a, tmp_path):
    bogus = tmp_path / "notes.pcap"
    bogus.write_text("this is not a capture at all\n" * 10)
    with pytest.raises(CaptureRefused, match="Not a pcap"):
        capture_import_file(tenant=tenant_a, id_sensor=1, path=bogus)
    assert not Cdr.objects.exists()
    assert not default_storage.exists(f"pcaps/{tenant_a.pk}")


def test_truncated_file_imports_what_it_holds(tenant_a, tmp_path):
    source = capture_path("sip_g711u_call_both_ways_loss_bye")
    cut = tmp_path / "cut.pcap"
    data = source.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3 + 7])
    summary = capture_import_file(tenant=tenant_a, id_sensor=1, path=cut)
    assert summary["truncated"] is True
    for cdr in Cdr.objects.filter(tenant=tenant_a):
        assert default_storage.exists(cdr.pcap_full) and default_storage.exists(cdr.pcap_sip)


def test_failure_while_storing_a_call_leaves_no_half_call(tenant_a, monkeypatch):
    """The second pcap cannot be written: the call row and the first pcap are both rolled back."""
    real_save = default_storage.save

    def failing_save(name, content, **kw):
        if name.endswith(".full.pcap"):
            raise OSError("disk full")
        return real_save(name, content, **kw)

    monkeypatch.setattr(default_storage, "save", failing_save)
    with pytest.raises(OSError):
        capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path("sip_rtp_g729a"))
    assert not Cdr.objects.exists() and not CdrRtp.objects.exists()
    folder = f"pcaps/{tenant_a.pk}"
    leftovers = [] if not default_storage.exists(folder) else default_storage.listdir(folder)[0]
    for day in leftovers:
        assert default_storage.listdir(f"{folder}/{day}")[1] == []


def test_unknown_sensor_is_refused(tenant_a):
    with pytest.raises(Exception, match="Sensor 9"):
        capture_import_file(tenant=tenant_a, id_sensor=9, path=capture_path("sip_rtp_g729a"))


def test_register_traffic_is_counted_not_a_call(tenant_a):
    summary = capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path("sip_register_only_keepalives"))
    assert summary["imported"] == 0
    counts = dict(SipMessageCount.objects.filter(tenant=tenant_a, id_sensor=1).values_list("method", "count"))
    assert counts.get("REGISTER", 0) > 0


def test_rtp_without_sip_is_reported_as_orphan_streams(tenant_a):
    summary = capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path("rtp_only_g711a_no_sip"))
    assert summary["imported"] == 0 and summary["orphan_streams"] >= 1
    assert summary["orphans"][0]["received"] == 236


def test_custom_headers_of_the_tenant_are_kept(tenant_a):
    CaptureSettings.objects.create(tenant=tenant_a, custom_headers="User-Agent, X-Nonexistent")
    capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_path("sip_g711u_call_both_ways_loss_bye"))
    cdr = Cdr.objects.get(tenant=tenant_a)
    assert cdr.custom_headers.get("User-Agent")
    assert "X-Nonexistent" not in cdr.custom_headers


def test_pcap_import_command_prints_a_summary(tenant_a, tmp_path, capsys):
    files = [str(capture_path("sip_rtp_g729a")), str(capture_path("rtp_only_g711a_no_sip"))]
    call_command("pcap_import", *files, "--tenant", "acme", "--sensor", "1", verbosity=0)
    out = capsys.readouterr().out
    assert "total:" in out and "1 new" in out and "orphan streams" in out
    bogus = tmp_path / "x.pcap"
    shutil.copy(__file__, bogus)
    with pytest.raises(CommandError, match="no file could be imported"):
        call_command("pcap_import", str(bogus), "--tenant", "acme", "--sensor", "1", verbosity=0)


def test_ringing_time_runs_from_first_18x_to_the_final_answer(tenant_a):
    """Checked against the call's own SIP messages: first 18x to the first final INVITE response."""
    path = capture_path("sip_g711u_call_both_ways_loss_bye")
    call = analyze_capture(str(path)).calls[0]
    firsts = [(m["time"], m["first_line"]) for m in call.sip_messages if m["first_line"].startswith("SIP/2.0")]
    ringing = next(t for t, line in firsts if line.split()[1].startswith("18"))
    final = next(t for t, line in firsts if line.split()[1] == "200")
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    stored = Cdr.objects.get(tenant=tenant_a)
    assert stored.ringing_time == pytest.approx(final - ringing, abs=0.001)
    assert stored.ringing_time > 0
