"""The per-direction columns of the call record (cdr-model.md), named once. No Django import.

`apps.cdr.models` builds its `a_` / `b_` fields from this list and `apps.capture` fills the same names,
so the model and the analysis cannot drift apart.
"""

SL_BUCKETS = tuple(range(1, 11))  # consecutive-loss histogram: sl1 .. sl10
DELAY_BUCKETS = (50, 70, 90, 120, 150, 200, 300)  # packet delay variation histogram edges, ms
MOS_KINDS = ("f1", "f2", "adapt")
DIRECTION_INT_FIELDS = (
    "index",
    "rtp_ptime",
    "received",
    "lost",
    "reordered",
    "packet_loss_perc_mult1000",
    "avgjitter_mult10",
    "maxjitter",
    *(f"sl{n}" for n in SL_BUCKETS),
    *(f"d{n}" for n in DELAY_BUCKETS),
    "delay_sum",
    "delay_cnt",
    "delay_avg_mult100",
    *(f"mos_{kind}_mult10" for kind in MOS_KINDS),
    *(f"mos_{kind}_min_mult10" for kind in MOS_KINDS),
    "mos_xr_mult10",
    "rtcp_loss",
    "rtcp_maxfr",
    "rtcp_avgfr_mult10",
    "rtcp_maxjitter",
    "rtcp_avgjitter_mult10",
    "rtcp_avgrtd_mult10",
    "rtcp_maxrtd_mult10",
)
