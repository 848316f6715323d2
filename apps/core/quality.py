"""Call-quality formulas shared by the capture engine and the synthetic calls. No Django import.

One definition of MOS from loss (cdr-model.md): the E-model's R-factor from loss and burstiness,
the sniffer's cubic fit from R to MOS, and its rule that fewer than five lost frames in an interval
cost nothing. `apps.capture` applies it to measured intervals, `apps.cdr.seeding` to seeded loss;
living here, in the leaf app, neither of them imports the other for it.
"""


def mos_cubic(r):
    """The sniffer's cubic fit of the E-model, clamped to [1, 4.5]."""
    mos = 2.06405 + 0.031738 * r - 0.000356641 * r * r + 2.93143e-6 * r * r * r
    return min(4.5, max(1.0, mos))


def mos_from_interval(lost, bursts, received):
    """MOS of one 10-second interval from frames lost to the listener, bursts and received frames."""
    if lost < 5:
        return 4.5
    if received <= 0:
        return 1.0
    ppl = lost / received
    if ppl > 0.5:
        return 1.0
    burst_r = max(1.0, (lost / max(bursts, 1)) * (1.0 - ppl))
    p = 100.0 * ppl
    r = 93.2062077233 - 95.0 * p / (p / burst_r + 17.2647)
    return mos_cubic(r)
