"""From dialog state and stream statistics to the call record columns of cdr-model.md.

Column names are the sniffer's ``cdr`` names so the lead's model can take ``CallData.fields`` as is.
"""

import datetime as dt

from apps.core.cdrcolumns import DIRECTION_INT_FIELDS
from apps.core.codecs import FAX_T38, codec_name  # the one codec table (no Django import)

from . import metrics
from .playout import NO_MOS

SIDES = (("a", "caller"), ("b", "callee"))
MOS_KEYS = (("f1", 0), ("f2", 1), ("adapt", 2))
NEVER_CONNECTED_FEW = 100


class CallData:
    def __init__(self, fields, streams, dtmf, custom_headers, sip_messages):
        self.fields, self.streams, self.dtmf = fields, streams, dtmf
        self.custom_headers, self.sip_messages = custom_headers, sip_messages
        self.pcap_sip_path = self.pcap_full_path = None

    def __repr__(self):
        return f"<CallData {self.fields.get('callid')}>"


def utc(ts):
    return dt.datetime.fromtimestamp(round(ts, 3), tz=dt.UTC)


def ms(later, earlier):
    return None if later is None or earlier is None else int(round((later - earlier) * 1000))


def _ms(delta):
    return None if delta is None else int(round(delta * 1000))


def secs(later, earlier):
    return None if later is None or earlier is None else round(later - earlier, 3)


def stream_rows(call):
    """One dict per (flow, SSRC) of the call with its side; main streams flagged per side."""
    rows = []
    for flow in call.flows:
        side = next(s for c, s in flow.call if c is call)
        for st in flow.streams.values():
            if st.received == 0:
                continue
            pt = st.payload_pt
            code = flow.media.codec_of(pt) if flow.media is not None and pt is not None else pt
            rows.append(
                {
                    "saddr": flow.saddr,
                    "sport": flow.sport,
                    "daddr": flow.daddr,
                    "dport": flow.dport,
                    "ssrc": st.ssrc,
                    "payload": code,
                    "codec": codec_name(code),
                    "received": st.received,
                    "lost": st.lost,
                    "maxjitter_mult10": int(st.jitter_max * 10),
                    "avgjitter_mult10": metrics.ceil_mult(st.avg_jitter, 10),
                    "firsttime": round(st.first_arrival - call.first_ts, 3),
                    "duration": round(st.last_arrival - st.first_arrival, 3),
                    "side": side,
                    "is_main": False,
                    "srtp": flow.srtp,
                    "_stats": st,
                    "_dscp": flow.dscp,
                    "ptime": st.ptime_ms() or (flow.media.ptime if flow.media is not None else None) or 20,
                }
            )
    for side in ("caller", "callee"):
        mine = [r for r in rows if r["side"] == side]
        if mine:
            max(mine, key=lambda r: r["received"])["is_main"] = True
    return rows


def side_fields(prefix, row, call, rtcp):
    f = {}
    names = ["payload", "saddr", *DIRECTION_INT_FIELDS]
    if row is None:
        return {f"{prefix}_{n}": None for n in names}
    st = row["_stats"]
    f["payload"], f["saddr"], f["rtp_ptime"] = row["payload"], row["saddr"], row["ptime"]
    f["index"] = row["index"] - 1  # the sniffer's a_index/b_index count the call's streams from 0
    play = st.playout
    play.finish()
    # the call's columns count as the sniffer does (RFC 3550 validation with probation, playout.py);
    # the stream rows keep every packet and expected - received from the first one (tshark's figures)
    f["received"], f["lost"], f["reordered"] = play.received_column, max(play.lost, 0), play.reordered
    f["packet_loss_perc_mult1000"] = metrics.loss_perc_mult1000(f["lost"], f["received"])
    f["avgjitter_mult10"] = metrics.ceil_mult(st.avg_jitter, 10)
    f["maxjitter"] = metrics.ceil_mult(st.jitter_max, 1)
    for i in range(10):
        f[f"sl{i + 1}"] = play.sl[i]
    buckets = [int(x) for x in st.dhist]
    for edge, n in zip(metrics.DELAY_EDGES, buckets, strict=False):
        f[f"d{edge}"] = n
    f["delay_sum"], f["delay_cnt"], f["delay_avg_mult100"] = metrics.delay_summary(buckets)
    few = not call.answered and st.received < NEVER_CONNECTED_FEW
    for key, k in MOS_KEYS:
        mos, worst = (NO_MOS, NO_MOS) if few else play.mos_mult10(k)
        f[f"mos_{key}_mult10"], f[f"mos_{key}_min_mult10"] = mos, worst
    f["mos_xr_mult10"] = None
    clock = st.clock_of_pt(st.payload_pt or 0)
    for k, v in rtcp.summary(st.ssrc, clock).items():
        f[f"rtcp_{k}"] = v
    return {f"{prefix}_{n}": f.get(n) for n in names}


