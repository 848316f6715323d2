"""Ingest benchmark: our analysis (with per-call pcap writing) vs tshark's RTP analysis vs a bare dpkt loop.

Usage: ``python bench/ingest.py [--calls 200] [--seconds 60] [--keep FILE]``. Each stage runs in its own
child process so its peak RSS (ru_maxrss) is its own; memory flatness is checked by also analysing a
capture of half the duration.
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from bench._common import DEFAULT_DB, ensure_database, run_child  # noqa: E402


def _django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voipmon.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _import_target():
    """A fresh benchmark tenant each run, so every call is really inserted."""
    from apps.sensors.services import sensor_ensure_default
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    Tenant.objects.filter(slug="bench-ingest").delete()
    tenant = tenant_create(slug="bench-ingest", name="Ingest benchmark")
    sensor_ensure_default(tenant=tenant)
    return tenant


def _child(stage, path, out_dir):
    t = time.perf_counter()
    if stage == "import":
        _django(os.environ.get("VOIPMON_BENCH_DB", DEFAULT_DB))
        from apps.capture.services import capture_import_file

        tenant = _import_target()
        t = time.perf_counter()
        summary = capture_import_file(tenant=tenant, id_sensor=1, path=path)
        packets, extra = summary["packets"], {"calls": summary["imported"]}
    elif stage == "ours":
        from apps.capture.analyzer import analyze_capture

        result = analyze_capture(path, out_dir=out_dir)
        packets, extra = result.stats["packets"], {"calls": len(result.calls)}
    else:
        import dpkt

        packets = 0
        with open(path, "rb") as fh:
            for _ts, _buf in dpkt.pcap.Reader(fh):
                packets += 1
        extra = {}
    elapsed = time.perf_counter() - t
    extra.update(packets=packets, seconds=elapsed, maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(extra))


def _run_child(stage, path, out_dir, env=None):
    out = run_child([sys.executable, __file__, "--child", stage, path, out_dir], env={**os.environ, **(env or {})})
    return json.loads(out.strip().splitlines()[-1])


def _tshark(path, packets):
    if not shutil.which("tshark"):
        return None
    t = time.perf_counter()
    run_child(["tshark", "-r", path, "-q", "-z", "rtp,streams"])
    return {"packets": packets, "seconds": time.perf_counter() - t}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    from bench.gen_capture import gen_capture

    ensure_database(os.environ.get("VOIPMON_BENCH_DB", DEFAULT_DB))  # the import child's database
    tmp = tempfile.mkdtemp(prefix="voipmon-bench-")
    try:
        full, half = os.path.join(tmp, "full.pcap"), os.path.join(tmp, "half.pcap")
        t = time.perf_counter()
        n = gen_capture(full, args.calls, args.seconds)
        gen_capture(half, args.calls, args.seconds / 2)
        print(f"generated {n} packets ({os.path.getsize(full) / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
        # with and without the call summaries of apps/reports (kept in each call's transaction), alternated
        imports = {"1": [], "0": []}
        for keep in ("1", "0") * 3:
            run = _run_child("import", full, os.path.join(tmp, "unused"), {"VOIPMON_SUMMARY_MAINTENANCE": keep})
            imports[keep].append(run)
        full_import = min(imports["1"], key=lambda r: r["seconds"])
        bare_import = min(imports["0"], key=lambda r: r["seconds"])
        ours = _run_child("ours", full, os.path.join(tmp, "out"))
        ours_half = _run_child("ours", half, os.path.join(tmp, "out_half"))
        bare = _run_child("dpkt", full, tmp)
        tsh = _tshark(full, n)
        runs = (("import", full_import), ("ours", ours), ("dpkt", bare), ("tshark", tsh))
        rate = {k: v["packets"] / v["seconds"] for k, v in runs if v}
        print(
            f"import : {rate['import']:>10,.0f} pkt/s  ({full_import['seconds']:.1f} s: analysis, per-call pcaps "
            f"into storage and {full_import['calls']} calls into PostgreSQL; "
            f"peak RSS {full_import['maxrss_mb']:.0f} MB)"
        )
        without = bare_import["packets"] / bare_import["seconds"]
        print(
            f"import without summaries: {without:>10,.0f} pkt/s; summary maintenance costs "
            f"{(1 - rate['import'] / without) * 100:.1f} % of import throughput"
            " (target <= 10 %; best of three each, alternated)"
        )
        print(
            f"analyse: {rate['ours']:>10,.0f} pkt/s  ({ours['seconds']:.1f} s, analysis and per-call pcaps only; "
            f"peak RSS {ours['maxrss_mb']:.0f} MB, half-length file {ours_half['maxrss_mb']:.0f} MB)"
        )
        print(f"dpkt   : {rate['dpkt']:>10,.0f} pkt/s  (bare dpkt.pcap.Reader loop)")
        if "tshark" in rate:
            print(f"tshark : {rate['tshark']:>10,.0f} pkt/s  (-q -z rtp,streams)")
            print(f"import / tshark = {rate['import'] / rate['tshark']:.2f}   (target >= 1)")
        print(f"import / dpkt   = {rate['import'] / rate['dpkt']:.2f}   (target >= 0.30)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
