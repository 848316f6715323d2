"""HEP listener benchmark, beside pcap_import of the same file in the same run.

Usage: ``python bench/hep.py [--calls 200] [--seconds 60] [--short-calls 2000] [--rates 10000,20000,40000,80000]
[--db postgres://...]``

1. Generates the synthetic capture (../shared/captures/synthetic/gen_capture.py), a half-length one and a
   stream of short calls (1 s of RTP each, all starting within 2 s of capture time).
2. Peer: ``pcap_import`` of the main file and of the short-call file (in this process, timed).
3. For each offered rate, a fresh ``manage.py hep_listen`` process receives the first ``--trial-packets`` HEP
   packets over UDP at that rate: accepted with no loss means the listener counted every packet sent, the
   kernel's drop counter of its socket (/proc/net/udp) stayed 0, and ours (malformed, auth...) too.
4. The whole capture at the best lossless rate: end-to-record (the last packet of a call sent -> its row
   committed; the listener's own close -> commit too), and the listener's peak memory (VmHWM), compared
   with the half-length capture at the same concurrency.
5. The short calls at that rate: new calls stored per second.
"""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_DB, REPO, ensure_database, free_port, setup_django  # noqa: E402

SHARED = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))
AGENT, KEY = 9901, "bench-hep-key-0001"


