"""Logo and favicon checks: PNG by its signature and header, SVG parsed and stripped to drawing only.

No Django here. An SVG keeps elements and attributes of a drawing; scripts, event handlers,
external references (href to anything but a local `#id` or an embedded raster `data:image/png`),
`foreignObject` and style with `url(` or `@import` are removed, so the file can be served on the
tenant's pages without running anything.
"""

import re
import struct
import xml.etree.ElementTree as ET

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIGNATURE = b"\x00\x00\x01\x00"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
ALLOWED = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc",
    "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "use", "symbol", "pattern", "image",
    "style", "metadata",
}  # fmt: skip
BAD_STYLE = re.compile(r"url\s*\(|@import|expression\s*\(|javascript:", re.I)


class ImageError(ValueError):
    """The file is not an image we accept; the message says why (untranslated; callers translate)."""


def png_check(data: bytes, max_side=2048):
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        raise ImageError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= max_side and 0 < height <= max_side):
        raise ImageError("the image is too large")
    if not data.rstrip(b"\0").endswith(b"IEND\xaeB`\x82"):
        raise ImageError("the PNG image is cut off")
    return "image/png"


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower()


def svg_sanitise(data: bytes) -> bytes:
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ImageError("SVG with a document type or entities is not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImageError("not an SVG image") from exc
    if _local(root.tag) != "svg":
        raise ImageError("not an SVG image")
    _clean(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _clean(element):
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) not in ALLOWED:
            element.remove(child)
            continue
        if _local(child.tag) == "style" and child.text and BAD_STYLE.search(child.text):
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _local(name)
        if local.startswith("on"):
            del element.attrib[name]
        elif local == "href" or name == XLINK:
            if not (value.startswith("#") or value.startswith("data:image/png;base64,")):
                del element.attrib[name]
        elif BAD_STYLE.search(value):
            del element.attrib[name]


def image_check(data: bytes, *, max_bytes: int, allow_ico=False) -> tuple[bytes, str]:
    """(bytes to store, content type) of an uploaded logo or favicon; ImageError otherwise."""
    if not data:
        raise ImageError("the file is empty")
    if len(data) > max_bytes:
        raise ImageError("the file is too large")
    if data.startswith(PNG_SIGNATURE):
        return data, png_check(data)
    if allow_ico and data.startswith(ICO_SIGNATURE):
        return data, "image/x-icon"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or head.startswith(b"<?xml"):
        return svg_sanitise(data), "image/svg+xml"
    raise ImageError("only PNG or SVG images are accepted")
