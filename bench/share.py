"""Benchmark of anonymised sharing: the anonymised pcap of a one-hour G.711 call (about 360,000 packets)
served by its share link, against the plain getPCAP download of the same stored call, in the same run,
through the same Django request path (in-process client, the body read to its last byte).

    .venv/bin/python bench/share.py [--minutes 60] [--short-minutes 15] [--runs 3]

Each request is timed by the wall clock and by the process's CPU time (the machine is shared: CPU time
is what other processes disturb least). Also: the Django-free rewrite alone in packets per second next
to reading and copying the file in the same blocks, and the peak memory (tracemalloc) of streaming the
anonymised copy of a short call and of the long one; it must not grow with the call.
The captures come from the shared generator (captures/synthetic/gen_capture.py, one call, G.711 u-law).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import REPO, ensure_database, interleaved, setup_django, summary  # noqa: E402

DB = "postgres://postgres@127.0.0.1:5432/voipmon_bench_share"
SHARED = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))


def capture(path, minutes, seed):
    if not path.exists():
        generator = SHARED / "captures" / "synthetic" / "gen_capture.py"
        if not generator.exists():
            generator = REPO / "bench" / "gen_capture.py"
        args = ["--calls", "1", "--seconds", str(int(minutes * 60)), "--loss", "0.01", "--jitter-ms", "3"]
        subprocess.run([sys.executable, str(generator), str(path), *args, "--seed", str(seed)], check=True)
    return path


def packets_of(path):
    from apps.capture.pcapio import pcap_iter_file

    return sum(1 for _ in pcap_iter_file(path))


def anonymised_stream(path, sip_path):
    """The share's own path without Django: learn from the SIP-only file, then read, rewrite and write
    the full capture in chunks (what the response streams)."""
    from apps.capture.pcapio import pcap_iter_file
    from apps.sharing.anon import AddressMap, Anonymizer
    from apps.sharing.anonpcap import anonymized_pcap_chunks

    anonymizer = Anonymizer(AddressMap(salt=b"bench"))
    anonymizer.prescan(pcap_iter_file(sip_path))
    return sum(len(chunk) for chunk in anonymized_pcap_chunks(str(path), anonymizer))


def copied_stream(path):
    """The floor of an in-place rewrite: every block read into a buffer and copied out unchanged."""
    from apps.sharing.anonpcap import BLOCK

    buffer = bytearray(BLOCK)
    view, total = memoryview(buffer), 0
    with open(path, "rb") as handle:
        while got := handle.readinto(view):
            total += len(bytes(view[:got]))
    return total


def sip_only(path, target):
    from apps.capture.pcapio import PcapSource

    source = PcapSource(str(path))
    with open(target, "wb") as out:
        out.write(source.global_header)
        for _ts, _lt, data, raw in source:
            if b"SIP/2.0" in data:
                out.write(raw + data)
    source.close()
    return target


def peak_memory(fn, *args):
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def imported_call(path, tenant, user):
    from apps.capture.services import capture_import_file
    from apps.cdr.models import Cdr

    before = set(Cdr.objects.filter(tenant=tenant).values_list("pk", flat=True))
    capture_import_file(tenant=tenant, id_sensor=1, path=path)
    return Cdr.objects.filter(tenant=tenant).exclude(pk__in=before).get()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--short-minutes", type=float, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default=DB)
    options = parser.parse_args()

    ensure_database(options.db)
    setup_django(options.db)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from django.conf import settings

    from apps.accounts.services import apitoken_issue
    from apps.cdr.models import Cdr
    from apps.sensors.services import sensor_create
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create
    from apps.users.services import user_create

    work = Path(tempfile.mkdtemp(prefix="voipmon-bench-share-"))
    settings.MEDIA_ROOT = str(work / "media")
    long_pcap = capture(work / "long.pcap", options.minutes, 5)
    short_pcap = capture(work / "short.pcap", options.short_minutes, 6)
    count = packets_of(long_pcap)
    print(f"call: {options.minutes:.0f} min G.711, {count} packets, {long_pcap.stat().st_size / 2**20:.1f} MiB")

    Tenant.objects.filter(slug="bench-share").delete()
    tenant = tenant_create(slug="bench-share", name="Bench", timezone="UTC")
    sensor_create(tenant=tenant, id_sensor=1, name="bench")
    flags = {f: True for f in ("can_cdr", "can_pcap", "can_cdr_share_voipmonitor_org", "can_play_audio")}
    user = user_create(username=f"bench-share-{os.getpid()}", tenant=tenant, password="bench-Pa55", flags=flags)
    start = time.perf_counter()
    cdr = imported_call(long_pcap, tenant, user)
    print(f"import of the call: {time.perf_counter() - start:.1f} s (setup, not measured below)")

    api = Client()
    api.defaults["HTTP_AUTHORIZATION"] = f"Token {apitoken_issue(user=user)}"
    link = api.post("/api/v1/shares/", {"cdr_id": cdr.pk, "content": "sip_rtp", "anonymise": True},
                    content_type="application/json").json()  # fmt: skip
    share_path = "/s/" + link["url"].split("/s/", 1)[1]
    visitor = Client()
    assert visitor.get(share_path).status_code == 200

    who = {"user": user.username, "password": "bench-Pa55"}

    def body_size(response):
        assert response.status_code == 200, response.status_code
        return sum(len(chunk) for chunk in response.streaming_content)

    def get_pcap():
        return body_size(api.get("/php/api.php", {**who, "task": "getPCAP", "params": f'{{"cdrId": {cdr.pk}}}'}))

    def share_pcap():
        return body_size(visitor.get(share_path + "capture.pcap"))

    samples, cpu = {}, {}
    rounds = {"getPCAP (plain file)": get_pcap, "share, anonymised": share_pcap}
    for fn in rounds.values():  # warm-up
        fn()
    for _ in range(options.runs):  # round by round, so a machine whose speed drifts slows both alike
        for name, fn in rounds.items():
            wall, own = time.perf_counter(), time.process_time()
            fn()
            samples.setdefault(name, []).append((time.perf_counter() - wall) * 1000)
            cpu.setdefault(name, []).append((time.process_time() - own) * 1000)
    print(f"\n{'request (whole body read)':<28} {'median':>9} {'p95':>9} {'packets/s':>11} {'CPU median':>11}")
    medians, cpu_medians = {}, {}
    for name, values in samples.items():
        median, p95 = summary(values)
        medians[name], cpu_medians[name] = median, summary(cpu[name])[0]
        print(f"{name:<28} {median / 1000:8.3f}s {p95 / 1000:8.3f}s {count / (median / 1000):11,.0f} "
              f"{cpu_medians[name] / 1000:10.3f}s")  # fmt: skip
    ratio = medians["share, anonymised"] / medians["getPCAP (plain file)"]
    cpu_ratio = cpu_medians["share, anonymised"] / cpu_medians["getPCAP (plain file)"]
    print(f"anonymised share / plain getPCAP: {ratio:.1f}x wall clock, {cpu_ratio:.1f}x CPU time (target <= 2x)")

    long_sip, short_sip = sip_only(long_pcap, work / "long.sip.pcap"), sip_only(short_pcap, work / "short.sip.pcap")
    alone = interleaved(
        {"copy": lambda: copied_stream(long_pcap), "anonymise": lambda: anonymised_stream(long_pcap, long_sip)},
        options.runs, warmup=0,
    )  # fmt: skip
    copy_ms, anon_ms = summary(alone["copy"])[0], summary(alone["anonymise"])[0]
    print("\nwithout Django, the same file (median):")
    speed = count / (anon_ms / 1000)
    print(f"  read, anonymise, write: {anon_ms / 1000:.3f} s = {speed:,.0f} packets/s (target >= 200,000)")
    print(f"  read and copy out unchanged in blocks (the floor): {copy_ms / 1000:.3f} s = "
          f"{count / (copy_ms / 1000):,.0f} packets/s; anonymising costs {anon_ms / copy_ms:.2f}x that")  # fmt: skip
    short_peak = peak_memory(anonymised_stream, short_pcap, short_sip)
    long_peak = peak_memory(anonymised_stream, long_pcap, long_sip)
    print(f"peak memory, {options.short_minutes:.0f} min call: {short_peak / 2**20:.2f} MiB; "
          f"{options.minutes:.0f} min call: {long_peak / 2**20:.2f} MiB (must not grow with the call)")  # fmt: skip
    Cdr.objects.filter(tenant=tenant).delete()
    Tenant.objects.filter(slug="bench-share").delete()


if __name__ == "__main__":
    main()
