"""SIP ladder (message sequence chart) as SVG or PNG, and the legacy pcap2text "brief" rows.

Messages are dicts: time (epoch float), src and dst ("ip:port", IPv6 as "[addr]:port"),
first_line, full. Everything in them comes from the network (caller-controlled), so the SVG is
built with xml.etree, which escapes every text and attribute, and the HTML with html.escape.
"""

import html
import io
import xml.etree.ElementTree as ET

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .i18n import _

COL_WIDTH, ROW_HEIGHT, LEFT, TOP = 320, 30, 90, 60
COLOURS = {"request": "#1f5fbf", "1xx": "#808080", "2xx": "#2e7d32", "error": "#c62828"}
_LABEL_MAX = 42  # about what fits between two neighbouring columns at 12 px monospace


def message_kind(first_line: str) -> str:
    """request, 1xx, 2xx or error (3xx-6xx): what the arrow colour says at a glance."""
    if first_line.startswith("SIP/"):
        code = first_line.split(" ", 2)[1] if " " in first_line else ""
        return {"1": "1xx", "2": "2xx"}.get(code[:1], "error")
    return "request"


def split_address(address: str) -> tuple[str, str]:
    """("ip", "port") from "ip:port" or "[v6]:port"."""
    host, _sep, port = address.rpartition(":")
    if not host:
        return address, ""
    return host.strip("[]"), port


def ladder_columns(messages: list) -> list[str]:
    """Addresses in order of first appearance, so the caller is usually the leftmost column."""
    seen = {}
    for msg in sorted(messages, key=lambda m: m["time"]):
        seen.setdefault(msg["src"], None)
        seen.setdefault(msg["dst"], None)
    return list(seen)


def _label(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "\u2026"


def _layout(messages: list):
    ordered = sorted(messages, key=lambda m: m["time"])
    columns = ladder_columns(ordered)
    x_of = {addr: LEFT + COL_WIDTH // 2 + i * COL_WIDTH for i, addr in enumerate(columns)}
    start = ordered[0]["time"] if ordered else 0.0
    width = LEFT + COL_WIDTH * max(len(columns), 1) + 20
    height = TOP + ROW_HEIGHT * (len(ordered) + 1)
    return ordered, columns, x_of, start, width, height


def _svg_arrow(parent, msg, row, x_of, start, link=None):
    y = TOP + ROW_HEIGHT * (row + 1)
    x1, x2 = x_of[msg["src"]], x_of[msg["dst"]]
    colour = COLOURS[message_kind(msg["first_line"])]
    if link is not None:  # the call page: each message is a link to its whole text (keyboard-focusable)
        # its name is its visible text (time and first line), as the accessibility rules want
        parent = ET.SubElement(parent, "a", {"href": link(row + 1), "class": "msg-link", "data-num": str(row + 1)})
        # the whole row is the target, not only the thin arrow and its letters
        target = {"x": "0", "y": str(y - 18), "width": "100%", "height": str(ROW_HEIGHT), "fill": "transparent"}
        ET.SubElement(parent, "rect", target)
    group = ET.SubElement(parent, "g", {"class": "msg", "data-kind": message_kind(msg["first_line"])})
    ET.SubElement(group, "title").text = str(msg.get("full") or msg["first_line"])
    ET.SubElement(group, "text", {"x": "8", "y": str(y + 4), "class": "time"}).text = f"{msg['time'] - start:.3f}"
    if x1 == x2:  # a message to itself: a small loop
        path = f"M{x1},{y - 8} h30 v14 h-26"
    else:
        path = f"M{x1},{y} L{x2 + (-6 if x2 > x1 else 6)},{y}"
    ET.SubElement(
        group,
        "path",
        {
            "d": path,
            "stroke": colour,
            "fill": "none",
            "stroke-width": "1.5",
            "marker-end": f"url(#arrow-{message_kind(msg['first_line'])})",
        },
    )
    label = ET.SubElement(
        group,
        "text",
        {
            "x": str((x1 + x2) // 2 if x1 != x2 else x1 + 36),
            "y": str(y - 5),
            "fill": colour,
            "text-anchor": "middle" if x1 != x2 else "start",
        },
    )
    label.text = _label(msg["first_line"])


def ladder_svg(messages: list, title: str | None = None, link=None) -> str:
    """The ladder as a standalone SVG document (also fine inline in HTML, as getMSC returns it).

    `link(number)`, when given, makes each message a link (numbered from 1 in time order), for pages
    that show a clicked message whole."""
    ordered, columns, x_of, start, width, height = _layout(messages)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "monospace",
            "font-size": "12",
        },
    )
    defs = ET.SubElement(svg, "defs")
    for kind, colour in COLOURS.items():
        marker = ET.SubElement(
            defs,
            "marker",
            {
                "id": f"arrow-{kind}",
                "markerWidth": "10",
                "markerHeight": "8",
                "refX": "2",
                "refY": "4",
                "orient": "auto",
            },
        )
        ET.SubElement(marker, "path", {"d": "M0,0 L10,4 L0,8 z", "fill": colour})
    if title:
        ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "text", {"x": "8", "y": str(TOP - 8), "font-weight": "bold"}).text = _("Time (s)")
    for addr in columns:
        x = x_of[addr]
        col = ET.SubElement(svg, "g", {"class": "col"})
        ET.SubElement(col, "text", {"x": str(x), "y": "24", "text-anchor": "middle", "font-weight": "bold"}).text = addr
        ET.SubElement(
            col,
            "line",
            {
                "x1": str(x),
                "y1": "34",
                "x2": str(x),
                "y2": str(height - 10),
                "stroke": "#999",
                "stroke-dasharray": "4 3",
            },
        )
    for row, msg in enumerate(ordered):
        _svg_arrow(svg, msg, row, x_of, start, link)
    return ET.tostring(svg, encoding="unicode")


