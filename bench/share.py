"""Benchmark of anonymised sharing: the anonymised pcap of a one-hour G.711 call (about 360,000 packets)
served by its share link, against the plain getPCAP download of the same stored call, in the same run,
through the same Django request path (in-process client, the body read to its last byte).

    .venv/bin/python bench/share.py [--minutes 60] [--short-minutes 15] [--runs 3]

Also: the Django-free rewrite alone in packets per second, and the peak memory (tracemalloc) of
streaming the anonymised copy of a short call and of the long one; it must not grow with the call.
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


def anonymised_stream(path):
    """The share's own path without Django: read, rewrite, write, in chunks (what the response streams)."""
    from apps.capture.pcapio import pcap_iter_file
    from apps.media.pcapmerge import pcap_merge_stream
    from apps.sharing.anon import AddressMap, Anonymizer, anonymize_records

    anonymizer = Anonymizer(AddressMap(salt=b"bench"))
    anonymizer.prescan(record for record in pcap_iter_file(path) if b"SIP/2.0" in record[2])
    _kind, chunks = pcap_merge_stream([str(path)], lambda records: anonymize_records(records, anonymizer))
    return sum(len(chunk) for chunk in chunks)


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

    from apps.cdr.models import Cdr
    from apps.tenants.models import Tenant
    from apps.sensors.services import sensor_create
    from apps.tenants.services import tenant_create
    from apps.users.services import token_issue, user_create

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
    api.defaults["HTTP_AUTHORIZATION"] = f"Token {token_issue(user=user)}"
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

    def get_pcap_merged():
        params = f'{{"cdrId": {cdr.pk}, "cidInterval": 10, "cidMerge": 1}}'
        return body_size(api.get("/php/api.php", {**who, "task": "getPCAP", "params": params}))

    samples = interleaved(
        {"getPCAP (plain file)": get_pcap, "getPCAP cidMerge (per packet)": get_pcap_merged,
         "share, anonymised": share_pcap}, options.runs, warmup=1,
    )  # fmt: skip
    print(f"\n{'request (whole body read)':<34} {'median':>9} {'p95':>9} {'packets/s':>11}")
    medians = {}
    for name, values in samples.items():
        median, p95 = summary(values)
        medians[name] = median
        print(f"{name:<34} {median / 1000:8.3f}s {p95 / 1000:8.3f}s {count / (median / 1000):11,.0f}")
    ratio = medians["share, anonymised"] / medians["getPCAP (plain file)"]
    ratio_merged = medians["share, anonymised"] / medians["getPCAP cidMerge (per packet)"]
    print(f"anonymised share / plain getPCAP: {ratio:.1f}x (target <= 2x)")
    print(f"anonymised share / getPCAP cidMerge (same per-packet read and write): {ratio_merged:.2f}x")

    start = time.perf_counter()
    anonymised_stream(long_pcap)
    alone = time.perf_counter() - start
    print(f"\nrewrite without Django (read, anonymise, write): {count / alone:,.0f} packets/s (target >= 200,000)")
    short_peak = peak_memory(anonymised_stream, short_pcap)
    long_peak = peak_memory(anonymised_stream, long_pcap)
    print(f"peak memory, {options.short_minutes:.0f} min call: {short_peak / 2**20:.2f} MiB; "
          f"{options.minutes:.0f} min call: {long_peak / 2**20:.2f} MiB (must not grow with the call)")  # fmt: skip
    Cdr.objects.filter(tenant=tenant).delete()
    Tenant.objects.filter(slug="bench-share").delete()


if __name__ == "__main__":
    main()
