"""The HEP v3 server behind ``manage.py hep_listen``: sockets, authentication, counters, and the
thread that writes to the database.

One thread receives (UDP and TCP through one selector), checks each packet's agent id and key, and
drives the ``LiveEngine``; it never waits on the database. A second thread does every database
write (calls that ended, the active-call table every second, counters, commands) from a queue, so a
slow commit shows as a growing queue, not as kernel drops.
"""

import collections
import datetime as dt
import functools
import logging
import queue
import selectors
import shutil
import socket
import tempfile
import threading
import time

import numpy as np
from django.db import OperationalError, close_old_connections

from apps.capture.services import STAT_KEYS, sip_counts_store
from apps.sensors.hepkey import hep_key_check
from apps.sensors.selectors import sensors_hep_enabled
from apps.sensors.services import sensor_hep_counters_add
from apps.tenants.selectors import tenant_get_by_id

from . import hep, hepbatch
from .engine import LiveEngine
from .fastpath import pipe_add_batch
from .selectors import active_call_commands_pending, capture_settings_of
from .services import (
    active_call_command_done,
    active_calls_clear,
    active_calls_publish,
    listener_status_save,
    live_call_store,
    live_calls_store,
)

log = logging.getLogger(__name__)

TICK = 0.2
PUBLISH_EVERY = 1.0
RELOAD_EVERY = 5.0
HOUSEKEEPING_EVERY = 30.0
RCVBUF = 64 << 20
READ_BUFFER = 8 << 20  # datagrams read per batch: up to this many bytes ...
READ_BATCH = 8192  # ... or this many datagrams
STORE_BATCH = 200  # calls stored in one transaction at most
AUTH_CACHE_MAX = 10000
TCP_MAX_BUFFER = 1 << 20


def udp_kernel_drops(port):
    """Datagrams the kernel dropped for sockets bound to ``port`` (/proc/net/udp, last column)."""
    total = None
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(name) as fh:
                next(fh)
                for line in fh:
                    parts = line.split()
                    if int(parts[1].rsplit(":", 1)[1], 16) == port:
                        total = (total or 0) + int(parts[-1])
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return total


def retrying(write, tries=5):
    """A write that SQLite may refuse for a moment while a reader holds its lock: try again."""
    for attempt in range(tries):
        try:
            return write()
        except OperationalError:
            if attempt == tries - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


class SensorCounters:
    __slots__ = ("packets", "bytes", "drops", "last")

    def __init__(self):
        self.packets = self.bytes = 0
        self.drops = {}
        self.last = None


