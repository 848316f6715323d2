"""What the call page shows, worked out from the stored row: both sides' figures in display units.

Plain values for the template (no ORM here: the view hands in the call, its streams and its DTMF rows
read by the selectors). Every figure is the stored integer turned into its unit the way cdr-model.md
defines it (x10, x100 and x1000 columns divided back, RTCP fraction lost / 2.56 for %), so what the page
says is what the API and the sniffer say, only readable.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.cdr.models import DELAY_BUCKETS, SL_BUCKETS
from apps.core.codecs import codec_name

# (lower bound, label) of each delay-variation bucket, as cdr-model.md defines them
DELAY_LABELS = tuple(
    f"{low}\u2013{high}" if high else f"\u2265{low}"
    for low, high in zip(DELAY_BUCKETS, (*DELAY_BUCKETS[1:], None), strict=True)
)
LOSS_LABELS = tuple(str(n) if n < 10 else "\u226510" for n in SL_BUCKETS)
MOS_GRADES = (  # (lowest MOS of the grade, its name): the text that says what the colour says
    (4.0, "good", gettext_lazy("good")),
    (3.6, "fair", gettext_lazy("fair")),
    (3.1, "poor", gettext_lazy("poor")),
    (0.0, "bad", gettext_lazy("bad")),
)


def scaled(value, divisor, digits=1):
    return None if value is None else round(value / divisor, digits)


def mos_grade(mos):
    """(css key, label) of a MOS value; None when there is none."""
    if mos is None:
        return None
    for low, key, label in MOS_GRADES:
        if mos >= low:
            return {"key": key, "label": str(label)}
    return None


def histogram(counts, labels):
    """Bars as percentages of the largest bucket, with the count and label of each (a table says the numbers)."""
    top = max((c or 0 for c in counts), default=0)
    return [
        {"label": label, "count": count or 0, "width": round(100 * (count or 0) / top) if top else 0}
        for label, count in zip(labels, counts, strict=True)
    ]


@dataclass
class Side:
    key: str  # "a" (caller's stream) or "b" (callee's)
    label: str
    figures: dict = field(default_factory=dict)
    mos: list = field(default_factory=list)
    delay: list = field(default_factory=list)
    bursts: list = field(default_factory=list)
    rtcp: dict = field(default_factory=dict)
    has_rtp: bool = False
    has_rtcp: bool = False


def call_side(cdr, prefix, label) -> Side:
    def get(name):
        return getattr(cdr, f"{prefix}_{name}", None)

    side = Side(key=prefix, label=label)
    payload = get("payload")
    side.figures = {
        "source": get("saddr"),
        "user_agent": get("ua"),
        "codec": codec_name(payload) if payload is not None else None,
        "ptime": get("rtp_ptime"),
        "received": get("received"),
        "lost": get("lost"),
        "reordered": get("reordered"),
        "loss_percent": scaled(get("packet_loss_perc_mult1000"), 1000, 3),
        "jitter_avg": scaled(get("avgjitter_mult10"), 10),
        "jitter_max": get("maxjitter"),
        "delay_avg": scaled(get("delay_avg_mult100"), 100, 2),
    }
    side.has_rtp = bool(get("received")) or payload is not None
    for kind, name in (("f1", _("MOS F1")), ("f2", _("MOS F2")), ("adapt", _("MOS adaptive"))):
        value = scaled(get(f"mos_{kind}_mult10"), 10)
        side.mos.append(
            {"kind": kind, "name": name, "value": value, "min": scaled(get(f"mos_{kind}_min_mult10"), 10),
             "grade": mos_grade(value)}
        )  # fmt: skip
    xr = scaled(get("mos_xr_mult10"), 10)
    if xr is not None:
        side.mos.append({"kind": "xr", "name": _("MOS XR"), "value": xr, "min": None, "grade": mos_grade(xr)})
    side.delay = histogram([get(f"d{n}") for n in DELAY_BUCKETS], DELAY_LABELS)
    side.bursts = histogram([get(f"sl{n}") for n in SL_BUCKETS], LOSS_LABELS)
    maxfr = get("rtcp_maxfr")
    side.rtcp = {
        "loss": get("rtcp_loss"),
        "fraction_lost_max": None if maxfr is None else round(maxfr / 2.56, 1),
        "fraction_lost_avg": None if get("rtcp_avgfr_mult10") is None else round(get("rtcp_avgfr_mult10") / 25.6, 1),
        "jitter_max": get("rtcp_maxjitter"),
        "jitter_avg": scaled(get("rtcp_avgjitter_mult10"), 10),
        "rtd_avg": scaled(get("rtcp_avgrtd_mult10"), 10),
        "rtd_max": scaled(get("rtcp_maxrtd_mult10"), 10),
    }
    side.has_rtcp = any(value is not None for value in side.rtcp.values())
    return side


def call_sides(cdr) -> list[Side]:
    return [call_side(cdr, "a", _("Caller → callee")), call_side(cdr, "b", _("Callee → caller"))]


def stream_rows(streams):
    """The stored stream rows with display units (jitter in ms, codec by name)."""
    rows = []
    for s in streams:
        rows.append(
            {
                "source": f"{s.saddr}:{s.sport}",
                "destination": f"{s.daddr}:{s.dport}",
                "ssrc": f"0x{s.ssrc:08X}",
                "codec": s.codec or (codec_name(s.payload) if s.payload is not None else ""),
                "side": s.get_side_display(),
                "received": s.received,
                "lost": s.lost,
                "jitter_max": scaled(s.maxjitter_mult10, 10),
                "jitter_avg": scaled(s.avgjitter_mult10, 10),
                "start": s.firsttime,
                "duration": s.duration,
                "ptime": s.ptime,
                "srtp": s.srtp,
                "is_main": s.is_main,
            }
        )
    return rows