def generate(folder, name, calls, seconds, seed=11):
    path = folder / name
    subprocess.run(
        [
            sys.executable,
            str(SHARED / "captures" / "synthetic" / "gen_capture.py"),
            str(path),
            "--calls",
            str(calls),
            "--seconds",
            str(seconds),
            "--loss",
            "0.01",
            "--jitter-ms",
            "3",
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
    )
    return path


def target():
    from apps.sensors.models import Sensor
    from apps.sensors.services import sensor_create, sensor_hep_enable
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    Tenant.objects.filter(slug="bench-hep").delete()
    tenant = tenant_create(slug="bench-hep", name="HEP benchmark")
    for number in (1, 2):
        sensor_create(tenant=tenant, id_sensor=number, name=f"bench {number}")
    Sensor.objects.filter(hep_agent_id=AGENT).update(hep_agent_id=None)
    sensor_hep_enable(sensor=Sensor.objects.get(tenant=tenant, id_sensor=1), agent_id=AGENT, key=KEY)
    return tenant


def clear_calls(tenant):
    from apps.cdr.models import Cdr

    Cdr.objects.filter(tenant=tenant).delete()


def peer_import(tenant, path):
    from apps.capture.services import capture_import_file

    start = time.perf_counter()
    summary = capture_import_file(tenant=tenant, id_sensor=2, path=path)
    elapsed = time.perf_counter() - start
    return {"packets": summary["packets"], "calls": summary["imported"], "seconds": elapsed}


def hep_packets(path):
    from apps.live.replay import capture_hep_packets

    return list(capture_hep_packets(str(path), agent_id=AGENT, auth_key=KEY.encode()))


def call_ends(packets):
    """index -> Call-ID of each call's last packet (the 200 answering its BYE, in the generator's calls)."""
    ends = {}
    for i, raw in enumerate(packets):
        if b"SIP/2.0 200" in raw and b"CSeq: 2 BYE" in raw:
            ends[i] = re.search(rb"Call-ID: (\S+)", raw).group(1).decode()
    return ends


class Listener:
    def __init__(self, database_url):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "voipmon.settings.local",
            "DJANGO_DEBUG": "false",
            "VOIPMON_LIVE_REDIS_URL": os.environ.get("VOIPMON_LIVE_REDIS_URL", ""),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "hep_listen", "--address", "127.0.0.1", "--port", str(self.port), "--no-tcp"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self._bound():
                time.sleep(1.0)  # serve() loads sensors after binding
                return
            time.sleep(0.2)
        raise RuntimeError("hep_listen did not start")

    def _bound(self):
        from apps.live.listener import udp_kernel_drops

        return udp_kernel_drops(self.port) is not None

    def kernel_drops(self):
        from apps.live.listener import udp_kernel_drops

        return udp_kernel_drops(self.port)

    def rx_queue(self):
        """Bytes waiting in the listener's socket (/proc/net/udp tx_queue:rx_queue)."""
        with open("/proc/net/udp") as fh:
            for line in fh:
                parts = line.split()
                if parts[1].endswith(f":{self.port:04X}"):
                    return int(parts[4].split(":")[1], 16)
        return 0

    def drain(self, limit=300):
        """Wait until the listener has read everything the kernel holds for it."""
        deadline = time.time() + limit
        while self.rx_queue() and time.time() < deadline:
            time.sleep(0.1)

    def memory(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return {k: int(re.search(rf"{k}:\s+(\d+)", status).group(1)) // 1024 for k in ("VmRSS", "VmHWM")}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=600)
        self.output = out
        match = re.search(r"close to commit: p50 (\d+) ms, p95 (\d+) ms, max (\d+) ms", out)
        self.close_commit = tuple(int(x) for x in match.groups()) if match else None
        return out

    def status(self):
        from apps.live.models import HepListenerStatus

        return HepListenerStatus.objects.filter(name__endswith=f":{self.port}").order_by("-updated_at").first()


def send(port, packets, rate, marks=None):
    """Send at ``rate`` packets/s in bursts; returns (seconds, {index: wall time sent}) for ``marks``."""
    sent_at = {}
    burst = 64
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("127.0.0.1", port))
        out = sock.send
        start = time.perf_counter()
        wall0 = time.time() - start
        for i in range(0, len(packets), burst):
            for raw in packets[i : i + burst]:
                out(raw)
            if marks:
                now = time.perf_counter()
                for j in range(i, min(i + burst, len(packets))):
                    if j in marks:
                        sent_at[j] = wall0 + now
            ahead = start + (i + burst) / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
        return time.perf_counter() - start, sent_at


def trial(database_url, packets, rate):
    listener = Listener(database_url)
    start = time.perf_counter()
    seconds, _ = send(listener.port, packets, rate)
    listener.drain()
    drained = time.perf_counter() - start
    time.sleep(1.0)
    kernel = listener.kernel_drops()
    listener.stop()
    status = listener.status()
    ours = sum((status.drops or {}).values()) if status else None
    received = status.packets if status else 0
    return {
        "rate": rate,
        "achieved": len(packets) / seconds,
        "received": received,
        "sent": len(packets),
        "sustained": received / drained,
        "kernel_drops": kernel,
        "our_drops": ours,
        "lossless": received == len(packets) and kernel == 0 and ours == 0,
    }


def full_run(database_url, tenant, packets, rate):
    from apps.cdr.models import Cdr

    clear_calls(tenant)
    ends = call_ends(packets)
    listener = Listener(database_url)
    peak = {"VmRSS": 0}
    seconds, sent_at = send(listener.port, packets, rate, marks=ends)
    listener.drain()
    stored_by = time.time() + 120
    while Cdr.objects.filter(tenant=tenant, id_sensor=1).count() < len(ends) and time.time() < stored_by:
        mem = listener.memory()
        peak = mem if mem["VmRSS"] > peak["VmRSS"] else peak
        time.sleep(0.2)
    memory = listener.memory()
    kernel = listener.kernel_drops()
    listener.stop()
    created = dict(Cdr.objects.filter(tenant=tenant, id_sensor=1).values_list("callid", "created_at"))
    delays = sorted(created[cid].timestamp() - sent_at[i] for i, cid in ends.items() if cid in created and i in sent_at)
    times = sorted(c.timestamp() for c in created.values())
    return {
        "seconds": seconds,
        "stored": len(created),
        "calls": len(ends),
        "delays": delays,
        "memory": memory,
        "kernel_drops": kernel,
        "close_commit": listener.close_commit,
        "first_last": (times[0], times[-1]) if times else None,
    }


def cpu_ceiling(packets):
    """What one thread of this machine does per second with no socket and no database: the bound.
    Per packet (hep_decode + LiveEngine.packet) and as the listener runs it, in batches of what one
    read of the socket returns (hep_batch_decode + pipe_add_batch)."""
    import numpy as np

    from apps.live import hep, hepbatch
    from apps.live.engine import LiveEngine
    from apps.live.fastpath import pipe_add_batch

    sample = packets[:100000]
    start = time.perf_counter()
    decoded = [hep.hep_decode(p) for p in sample]
    decode = len(sample) / (time.perf_counter() - start)
    engine = LiveEngine(tempfile.mkdtemp(prefix="bench-hep-engine-"))
    start = time.perf_counter()
    for i, pkt in enumerate(decoded):
        engine.packet(1, pkt)
        if i % 4096 == 0:
            engine.tick()
    engine.tick()
    analyse = len(sample) / (time.perf_counter() - start)
    blocks = []
    for i in range(0, len(sample), 4096):
        chunk = sample[i : i + 4096]
        lengths = np.array([len(p) for p in chunk], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        blocks.append((np.frombuffer(b"".join(chunk), np.uint8), offsets, lengths))
    for warm in (True, False):  # the first pass compiles the numba kernels (cached on disk afterwards)
        engine = LiveEngine(tempfile.mkdtemp(prefix="bench-hep-engine-"))
        start = time.perf_counter()
        for buf, offsets, lengths in blocks:
            cols = hepbatch.hep_batch_decode(buf, offsets, lengths)
            pipe_add_batch(engine.pipe(1), buf, cols, np.arange(len(offsets)), engine.wall(), AGENT)
            engine.tick()
        batch = len(sample) / (time.perf_counter() - start)
        if not warm:
            return decode, analyse, batch
    return decode, analyse, batch


def pct(values, q):
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--short-calls", type=int, default=2000)
    ap.add_argument("--rates", default="10000,20000,40000,80000,120000")
    ap.add_argument("--trial-packets", type=int, default=200000)
    ap.add_argument("--db", default=os.environ.get("VOIPMON_BENCH_DB", DEFAULT_DB))
    a = ap.parse_args()
    ensure_database(a.db)
    setup_django(a.db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="bench-hep-"))
    print(f"generating captures ({a.calls} calls x {a.seconds:g} s, half length, {a.short_calls} short calls)...")
    main_pcap = generate(folder, "main.pcap", a.calls, a.seconds)
    half_pcap = generate(folder, "half.pcap", a.calls, a.seconds / 2)
    short_pcap = generate(folder, "short.pcap", a.short_calls, 1)
    tenant = target()

    peer = peer_import(tenant, main_pcap)
    peer_short = peer_import(tenant, short_pcap)
    print(
        f"\npcap_import (peer) of {main_pcap.name}: {peer['packets']} packets, {peer['calls']} calls in "
        f"{peer['seconds']:.1f} s = {peer['packets'] / peer['seconds']:,.0f} packets/s"
    )
    print(
        f"pcap_import (peer) of the short calls: {peer_short['calls']} calls in {peer_short['seconds']:.1f} s = "
        f"{peer_short['calls'] / peer_short['seconds']:,.0f} calls/s"
    )

    packets = hep_packets(main_pcap)
    decode, analyse, batch = cpu_ceiling(packets)
    both = 1 / (1 / decode + 1 / analyse)
    print(
        f"\none thread, no socket, no database (first 100,000 packets, call set-up included): per packet "
        f"HEP decode {decode:,.0f}/s, analysis {analyse:,.0f}/s, both {both:,.0f} packets/s; batch path (the "
        f"listener's) {batch:,.0f} packets/s (load {os.getloadavg()[0]:.1f})"
    )
    print(f"\nHEP over UDP, {min(a.trial_packets, len(packets))} packets per trial, fresh listener each:")
    best = None
    rates = [int(r) for r in a.rates.split(",")]
    while rates:
        rate = rates.pop(0)
        r = trial(a.db, packets[: a.trial_packets], rate)
        print(
            f"  offered {rate:>7,}/s  sent at {r['achieved']:>9,.0f}/s  received {r['received']:>7}/{r['sent']}  "
            f"kernel drops {r['kernel_drops']}  ours {r['our_drops']}  {'LOSSLESS' if r['lossless'] else 'loss'}  "
            f"(processed {r['sustained']:,.0f}/s until drained)"
        )
        if r["lossless"]:
            best = max(best or 0, r["achieved"])
        elif best is None and rate > 1000:
            rates = [rate // 2]  # not even the first rate: halve until one is lossless
        else:
            break
    best = best or 1000
    rate = best * 0.9
    print(
        f"packets/s accepted with no loss: {best:,.0f} (peer pcap_import: {peer['packets'] / peer['seconds']:,.0f}"
        f" packets/s from a file)"
    )

    clear_calls(tenant)
    for name, path in (("whole capture", main_pcap), ("half-length capture", half_pcap)):
        run = full_run(a.db, tenant, hep_packets(path), rate)
        d = run["delays"]
        print(
            f"\n{name} at {rate:,.0f} packets/s: {run['stored']}/{run['calls']} calls stored, kernel drops "
            f"{run['kernel_drops']}"
        )
        if d:
            print(
                f"  last packet of a call -> its row: p50 {statistics.median(d):.2f} s, p95 {pct(d, 0.95):.2f} s, "
                f"max {d[-1]:.2f} s (includes the 5 s end-of-call linger in packet time)"
            )
        if run["close_commit"]:
            print("  listener close -> commit: p50 {} ms, p95 {} ms, max {} ms".format(*run["close_commit"]))
        print(f"  listener memory: RSS {run['memory']['VmRSS']} MiB, peak {run['memory']['VmHWM']} MiB")

    packets = hep_packets(short_pcap)
    run = full_run(a.db, tenant, packets, rate)
    if run["first_last"]:
        span = max(run["first_last"][1] - run["first_last"][0], 1e-3)
        print(
            f"\nshort calls: {run['stored']}/{run['calls']} stored; {run['stored'] / span:,.0f} new calls/s "
            f"(first to last commit, {span:.1f} s); peer pcap_import "
            f"{peer_short['calls'] / peer_short['seconds']:,.0f} calls/s"
        )


if __name__ == "__main__":
    main()