class HepServer:
    def __init__(self, address="127.0.0.1", port=9060, name=None, udp=True, tcp=True, timers=None):
        self.address, self.port = address, port
        self.name = name or f"{socket.gethostname()}:{port}"
        self.work_dir = tempfile.mkdtemp(prefix="voipmon-hep-")
        self.engine = LiveEngine(self.work_dir, timers)
        self.sel = selectors.DefaultSelector()
        for attempt in range(20):  # port 0: one free number for both UDP and TCP
            try:
                self.udp, self.tcp = self._bind(address, port, udp, tcp)
                break
            except OSError:
                if port or attempt == 19:
                    raise
        if self.udp is not None:
            self.sel.register(self.udp, selectors.EVENT_READ, "udp")
        if self.tcp is not None:
            self.sel.register(self.tcp, selectors.EVENT_READ, "accept")
        self.agents = {}  # agent id -> (sensor pk, tenant id, id_sensor, key hash)
        self.settings = {}  # tenant id -> {"custom_headers": .., "match_header": ..}
        self.tenants = {}
        self.auth_cache = {}
        self.counters = {}
        self.drops = {}  # drops that belong to no sensor: malformed, gzip, unknown_agent
        self.packets = 0
        self.published = {}  # sensor pk -> {callref: scope}
        self.outbox = queue.Queue()
        self.inbox = queue.Queue()
        self.stopping = threading.Event()
        self.publishing = threading.Event()
        self.started_at = dt.datetime.now(dt.UTC)
        self.stored = 0
        self.store_latency = collections.deque(maxlen=100000)  # seconds from a call's close to its commit
        self.sip_counted = {}
        self.writer = threading.Thread(target=self._writer, name="hep-writer", daemon=True)
        self.rbuf = bytearray(READ_BUFFER)
        self.rview = memoryview(self.rbuf)
        self.rarray = np.frombuffer(self.rbuf, dtype=np.uint8)

    def _bind(self, address, port, udp, tcp):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        usock = tsock = None
        try:
            if udp:
                usock = socket.socket(family, socket.SOCK_DGRAM)
                # SO_RCVBUFFORCE (Linux 33, root or CAP_NET_ADMIN) passes net.core.rmem_max; else the capped size
                for opt in (getattr(socket, "SO_RCVBUFFORCE", 33), socket.SO_RCVBUF):
                    try:
                        usock.setsockopt(socket.SOL_SOCKET, opt, RCVBUF)
                        break
                    except OSError:
                        continue
                usock.bind((address, port))
                usock.setblocking(False)
                port = usock.getsockname()[1]
            if tcp:
                tsock = socket.socket(family, socket.SOCK_STREAM)
                tsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tsock.bind((address, port))
                tsock.listen(64)
                tsock.setblocking(False)
                port = tsock.getsockname()[1]
        except OSError:
            for sock in (usock, tsock):
                if sock is not None:
                    sock.close()
            raise
        self.port = port
        return usock, tsock

    # ------------------------------------------------------------------ receive thread
    def serve(self, ready=None):
        self._reload(self._load_sensors())
        active_calls_clear(sensors={(t, s) for _pk, t, s, _h in self.agents.values()})
        self.writer.start()
        if ready is not None:
            ready.set()
        next_tick = next_publish = next_reload = next_house = time.monotonic()
        try:
            while not self.stopping.is_set():
                for key, _mask in self.sel.select(TICK):
                    if key.data == "udp":
                        self._read_udp()
                    elif key.data == "accept":
                        self._accept()
                    else:
                        self._read_tcp(key.fileobj, key.data)
                self._drain_inbox()
                now = time.monotonic()
                if now >= next_tick:
                    next_tick = now + TICK
                    for closed in self.engine.tick():
                        self.outbox.put(("store", closed, time.monotonic()))
                if now >= next_publish:
                    next_publish = now + PUBLISH_EVERY
                    self._publish()
                if now >= next_reload:
                    next_reload = now + RELOAD_EVERY
                    self.outbox.put(("reload",))
                if now >= next_house:
                    next_house = now + HOUSEKEEPING_EVERY
                    self.engine.housekeeping()
        finally:
            for closed in self.engine.close_all():
                self.outbox.put(("store", closed, time.monotonic()))
            self._publish(final=True)
            self.outbox.put(("stop",))
            self.writer.join()
            self._close_sockets()

    def stop(self):
        self.stopping.set()

    def _close_sockets(self):
        for key in list(self.sel.get_map().values()):
            self.sel.unregister(key.fileobj)
            key.fileobj.close()
        self.sel.close()

    def _read_udp(self):
        """Read what the socket holds into one buffer (up to READ_BATCH datagrams) and handle it as a batch."""
        recv_into, view = self.udp.recv_into, self.rview
        limit = len(self.rbuf) - hep.MAX_PACKET
        offsets, lengths = [], []
        pos = 0
        while pos <= limit and len(offsets) < READ_BATCH:
            try:
                n = recv_into(view[pos:], hep.MAX_PACKET)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            offsets.append(pos)
            lengths.append(n)
            pos += n
        if offsets:
            self.handle_batch(np.array(offsets, dtype=np.int64), np.array(lengths, dtype=np.int64))

    def _accept(self):
        try:
            conn, _addr = self.tcp.accept()
        except OSError:
            return
        conn.setblocking(False)
        self.sel.register(conn, selectors.EVENT_READ, bytearray())

    def _read_tcp(self, conn, buf):
        try:
            chunk = conn.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.sel.unregister(conn)
            conn.close()
            return
        buf += chunk
        while len(buf) >= hep.HEADER:
            try:
                total = hep.hep_length(bytes(buf[: hep.HEADER]))
            except hep.HepError as exc:
                self._drop(None, exc.reason)  # the stream lost its framing: nothing after is trustworthy
                self.sel.unregister(conn)
                conn.close()
                return
            if len(buf) < total:
                break
            self.handle(bytes(buf[:total]))
            del buf[:total]
        if len(buf) > TCP_MAX_BUFFER:
            self.sel.unregister(conn)
            conn.close()

    def handle(self, data):
        """One HEP packet: decode, authenticate, count, analyse. Never raises."""
        self.packets += 1
        try:
            pkt = hep.hep_decode(data)
        except hep.HepError as exc:
            self._drop(None, exc.reason)
            return
        except Exception:  # the decoder's contract is HepError only; keep serving whatever happens
            log.exception("HEP decoder failed")
            self._drop(None, "malformed")
            return
        entry = self.agents.get(pkt.agent_id)
        if entry is None and pkt.agent_id and not pkt.agent_id & 0xFFFF:
            # sngrep (1.6) writes its 16-bit capture id in the high half of the 32-bit chunk
            entry = self.agents.get(pkt.agent_id >> 16)
            pkt.agent_id >>= 16
        if entry is None:
            self._drop(None, "unknown_agent")
            return
        pk, tenant_id, _id_sensor, key_hash = entry
        cache_key = (pkt.agent_id, pkt.auth_key)
        ok = self.auth_cache.get(cache_key)
        if ok is None:
            if len(self.auth_cache) > AUTH_CACHE_MAX:
                self.auth_cache.clear()
            ok = self.auth_cache[cache_key] = bool(key_hash) and hep_key_check(key_hash, pkt.auth_key)
        if not ok:
            self._drop(pk, "auth")
            return
        c = self.counters.get(pk)
        if c is None:
            c = self.counters[pk] = SensorCounters()
        c.packets += 1
        c.bytes += len(data)
        c.last = time.time()
        try:
            self.engine.packet(pk, pkt, **self.settings.get(tenant_id, {}))
        except Exception:
            log.exception("live engine failed on a packet of sensor %s", pk)
            self._drop(pk, "analysis")

    def _drop(self, pk, reason):
        if pk is None:
            self.drops[reason] = self.drops.get(reason, 0) + 1
            return
        c = self.counters.get(pk)
        if c is None:
            c = self.counters[pk] = SensorCounters()
        c.drops[reason] = c.drops.get(reason, 0) + 1

    def handle_batch(self, offsets, lengths):
        """Datagrams read into ``self.rbuf``: decoded together; rows the batch decoder accepts and whose
        (agent id, key) matches a sensor go to that sensor's pipe as a batch, every other one takes
        ``handle`` (the per-packet path, which counts its drop). Arrival order is kept per sensor."""
        buf, view = self.rarray, self.rview
        cols = hepbatch.hep_batch_decode(buf, offsets, lengths)
        n = len(offsets)
        route = np.full(n, -1, dtype=np.int64)  # -1: per packet; -2: dropped here; else the sensor pk
        ok = np.flatnonzero(cols[:, hepbatch.C_STATUS] == hepbatch.OK)
        agents = cols[ok, hepbatch.C_AGENT]
        now = time.time()
        sensors = {}  # pk -> (tenant id, agent id)
        for agent in np.unique(agents).tolist():
            entry = self.agents.get(agent)
            if entry is None:
                continue  # unknown here (or sngrep's high-half id): the per-packet path decides
            rows = ok[agents == agent]
            first = rows[0]
            a_off, a_len = int(cols[first, hepbatch.C_AUTH_OFF]), int(cols[first, hepbatch.C_AUTH_LEN])
            key = bytes(view[a_off : a_off + a_len])
            same = rows[
                hepbatch.same_bytes(
                    buf, cols[rows, hepbatch.C_AUTH_OFF], cols[rows, hepbatch.C_AUTH_LEN], np.frombuffer(key, np.uint8)
                )
            ]
            pk, tenant_id, _id_sensor, key_hash = entry
            sensors[pk] = (tenant_id, agent)
            cache_key = (agent, key)
            valid = self.auth_cache.get(cache_key)
            if valid is None:
                if len(self.auth_cache) > AUTH_CACHE_MAX:
                    self.auth_cache.clear()
                valid = self.auth_cache[cache_key] = bool(key_hash) and hep_key_check(key_hash, key)
            if not valid:
                route[same] = -2
                c = self._sensor_counters(pk)
                c.drops["auth"] = c.drops.get("auth", 0) + len(same)
                continue
            route[same] = pk
            c = self._sensor_counters(pk)
            c.packets += len(same)
            c.bytes += int(lengths[same].sum())
            c.last = now
        slow = route == -1
        self.packets += n - int(np.count_nonzero(slow))  # handle() counts the others
        if not slow.any():  # the common case: every packet of the batch is accepted here
            self._to_pipes(cols, route, np.arange(n), sensors)
            return
        # per-packet rows in between: keep the order, a run at a time
        edges = np.flatnonzero(np.diff(slow.astype(np.int8))) + 1
        bounds = [0, *edges.tolist(), n]
        for a, b in zip(bounds[:-1], bounds[1:], strict=False):
            if slow[a]:
                for i in range(a, b):
                    off = int(offsets[i])
                    self.handle(bytes(view[off : off + int(lengths[i])]))
            else:
                self._to_pipes(cols, route, np.arange(a, b), sensors)

    def _to_pipes(self, cols, route, run, sensors):
        for pk in np.unique(route[run]).tolist():
            if pk < 0:
                continue
            idx = run[route[run] == pk]
            tenant_id, agent = sensors[pk]
            pipe = self.engine.pipe(pk, **self.settings.get(tenant_id, {}))
            try:
                pipe_add_batch(pipe, self.rarray, cols, idx, self.engine.wall(), agent)
            except Exception:
                log.exception("live engine failed on a batch of sensor %s", pk)
                self._drop(pk, "analysis")

    def _sensor_counters(self, pk):
        c = self.counters.get(pk)
        if c is None:
            c = self.counters[pk] = SensorCounters()
        return c

    def _publish(self, final=False):
        """Hand the writer the active calls, counters and SIP counts of the last second. While the writer
        has not finished the previous hand-over it is skipped (counters keep adding up): the active-call
        table is refreshed as often as the database keeps up, and stores never queue behind it."""
        if self.publishing.is_set() and not final:
            return
        self.publishing.set()
        wall = time.time()
        rows = {}
        for pk, pipe in self.engine.pipes.items():
            pipe.fold()
            rows[pk] = [] if final else pipe.snapshot(wall)
        counts = {pk: (c.packets, c.bytes, c.drops, c.last) for pk, c in self.counters.items()}
        self.counters = {}
        sip = {}
        for pk, pipe in self.engine.pipes.items():
            stats = pipe.analyzer.stats
            seen = self.sip_counted.setdefault(pk, {})
            delta = {
                k: v - seen.get(k, 0)
                for k, v in stats.items()
                if k not in STAT_KEYS and isinstance(v, int) and v > seen.get(k, 0)
            }
            if delta:
                seen.update({k: stats[k] for k in delta})
                sip[pk] = delta
        self.outbox.put(("publish", rows, counts, sip, self.engine.active_count()))

    def _drain_inbox(self):
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item[0] == "sensors":
                self._reload(item[1])
            elif item[0] == "command":
                _kind, command_id, pk, callref, on = item
                pipe = self.engine.pipes.get(pk)
                found = pipe is not None and pipe.pause(callref, on, time.time())
                self.outbox.put(("command_done", command_id, "ok" if found else "Call id not found"))

    def _reload(self, loaded):
        agents, tenants, settings = loaded
        if agents != self.agents:
            self.auth_cache = {}
        self.agents, self.tenants, self.settings = agents, tenants, settings

    def _load_sensors(self):
        agents = sensors_hep_enabled()
        tenants, settings = dict(self.tenants), {}
        for _pk, tenant_id, _id_sensor, _hash in agents.values():
            if tenant_id not in tenants:
                tenants[tenant_id] = tenant_get_by_id(tenant_id=tenant_id)
            headers, match = capture_settings_of(tenant=tenants[tenant_id])
            settings[tenant_id] = {"custom_headers": headers, "match_header": match}
        return agents, tenants, settings

    # ------------------------------------------------------------------ writer thread
    def _writer(self):
        last_command = 0
        by_pk = {}
        later = collections.deque()
        while True:
            item = later.popleft() if later else self.outbox.get()
            kind = item[0]
            try:
                close_old_connections()
                by_pk = {pk: (t, s) for pk, t, s, _h in self.agents.values()}
                if kind == "stop":
                    active_calls_clear(sensors=set(by_pk.values()))
                    self._status()
                    return
                if kind == "store":
                    batch = [item]  # the calls that ended meanwhile: stored together
                    while len(batch) < STORE_BATCH:
                        try:
                            more = self.outbox.get_nowait()
                        except queue.Empty:
                            break
                        if more[0] == "store":
                            batch.append(more)
                        else:
                            later.append(more)
                    self._store(batch, by_pk)
                elif kind == "publish":
                    _k, rows, counts, sip, _active = item
                    self.publishing.clear()  # the next second's snapshot may be taken meanwhile
                    for pk, sensor_rows in rows.items():
                        if pk in by_pk:
                            t, s = by_pk[pk]
                            self.published[pk] = active_calls_publish(
                                tenant_id=t, id_sensor=s, rows=sensor_rows, previous=self.published.get(pk, {})
                            )
                    sensor_hep_counters_add(counts=counts)
                    for pk, delta in sip.items():
                        if pk in by_pk:
                            t, s = by_pk[pk]
                            sip_counts_store(
                                tenant=self.tenants[t], id_sensor=s, stats=delta, day=dt.datetime.now(dt.UTC).date()
                            )
                    for command in active_call_commands_pending(after_id=last_command):
                        last_command = command["id"]
                        pk = next(
                            (p for p, ts in by_pk.items() if ts == (command["tenant_id"], command["id_sensor"])), None
                        )
                        on = command["command"] == "pausecall"
                        self.inbox.put(("command", command["id"], pk, command["callref"], on))
                    self._status()
                elif kind == "reload":
                    self.inbox.put(("sensors", self._load_sensors()))
                elif kind == "command_done":
                    active_call_command_done(command_id=item[1], result=item[2])
            except Exception:
                log.exception("HEP listener: %s failed", kind)

    def _store(self, batch, by_pk):
        groups = {}
        for _k, closed, closed_at in batch:
            if closed.sensor not in by_pk:  # the sensor lost its HEP settings meanwhile
                closed.remove_files()
                continue
            groups.setdefault(closed.sensor, []).append((closed, closed_at))
        for pk, items in groups.items():
            tenant_id, id_sensor = by_pk[pk]
            closed = [c for c, _at in items]
            tenant = self.tenants[tenant_id]
            try:
                cdrs = retrying(functools.partial(live_calls_store, tenant=tenant, id_sensor=id_sensor, closed=closed))
            except Exception:
                log.exception("HEP listener: storing %d calls together failed; one by one", len(closed))
                cdrs = [self._store_one(tenant, id_sensor, c) for c in closed]
            finally:
                for c in closed:
                    c.remove_files()
            self.stored += sum(cdr is not None for cdr in cdrs)  # None: the same call was already stored
            done = time.monotonic()
            self.store_latency.extend(done - at for _c, at in items)

    def _store_one(self, tenant, id_sensor, closed):
        try:
            return retrying(functools.partial(live_call_store, tenant=tenant, id_sensor=id_sensor, closed=closed))
        except Exception:
            log.exception("HEP listener: storing call %s failed", closed.callref)
            return None

    def _status(self):
        listener_status_save(
            name=self.name,
            started_at=self.started_at,
            packets=self.packets,
            drops=dict(self.drops),
            active_calls=self.engine.active_count(),
            kernel_drops=udp_kernel_drops(self.port) if self.udp else None,
        )

    def cleanup(self):
        shutil.rmtree(self.work_dir, ignore_errors=True)
