"""A report document (selectors.report_compute) as JSON, CSV, PNG charts (matplotlib) and an HTML e-mail body.

Dates in the document are already in the tenant's time zone; nothing here converts them again.
"""

import csv
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import orjson  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from .metrics import SCALAR_METRICS  # noqa: E402

CHARTS = ("calls_hourly", "mos_distribution", "sip_responses", "top")
HTML_METRICS = ("calls", "connected", "asr", "ner", "acd", "minutes", "mos_avg", "pdd_avg", "loss_avg", "short_calls")


def render_json(document):
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2)


def table_columns(document):
    columns = [name for name in SCALAR_METRICS if name in document["totals"]]
    return ["group", *columns]


def render_csv(document):
    out = io.StringIO()
    columns = table_columns(document)
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in document["rows"]:
        writer.writerow([row.get(c, "") if row.get(c) is not None else "" for c in columns])
    totals = document["totals"]
    writer.writerow([_("total"), *(totals.get(c) if totals.get(c) is not None else "" for c in columns[1:])])
    return out.getvalue().encode("utf-8")


def figure_png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def chart_calls_hourly(ax, document):
    hours = document.get("hourly") or []
    labels = [h["hour"][5:] for h in hours]
    ax.bar(range(len(hours)), [h["calls"] for h in hours], color="#4c78a8", label=_("calls"))
    ax.set_ylabel(_("calls"))
    ax.set_title(_("Calls, ASR and NER per hour"))
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right", fontsize=7)
    twin = ax.twinx()
    twin.plot(range(len(hours)), [h["asr"] or 0 for h in hours], color="#f58518", label="ASR %")
    twin.plot(range(len(hours)), [h["ner"] or 0 for h in hours], color="#54a24b", label="NER %")
    twin.set_ylim(0, 100)
    twin.legend(loc="upper right", fontsize=7)


def chart_mos(ax, document):
    dist = document["totals"].get("mos_distribution") or {}
    ax.bar(list(dist), list(dist.values()), color="#72b7b2")
    ax.set_title(_("MOS distribution (worse side)"))
    ax.tick_params(axis="x", labelsize=6, rotation=90)


def chart_responses(ax, document):
    responses = document["totals"].get("sip_responses") or {}
    ranked = sorted(responses.items(), key=lambda kv: -kv[1])[:12]
    ax.barh([code for code, _n in ranked][::-1], [n for _c, n in ranked][::-1], color="#e45756")
    ax.set_title(_("Final SIP responses"))


def chart_top(ax, document):
    tops = document.get("tops") or {}
    name, entries = next(iter(tops.items()), ("", []))
    ax.barh([e["value"] or "-" for e in entries][::-1], [e["calls"] for e in entries][::-1], color="#b279a2")
    ax.set_title(_("Top: %(name)s") % {"name": name.replace("top_", "").replace("_", " ")})
    ax.tick_params(axis="y", labelsize=7)


DRAW = {
    "calls_hourly": chart_calls_hourly,
    "mos_distribution": chart_mos,
    "sip_responses": chart_responses,
    "top": chart_top,
}


def chart_kinds(report_charts):
    kinds = [k for k in (report_charts or []) if k in DRAW]
    return kinds or ["calls_hourly", "mos_distribution", "sip_responses"]


def render_chart(document, kind):
    fig, ax = plt.subplots(figsize=(8, 3.6))
    DRAW[kind](ax, document)
    return figure_png(fig)


def render_png(document, kinds):
    """One PNG with every chart of the report stacked (the legacy reportSummary image)."""
    fig, axes = plt.subplots(len(kinds), 1, figsize=(8, 3.4 * len(kinds)), squeeze=False)
    fig.suptitle(f"{document['report']}: {document['from'][:16]} - {document['to'][:16]} ({document['timezone']})")
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        DRAW[kind](ax, document)
    fig.tight_layout()
    return figure_png(fig)


def cell(value):
    return "" if value is None else escape(str(value))


def render_html(document, chart_ids):
    """The e-mail body: the totals, the rows and the charts inline (`cid:` images)."""
    metrics = [m for m in HTML_METRICS if m in document["totals"]]
    head = "".join(f"<th>{escape(m)}</th>" for m in ["group", *metrics])
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(row.get(c))}</td>" for c in ["group", *metrics]) + "</tr>"
        for row in document["rows"]
    )
    totals = "".join(f"<td>{cell(document['totals'].get(m))}</td>" for m in metrics)
    images = "".join(f'<p><img src="cid:{cid}" alt="{escape(cid)}"></p>' for cid in chart_ids)
    title = escape(document["report"])
    period = escape(_("%(start)s to %(end)s (%(zone)s)") % {
        "start": document["from"][:16].replace("T", " "), "end": document["to"][:16].replace("T", " "),
        "zone": document["timezone"],
    })  # fmt: skip
    return (
        f"<html><body><h2>{title}</h2><p>{period}</p>"
        f'<table border="1" cellpadding="3"><tr>{head}</tr>{body}'
        f"<tr><th>{escape(_('total'))}</th>{totals}</tr></table>{images}</body></html>"
    )


def render_text(document):
    totals = document["totals"]
    lines = [document["report"], f"{document['from']} - {document['to']} ({document['timezone']})", ""]
    lines += [f"{name}: {totals[name]}" for name in HTML_METRICS if name in totals]
    return "\n".join(lines)
