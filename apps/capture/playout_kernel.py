"""The per-packet part of playout.py, compiled with numba: sequence validation, the playout clock,
the three simulated jitter buffers with their loss booking, and the interval triggers.

playout.py describes the method; this module is its packet loop, written over flat integer arrays so
numba can compile it (a pure-Python loop cost about 10 µs a packet, several times the rest of the
analysis). Its state lives in arrays that StreamPlayout keeps between chunks, so a stream is still
processed in bounded memory. The MOS formula is not here: the kernel reports each interval's
booked losses and StreamPlayout scores them.
"""

import numpy as np
from numba import njit

from .playout import (
    ADAPT_MAX_CONTIG_INTERP,
    ADAPT_MAX_MS,
    ADAPT_RESYNC,
    ADAPT_TARGET_EXTRA,
    ADJUST_DELAY,
    DROP_PCT,
    F1_MS,
    F1_RESYNC,
    F2_MS,
    F2_RESYNC,
    HISTORY,
    IGNORE_BURST_FROM,
    INTERVAL_LAG_PACKETS,
    INTERVAL_MS,
    MAX_DROPOUT,
    MAX_MISORDER,
    MAXBUF,
    MIN_SEQUENTIAL,
    SEQ_MOD,
)

# ---------------------------------------------------------------- layout of the scalar state `st`
# sequence validation
V_SEEN, V_MAX, V_PROB, V_RECEIVED, V_BASE, V_CYCLES, V_REORD, V_BAD = range(8)
# clock and intervals
K_STARTED, K_BASE, K_CLOCK, K_FIRST_MS, K_TRIGGER, K_EVAL_IN, K_LAST_MS, K_LAST_EVAL, K_SEEN = range(8, 17)
# one listener block per buffer (fixed 50, fixed 200, adaptive), each NL long from L0 + k * NL
L0, NL = 20, 32
L_STARTED, L_PENDING, L_HAS_PREV, L_PREV_SEQ, L_PREV_TS, L_DTMF, L_LOST, L_BURSTS, L_NEXT_AT = range(9)
# fixed buffer fields (same block)
F_SIZE, F_RESYNC, F_RXCORE, F_COUNT = 9, 10, 11, 12
# adaptive buffer fields (block 2)
A_COUNT, A_HN, A_HPOS, A_CURRENT, A_TARGET, A_SILENCE, A_MIN, A_JITTER = 9, 10, 11, 12, 13, 14, 15, 16
A_LAST_DELAY, A_DISCONT, A_OFFSET, A_NEXT_VOICE, A_LAST_VOICE_MS, A_LAST_ADJUST, A_CONTIG = 17, 18, 19, 20, 21, 22, 23
NSTATE = L0 + 3 * NL

FRAMES_SPARE = 16  # room above what a buffer's own checks let it hold (a put beyond it is dropped)
OK, DROP, INTERP, NOFRAME = 0, 1, 2, 3
LONGMAX = 1 << 62