def ladder_png(messages: list, title: str | None = None) -> bytes:
    """The same ladder drawn with matplotlib, for clients that want an image (no SVG renderer)."""
    ordered, columns, x_of, start, width, height = _layout(messages)
    dpi = 100
    band = 34 if title else 0  # the title gets its own band above the column names
    fig = Figure(figsize=(width / dpi, min(height + band, 30000) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, -band)
    ax.axis("off")
    if title:
        ax.text(width / 2, -band / 2, title, ha="center", va="center", fontsize=11, fontweight="bold")
    for addr in columns:
        ax.text(x_of[addr], 24, addr, ha="center", fontsize=9, fontweight="bold", family="monospace")
        ax.plot([x_of[addr]] * 2, [34, height - 10], color="#999", linestyle="--", linewidth=0.8)
    ax.text(8, TOP - 8, _("Time (s)"), fontsize=9, fontweight="bold")
    for row, msg in enumerate(ordered):
        y = TOP + ROW_HEIGHT * (row + 1)
        x1, x2 = x_of[msg["src"]], x_of[msg["dst"]]
        colour = COLOURS[message_kind(msg["first_line"])]
        ax.text(8, y + 4, f"{msg['time'] - start:.3f}", fontsize=8, family="monospace")
        ax.annotate(
            "",
            xy=(x2 if x1 != x2 else x1 + 4, y if x1 != x2 else y + 6),
            xytext=(x1, y if x1 != x2 else y - 8),
            arrowprops={
                "arrowstyle": "->",
                "color": colour,
                "lw": 1.3,
                "connectionstyle": "arc3" if x1 != x2 else "bar,fraction=-0.5",
            },
        )
        ax.text(
            (x1 + x2) / 2 if x1 != x2 else x1 + 36,
            y - 5,
            _label(msg["first_line"]),
            color=colour,
            ha="center" if x1 != x2 else "left",
            fontsize=8,
            family="monospace",
        )
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def brief_rows(messages: list, cdr_id=None) -> list[dict]:
    """Rows of legacy `pcap2text.php?action=brief_data`, oldest first.

    `direction` is our reading of the legacy field (a guess, see legacy-api.md): "->" for a message
    sent from the address that sent the first message, "<-" otherwise."""
    ordered = sorted(messages, key=lambda m: m["time"])
    if not ordered:
        return []
    first, origin = ordered[0]["time"], ordered[0]["src"]
    rows = []
    for num, msg in enumerate(ordered, start=1):
        srcip, srcport = split_address(msg["src"])
        dstip, dstport = split_address(msg["dst"])
        line = msg["first_line"]
        is_response = line.startswith("SIP/")
        rows.append(
            {
                "num": num,
                "time": round(msg["time"] - first, 6),
                "time_timestamp": msg["time"],
                "srcip": srcip,
                "srcport": int(srcport) if srcport.isdigit() else srcport,
                "dstip": dstip,
                "dstport": int(dstport) if dstport.isdigit() else dstport,
                "direction": "->" if msg["src"] == origin else "<-",
                "type": (line.split(" ", 2)[1] if is_response and " " in line else line.split(" ", 1)[0]),
                "protocol": msg.get("protocol", "SIP"),
                "msg": html.escape(line),
                "cdr_ID": cdr_id,
            }
        )
    return rows


_BRIEF_COLUMNS = ("num", "time", "srcip", "srcport", "dstip", "dstport", "direction", "type", "protocol", "msg")


def brief_html(rows: list[dict]) -> str:
    """The `action=brief` HTML table. `msg` is already escaped by brief_rows; all else is escaped here."""
    head = "".join(f"<th>{html.escape(col)}</th>" for col in _BRIEF_COLUMNS)
    body = []
    for row in rows:
        cells = "".join(
            f"<td>{row[col] if col == 'msg' else html.escape(str(row[col]))}</td>" for col in _BRIEF_COLUMNS
        )
        body.append(f'<tr class="sip-{message_kind(html.unescape(row["msg"]))}">{cells}</tr>')
    return f'<table class="brief"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