def call_data_build(call, rtcp):
    rows = stream_rows(call)
    rows.sort(key=lambda r: r["firsttime"])
    for i, r in enumerate(rows):
        r["index"] = i + 1
    last = max(call.last_ts, max((f.last_rtcp for f in call.flows if f.last_rtcp), default=call.last_ts))
    first_rtp = None
    for r in rows:
        st = r["_stats"]
        last = max(last, st.last_arrival)
        first_rtp = st.first_arrival if first_rtp is None else min(first_rtp, st.first_arrival)
    first = call.first_ts
    reasons = call.reasons
    f = {
        "calldate": utc(first),
        "callend": utc(last),
        "duration": secs(last, first),
        "connect_duration": secs(last, call.t2xx),
        "progress_time": secs(call.t18x or call.t2xx, first),
        "ringing_time": secs(call.tfinal, call.t18x),
        "first_rtp_time": secs(first_rtp, first),
        "post_bye_delay": secs(last, call.bye_ts),
        "response_time_100": _ms(call.t100_rel),
        "response_time_xxx": _ms(call.txxx_rel),
        "caller": call.caller,
        "caller_domain": call.caller_domain,
        "callername": call.callername,
        "called": call.called,
        "called_domain": call.called_domain,
        "sipcallerip": call.caller_ip,
        "sipcalledip": call.called_ip,
        "sipcallerport": call.caller_port,
        "sipcalledport": call.called_port,
        "a_ua": call.a_ua,
        "b_ua": call.b_ua,
        "callid": call.call_id,
        "match_header": call.match_value,
        "lastSIPresponseNum": call.last_response[0],
        "lastSIPresponse": _last_response_text(call),
        "reason_sip_cause": reasons.get("SIP", (None, None))[0],
        "reason_sip_text": reasons.get("SIP", (None, None))[1],
        "reason_q850_cause": reasons.get("Q.850", (None, None))[0],
        "reason_q850_text": reasons.get("Q.850", (None, None))[1],
        "whohanged": None if call.bye_from_caller is None else ("caller" if call.bye_from_caller else "callee"),
        "bye": call.bye,
        "max_retransmission_invite": call.max_retransmission_invite,
        "vlan": call.vlan,
    }
    mains = {}
    for prefix, side in SIDES:
        row = next((r for r in rows if r["side"] == side and r["is_main"]), None)
        mains[prefix] = row
        f.update(side_fields(prefix, row, call, rtcp))
    f["dscp"] = _dscp(call, mains)
    _aggregates(f, call)
    streams = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    dtmf = [{k: v for k, v in d.items() if not k.startswith("_")} for d in call.dtmf]
    return CallData(f, streams, dtmf, dict(call.custom), call.sip_messages)


def _last_response_text(call):
    code, reason = call.last_response
    if code is None:
        return None
    text = f"{code} {reason or ''}".strip()
    if call.cancelled and code == 487:
        text += " CANCEL"  # the sniffer marks a request terminated by the caller's CANCEL this way
    return text


def _dscp(call, mains):
    """The sniffer packs four DSCP values (of each kind's first packet) into one integer, from the top
    byte: the caller's SIP, the callee's SIP, the caller's RTP (a stream), the callee's RTP (b stream)."""
    sip_a, sip_b = call.dscp_sip.get("caller") or 0, call.dscp_sip.get("callee") or 0
    rtp_a, rtp_b = ((mains[p] or {}).get("_dscp") or 0 for p in "ab")
    return sip_a << 24 | sip_b << 16 | rtp_a << 8 | rtp_b


def _max(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _sum(*values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _aggregates(f, call):
    f["payload"] = FAX_T38 if call.fax else (f["a_payload"] if f["a_payload"] is not None else f["b_payload"])
    f["jitter_mult10"] = _max(f["a_avgjitter_mult10"], f["b_avgjitter_mult10"])
    f["packet_loss_perc_mult1000"] = _max(f["a_packet_loss_perc_mult1000"], f["b_packet_loss_perc_mult1000"])
    f["lost"] = _max(f["a_lost"], f["b_lost"])
    present = [v for v in (f["a_mos_f2_mult10"], f["b_mos_f2_mult10"]) if v is not None]
    f["mos_min_mult10"] = min(present) if present else None
    for k in ("delay_sum", "delay_cnt", "delay_avg_mult100"):
        f[k] = _max(f[f"a_{k}"], f[f"b_{k}"])
    f["rtcp_avgfr_mult10"] = _sum(f["a_rtcp_avgfr_mult10"], f["b_rtcp_avgfr_mult10"])
    f["rtcp_avgjitter_mult10"] = _sum(f["a_rtcp_avgjitter_mult10"], f["b_rtcp_avgjitter_mult10"])


def orphan_stream_dict(flow):
    """Orphan RTP (no SIP around it) in the same shape as CallData.streams, times in epoch seconds."""
    out = []
    for st in flow.streams.values():
        if st.received == 0:
            continue
        pt = st.payload_pt
        out.append(
            {
                "saddr": flow.saddr,
                "sport": flow.sport,
                "daddr": flow.daddr,
                "dport": flow.dport,
                "ssrc": st.ssrc,
                "payload": pt,
                "codec": codec_name(pt),
                "received": st.received,
                "lost": st.lost,
                "reordered": st.reordered,
                "maxjitter_mult10": int(st.jitter_max * 10),
                "avgjitter_mult10": metrics.ceil_mult(st.avg_jitter, 10),
                "firsttime": st.first_arrival,
                "duration": round(st.last_arrival - st.first_arrival, 3),
                "ptime": st.ptime_ms(),
                "side": None,
                "is_main": False,
                "srtp": False,
            }
        )
    return out
