"""RFC 4867 AMR / AMR-WB RTP payloads -> the storage format (RFC 4867 section 5) FFmpeg decodes.

FFmpeg's AMR decoders take one frame per packet in storage format (a ToC byte, then the frame);
RTP carries a CMR, a ToC list and the frames, either octet-aligned or bit-packed
("bandwidth-efficient", the default when the SDP says nothing). We detect which by checking that
the octet-aligned reading accounts for the payload length exactly.
"""

_NB_BITS = (95, 103, 118, 134, 148, 159, 204, 244, 39) + (0,) * 7
_WB_BITS = (132, 177, 253, 285, 317, 365, 397, 461, 477, 40) + (0,) * 6


def _octet_aligned(payload: bytes, bits: tuple):
    """Frames as (ft, q, bytes) when the payload is a consistent octet-aligned one, else None."""
    if len(payload) < 2 or payload[0] & 0x0F:
        return None
    tocs, pos = [], 1
    while pos < len(payload):
        toc = payload[pos]
        pos += 1
        if toc & 0x03:
            return None
        tocs.append(((toc >> 3) & 0x0F, (toc >> 2) & 1))
        if not toc & 0x80:
            break
    frames = []
    for ft, q in tocs:
        size = (bits[ft] + 7) // 8
        frames.append((ft, q, payload[pos : pos + size]))
        pos += size
    return frames if pos == len(payload) else None


def _bandwidth_efficient(payload: bytes, bits: tuple):
    total = len(payload) * 8
    value = int.from_bytes(payload, "big")

    def take(offset, count):
        return (value >> (total - offset - count)) & ((1 << count) - 1) if offset + count <= total else None

    pos, tocs = 4, []
    while True:
        toc = take(pos, 6)
        if toc is None:
            return []
        pos += 6
        tocs.append(((toc >> 1) & 0x0F, toc & 1))
        if not toc & 0x20:
            break
    frames = []
    for ft, q in tocs:
        nbits = bits[ft]
        chunk = take(pos, nbits) if nbits else 0
        if chunk is None:
            break
        pos += nbits
        size = (nbits + 7) // 8
        frames.append((ft, q, (chunk << (size * 8 - nbits)).to_bytes(size, "big") if nbits else b""))
    return frames


def amr_payload_to_storage(payload: bytes, *, wideband: bool = False) -> bytes:
    """The frames of one RTP payload in storage format, ready for FFmpeg's AMR decoder."""
    bits = _WB_BITS if wideband else _NB_BITS
    frames = _octet_aligned(payload, bits)
    if frames is None:
        frames = _bandwidth_efficient(payload, bits)
    return b"".join(bytes([(ft << 3) | (q << 2)]) + data for ft, q, data in frames)
