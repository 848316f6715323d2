"""SIP ladder SVG/PNG and the legacy brief rows, on hostile input as well as normal calls."""

import html
import io
import xml.etree.ElementTree as ET

from PIL import Image

from apps.media.ladder import brief_html, brief_rows, ladder_png, ladder_svg

SVG = "{http://www.w3.org/2000/svg}"
T = 1_734_088_833.332

MESSAGES = [
    {
        "time": T + 0.054,
        "src": "208.93.9.155:5065",
        "dst": "192.10.1.65:5065",
        "first_line": "SIP/2.0 100 Trying",
        "full": "SIP/2.0 100 Trying\r\n\r\n",
    },
    {
        "time": T,
        "src": "192.10.1.65:5065",
        "dst": "208.93.9.155:5065",
        "first_line": "INVITE sip:<script>alert(1)</script>@x SIP/2.0",
        "full": "INVITE sip:x SIP/2.0\r\n</svg>&",
    },
    {
        "time": T + 1.862,
        "src": "208.93.9.155:5065",
        "dst": "192.10.1.65:5065",
        "first_line": "SIP/2.0 183 Progress",
        "full": "",
    },
    {
        "time": T + 9.0,
        "src": "208.93.9.155:5065",
        "dst": "[2001:db8::7]:5060",
        "first_line": "SIP/2.0 486 Busy Here",
        "full": "",
    },
    {
        "time": T + 9.1,
        "src": "192.10.1.65:5065",
        "dst": "208.93.9.155:5065",
        "first_line": "SIP/2.0 200 OK",
        "full": "",
    },
]


def test_svg_parses_with_one_arrow_per_message_and_one_column_per_address():
    root = ET.fromstring(ladder_svg(MESSAGES, title="call <1>"))
    arrows = root.findall(f"{SVG}g[@class='msg']")
    columns = root.findall(f"{SVG}g[@class='col']")
    assert len(arrows) == len(MESSAGES)
    assert [c.find(f"{SVG}text").text for c in columns] == [
        "192.10.1.65:5065",
        "208.93.9.155:5065",
        "[2001:db8::7]:5060",
    ]
    kinds = [a.get("data-kind") for a in arrows]
    assert kinds == ["request", "1xx", "1xx", "error", "2xx"]
    times = [a.find(f"{SVG}text[@class='time']").text for a in arrows]
    assert times == ["0.000", "0.054", "1.862", "9.000", "9.100"]


def test_svg_escapes_hostile_message_text():
    svg = ladder_svg(MESSAGES)
    assert "<script>" not in svg and "</svg>&" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    assert any("<script>" in (t.text or "") for t in root.iter(f"{SVG}text"))  # shown as text, not markup


def test_png_ladder_is_an_image():
    png = ladder_png(MESSAGES)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] > 600 and image.size[1] > 150


def test_brief_rows_order_and_fields():
    rows = brief_rows(MESSAGES, cdr_id=7)
    assert [r["num"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["type"] for r in rows] == ["INVITE", "100", "183", "486", "200"]
    assert [r["time"] for r in rows] == [0.0, 0.054, 1.862, 9.0, 9.1]
    first = rows[0]
    assert first["time_timestamp"] == T
    assert (first["srcip"], first["srcport"], first["dstip"], first["dstport"]) == (
        "192.10.1.65",
        5065,
        "208.93.9.155",
        5065,
    )
    assert first["msg"] == html.escape(MESSAGES[1]["first_line"])
    assert rows[3]["dstip"] == "2001:db8::7" and rows[3]["dstport"] == 5060
    assert [r["direction"] for r in rows] == ["->", "<-", "<-", "<-", "->"]
    assert all(r["cdr_ID"] == 7 and r["protocol"] == "SIP" for r in rows)


def test_brief_html_table_is_escaped_once():
    table = brief_html(brief_rows(MESSAGES))
    assert table.count("<tr") == len(MESSAGES) + 1
    assert "<script>" not in table and "&lt;script&gt;" in table and "&amp;lt;" not in table


def test_empty_ladder_is_still_valid_svg():
    root = ET.fromstring(ladder_svg([]))
    assert root.findall(f"{SVG}g[@class='msg']") == [] and brief_rows([]) == []