def new_state(ptime):
    """Fresh arrays of one stream: (scalars, sl histogram, fixed frames, adaptive frames, history ring,
    history sorted). A fixed buffer holds frames whose slots lie between its next slot and size + resync
    beyond it, the adaptive one less than ADAPT_MAX_MS of timestamps (duplicates aside): the frame arrays
    are sized for that, a few kB a stream."""
    st = np.zeros(NSTATE, dtype=np.int64)
    st[V_PROB] = MIN_SEQUENTIAL
    st[V_BAD] = SEQ_MOD + 1
    st[K_EVAL_IN] = -1
    for k, (size, resync) in enumerate(((F1_MS, F1_RESYNC), (F2_MS, F2_RESYNC))):
        st[L0 + k * NL + F_SIZE] = size
        st[L0 + k * NL + F_RESYNC] = resync
    a = L0 + 2 * NL
    st[a + A_CURRENT] = st[a + A_TARGET] = ADAPT_TARGET_EXTRA
    st[a + A_SILENCE] = -1
    fixed_max = (2 * F2_MS + F2_RESYNC) // ptime + FRAMES_SPARE
    fixed = np.zeros((2, fixed_max, 5), dtype=np.int64)  # delivery, ts ms, seq, RTP ts, marker
    adapt = np.zeros((2 * ADAPT_MAX_MS // ptime + FRAMES_SPARE, 4), dtype=np.int64)  # ts - offset, seq, ts, marker
    return st, np.zeros(10, dtype=np.int64), fixed, adapt, np.zeros(HISTORY, np.int64), np.zeros(HISTORY, np.int64)


# ---------------------------------------------------------------- delivery and booking (all buffers)
@njit(cache=True)
def _deliver(st, o, seq, ts, marker, ts_step):
    n = st[o + L_PENDING]
    st[o + L_PENDING] = 0
    after_dtmf = st[o + L_DTMF]
    st[o + L_DTMF] = 0
    silence = st[o + L_HAS_PREV] == 1 and seq == (st[o + L_PREV_SEQ] + 1) & 0xFFFF and ts - st[o + L_PREV_TS] > ts_step
    st[o + L_HAS_PREV] = 1
    st[o + L_PREV_SEQ] = seq
    st[o + L_PREV_TS] = ts
    if 0 < n < IGNORE_BURST_FROM and marker == 0 and after_dtmf == 0 and not silence:
        st[o + L_LOST] += n
        st[o + L_BURSTS] += 1


# ---------------------------------------------------------------- fixed buffer
@njit(cache=True)
def _fixed_put(st, o, fr, seq, ts, marker, ts_ms, now, ms):
    if st[o + L_STARTED] == 0:
        st[o + L_STARTED] = 1
        st[o + F_RXCORE] = now - ts_ms
        st[o + L_NEXT_AT] = now + st[o + F_SIZE]
    size, resync = st[o + F_SIZE], st[o + F_RESYNC]
    for _attempt in range(4):  # a resync re-puts the frame; the second resync always drops it
        count = st[o + F_COUNT]
        delivery = st[o + F_RXCORE] + size + ts_ms
        again = False
        if delivery < st[o + L_NEXT_AT]:
            st[o + L_PENDING] += 1  # its slot has passed: counted once more
            again = True
        elif delivery > st[o + L_NEXT_AT] + size + resync:
            again = True
        else:
            i = count
            while i > 0 and fr[i - 1, 0] > delivery:
                i -= 1
            if i > 0 and (fr[i - 1, 0] == delivery or delivery < fr[i - 1, 0] + ms
                          or (i < count and delivery + ms > fr[i, 0])):  # fmt: skip
                again = True
            elif count < fr.shape[0]:
                for j in range(count, i, -1):
                    fr[j] = fr[j - 1]
                fr[i, 0], fr[i, 1], fr[i, 2], fr[i, 3], fr[i, 4] = delivery, ts_ms, seq, ts, marker
                st[o + F_COUNT] = count + 1
                return
            else:
                return
        if not again:
            return
        if count == 0:  # an empty buffer restarts on this frame
            st[o + F_RXCORE] = now - ts_ms
            st[o + L_NEXT_AT] = now + size
            continue
        offset = ts_ms - fr[count - 1, 1] - ms
        if -resync < offset < resync:
            return  # dropped
        st[o + F_RXCORE] -= offset
        for j in range(count):
            fr[j, 1] += offset


@njit(cache=True)
def _fixed_tick(st, o, fr, now, interp, ms, ts_step):
    if st[o + L_STARTED] == 0 or now < st[o + L_NEXT_AT]:
        return
    count = st[o + F_COUNT]
    if count == 0:
        st[o + L_NEXT_AT] += interp
        st[o + L_PENDING] += 1
        return
    head = fr[0, 0]
    if now < head:
        st[o + L_NEXT_AT] += interp
        st[o + L_PENDING] += 1
        return
    seq, ts, marker = fr[0, 2], fr[0, 3], fr[0, 4]
    for j in range(count - 1):
        fr[j] = fr[j + 1]
    st[o + F_COUNT] = count - 1
    st[o + L_NEXT_AT] = head + ms
    if now > head + ms:
        st[o + L_PENDING] += 1  # too late to play: dropped
    else:
        _deliver(st, o, seq, ts, marker, ts_step)


# ---------------------------------------------------------------- adaptive buffer (Asterisk jitterbuf.c)
@njit(cache=True)
def _history(st, a, hsort):
    n = st[a + A_HN]
    if n == 0:
        st[a + A_MIN] = 0
        st[a + A_JITTER] = 0
        return
    idx = min(n * DROP_PCT // 100, MAXBUF - 1)
    st[a + A_MIN] = hsort[idx]
    st[a + A_JITTER] = hsort[n - 1 - idx] - hsort[idx]


@njit(cache=True)
def _adapt_next(st, a, af, hsort):
    if st[a + A_SILENCE] != 0:
        if st[a + A_COUNT] == 0:
            return LONGMAX
        _history(st, a, hsort)
        if st[a + A_JITTER] + st[a + A_MIN] + ADAPT_TARGET_EXTRA - st[a + A_CURRENT] < -ADAPT_TARGET_EXTRA:
            return st[a + A_LAST_ADJUST] + 10
        return af[0, 0] + st[a + A_TARGET]
    return st[a + A_NEXT_VOICE]


@njit(cache=True)
def _adapt_put(st, a, af, hring, hsort, seq, ts, marker, ts_ms, now):
    if st[a + L_STARTED] == 0:
        st[a + L_STARTED] = 1
        st[a + A_OFFSET] = ts_ms
    count = st[a + A_COUNT]
    delay = now - (ts_ms - st[a + A_OFFSET])
    if count > 0 and af[count - 1, 0] - af[0, 0] >= ADAPT_MAX_MS:
        return
    if abs(delay - st[a + A_LAST_DELAY]) > 2 * st[a + A_JITTER] + ADAPT_RESYNC:
        st[a + A_DISCONT] += 1
        if st[a + A_DISCONT] <= 3:
            return
        st[a + A_DISCONT] = 0
        st[a + A_HN] = 0
        st[a + A_HPOS] = 0
        st[a + A_OFFSET] = ts_ms - now
        st[a + A_LAST_DELAY] = 0
        delay = 0
    else:
        st[a + A_LAST_DELAY] = delay
        st[a + A_DISCONT] = 0
    if ts_ms > 0:
        n, pos = st[a + A_HN], st[a + A_HPOS]
        if n == HISTORY:  # the oldest delay leaves the sorted copy
            old = hring[pos]
            i = np.searchsorted(hsort[:n], old)
            for j in range(i, n - 1):
                hsort[j] = hsort[j + 1]
            n -= 1
        hring[pos] = delay
        st[a + A_HPOS] = (pos + 1) % HISTORY
        i = np.searchsorted(hsort[:n], delay, side="right")
        for j in range(n, i, -1):
            hsort[j] = hsort[j - 1]
        hsort[i] = delay
        st[a + A_HN] = n + 1
    if count >= af.shape[0]:
        return
    rts = ts_ms - st[a + A_OFFSET]
    i = count
    while i > 0 and rts < af[i - 1, 0]:
        i -= 1
    for j in range(count, i, -1):
        af[j] = af[j - 1]
    af[i, 0], af[i, 1], af[i, 2], af[i, 3] = rts, seq, ts, marker
    st[a + A_COUNT] = count + 1


@njit(cache=True)
def _adapt_pop(st, a, af):
    count = st[a + A_COUNT]
    for j in range(count - 1):
        af[j] = af[j + 1]
    st[a + A_COUNT] = count - 1


@njit(cache=True)
def _adapt_interpolated(st, a):
    st[a + A_CONTIG] += 1
    if st[a + A_CONTIG] >= ADAPT_MAX_CONTIG_INTERP:
        st[a + A_SILENCE] = st[a + A_NEXT_VOICE] - st[a + A_CURRENT]


@njit(cache=True)
def _adapt_get(st, a, af, hsort, now, interp):
    """One get; returns (code, index 0 frame fields valid when OK): the frame's (seq, ts, marker)."""
    _history(st, a, hsort)
    target = st[a + A_JITTER] + st[a + A_MIN] + ADAPT_TARGET_EXTRA
    if target - st[a + A_MIN] > ADAPT_MAX_MS:
        target = st[a + A_MIN] + ADAPT_MAX_MS
    st[a + A_TARGET] = target
    diff = target - st[a + A_CURRENT]
    count = st[a + A_COUNT]
    if st[a + A_SILENCE] == 0:
        span = af[count - 1, 0] - af[0, 0] if count > 0 else 0
        if diff > 0 and (st[a + A_LAST_ADJUST] + ADJUST_DELAY < now or diff > span):
            st[a + A_CURRENT] += interp
            st[a + A_NEXT_VOICE] += interp
            st[a + A_LAST_VOICE_MS] = interp
            st[a + A_LAST_ADJUST] = now
            _adapt_interpolated(st, a)
            return INTERP, 0, 0, 0
        have = count > 0 and st[a + A_NEXT_VOICE] - st[a + A_CURRENT] >= af[0, 0]
        f_ts = f_seq = f_raw = f_mark = 0
        if have:
            f_ts, f_seq, f_raw, f_mark = af[0, 0], af[0, 1], af[0, 2], af[0, 3]
            _adapt_pop(st, a, af)
            if f_ts + st[a + A_CURRENT] < st[a + A_NEXT_VOICE]:
                if f_ts + st[a + A_CURRENT] > st[a + A_NEXT_VOICE] - st[a + A_LAST_VOICE_MS]:
                    st[a + A_NEXT_VOICE] = f_ts + st[a + A_CURRENT] + interp
                    st[a + A_CONTIG] = 0
                    return OK, f_seq, f_raw, f_mark
                return DROP, 0, 0, 0  # too late
            st[a + A_LAST_VOICE_MS] = interp
        if diff < -ADAPT_TARGET_EXTRA and (
            (not have and st[a + A_LAST_ADJUST] + 80 < now) or st[a + A_LAST_ADJUST] + 500 < now
        ):
            st[a + A_LAST_ADJUST] = now
            st[a + A_CONTIG] = 0
            if have:
                st[a + A_CURRENT] -= interp
                return DROP, 0, 0, 0  # shrinking
            st[a + A_CURRENT] -= st[a + A_LAST_VOICE_MS]
            return NOFRAME, 0, 0, 0
        if not have:
            st[a + A_NEXT_VOICE] += interp
            st[a + A_LAST_VOICE_MS] = interp
            _adapt_interpolated(st, a)
            return INTERP, 0, 0, 0
        st[a + A_NEXT_VOICE] += interp
        st[a + A_CONTIG] = 0
        return OK, f_seq, f_raw, f_mark
    if diff < -ADAPT_TARGET_EXTRA and st[a + A_LAST_ADJUST] + 10 <= now:
        st[a + A_CURRENT] -= interp
        st[a + A_LAST_ADJUST] = now
    if not (count > 0 and now - st[a + A_CURRENT] >= af[0, 0]):
        return NOFRAME, 0, 0, 0
    f_ts, f_seq, f_raw, f_mark = af[0, 0], af[0, 1], af[0, 2], af[0, 3]
    _adapt_pop(st, a, af)
    if f_ts < st[a + A_SILENCE]:
        return DROP, 0, 0, 0
    st[a + A_CURRENT] = target
    st[a + A_SILENCE] = 0
    st[a + A_NEXT_VOICE] = f_ts + target + interp
    st[a + A_LAST_VOICE_MS] = interp
    return OK, f_seq, f_raw, f_mark


@njit(cache=True)
def _adapt_tick(st, a, af, hsort, now, interp, ts_step):
    if st[a + L_STARTED] == 0 or now < st[a + L_NEXT_AT]:
        return
    code, seq, ts, marker = _adapt_get(st, a, af, hsort, now, interp)
    if code == OK:
        _deliver(st, a, seq, ts, marker, ts_step)
    else:
        st[a + L_PENDING] += 1
    st[a + L_NEXT_AT] = _adapt_next(st, a, af, hsort)


# ---------------------------------------------------------------- sequence validation (RFC 3550 A.1)
@njit(cache=True)
def _validate(st, sl, seq):
    if st[V_SEEN] == 0:
        st[V_SEEN] = 1
        st[V_MAX] = seq
        st[V_BASE] = seq
        return
    max_seq = st[V_MAX]
    if st[V_PROB] > 0:
        if seq == (max_seq + 1) & 0xFFFF:
            st[V_PROB] -= 1
            st[V_MAX] = seq
            if st[V_PROB] == 0:
                st[V_BASE] = seq
                st[V_CYCLES] = 0
                st[V_RECEIVED] = 1
                st[V_BAD] = SEQ_MOD + 1
        else:
            st[V_PROB] = MIN_SEQUENTIAL - 1
            st[V_MAX] = seq
        return
    udelta = (seq - max_seq) & 0xFFFF
    if udelta < MAX_DROPOUT:
        if udelta > 1:
            sl[min(udelta - 1, 10) - 1] += 1
        if seq < max_seq:
            st[V_CYCLES] += SEQ_MOD
        st[V_MAX] = seq
    elif udelta <= SEQ_MOD - MAX_MISORDER:
        if seq != st[V_BAD]:
            st[V_BAD] = (seq + 1) & 0xFFFF
            return
        st[V_MAX] = seq
        st[V_BASE] = seq
        st[V_CYCLES] = 0
        st[V_RECEIVED] = 0
        st[V_BAD] = SEQ_MOD + 1
    else:
        st[V_REORD] += 1
    st[V_RECEIVED] += 1


# ---------------------------------------------------------------- one chunk
@njit(cache=True)
def run_chunk(us, seq, ts, b1, voice, ptime, khz, st, sl, fixed, adapt, hring, hsort, events):
    """Feed one chunk; writes one row per interval scored into `events` (time ms, received, then lost
    and bursts booked so far by each buffer) and returns the number of rows."""
    n_events = 0
    ptime_us = ptime * 1000
    ts_step = ptime * khz
    a = L0 + 2 * NL
    for i in range(len(us)):
        t_us = us[i]
        s = np.int64(seq[i])
        t = np.int64(ts[i])
        _validate(st, sl, s)
        if voice[i]:
            marker = np.int64(b1[i]) & 0x80
            ts_ms = t // khz
            if st[K_STARTED] == 0:
                st[K_STARTED] = 1
                st[K_BASE] = t_us
                st[K_CLOCK] = t_us
                now = 0
            else:
                base, clock = st[K_BASE], st[K_CLOCK]
                lag = (t_us - clock) // 1000 - ptime
                while lag >= ptime:
                    tick_now = (clock - base) // 1000
                    _fixed_tick(st, L0, fixed[0], tick_now, ptime, ptime, ts_step)
                    _fixed_tick(st, L0 + NL, fixed[1], tick_now, ptime, ptime, ts_step)
                    _adapt_tick(st, a, adapt, hsort, tick_now, ptime, ts_step)
                    clock += ptime_us
                    lag -= ptime
                st[K_CLOCK] = clock
                now = (t_us - base) // 1000
            _fixed_put(st, L0, fixed[0], s, t, marker, ts_ms, now, ptime)
            _fixed_put(st, L0 + NL, fixed[1], s, t, marker, ts_ms, now, ptime)
            _adapt_put(st, a, adapt, hring, hsort, s, t, marker, ts_ms, now)
            st[a + L_NEXT_AT] = _adapt_next(st, a, adapt, hsort)
        else:
            st[L0 + L_DTMF] = st[L0 + NL + L_DTMF] = st[a + L_DTMF] = 1
        now_ms = t_us // 1000
        if st[K_SEEN] == 0:
            st[K_SEEN] = 1
            st[K_FIRST_MS] = st[K_TRIGGER] = st[K_LAST_EVAL] = now_ms
        st[K_LAST_MS] = now_ms
        if st[K_EVAL_IN] > 0:
            st[K_EVAL_IN] -= 1
            if st[K_EVAL_IN] == 0:
                event_row(st, events[n_events], now_ms)
                n_events += 1
        if now_ms - st[K_TRIGGER] > INTERVAL_MS:
            st[K_TRIGGER] = now_ms
            st[K_EVAL_IN] = INTERVAL_LAG_PACKETS
    return n_events


@njit(cache=True)
def event_row(st, row, now_ms):
    """An interval scored at `now_ms`: the time, the packets validated so far and each buffer's booked
    (lost, bursts) so far."""
    row[0] = now_ms
    row[1] = st[V_RECEIVED]
    for k in range(3):
        row[2 + 2 * k] = st[L0 + k * NL + L_LOST]
        row[3 + 2 * k] = st[L0 + k * NL + L_BURSTS]
    st[K_LAST_EVAL] = now_ms
