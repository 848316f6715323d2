"""A call's audio as files to send: the stereo recording (WAV, Ogg), zips of many, and audio graphs.

The caller's streams make the left channel and the callee's the right, as the stored stream rows
say (`CdrRtp.side`); both channels run on the call's clock from its first INVITE (or from the 200 OK
with `after_connect`) to its end, so the file lasts as long as the call.
"""

import tempfile
from collections.abc import Iterator

import numpy as np
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

from .access import (
    MediaFile,
    MediaUnavailable,
    media_error,
    require_audio_download,
    require_audio_inline,
    require_graph,
)
from .audio import CONTENT_TYPES, call_recording_wav_stream, call_recording_write, recording_chunks, recording_plan
from .callfiles import pcap_path, zip_file
from .errors import MediaError
from .graphs import KINDS, SIDES, audio_graph_png, audio_strip_png
from .selectors import media_stream_rows
from .streams import call_streams_split

FAX_CODE = 1000
SPOOL_BYTES = 8 << 20


def _is_fax(cdr, rows) -> bool:
    return (cdr.payload == FAX_CODE and not rows) or any(row.get("payload") == FAX_CODE for row in rows)


def _no_audio(cdr, rows) -> MediaUnavailable:
    if _is_fax(cdr, rows):
        return MediaUnavailable(_("Call %(id)s is a T.38 fax call; it has no audio to play.") % {"id": cdr.pk})
    if not cdr.connect_duration and (cdr.lastSIPresponseNum or 0) >= 300:
        return MediaUnavailable(
            _("Call %(id)s was not answered (%(code)s %(reason)s); it has no audio.")
            % {"id": cdr.pk, "code": cdr.lastSIPresponseNum, "reason": cdr.lastSIPresponse}
        )
    return MediaUnavailable(_("Call %(id)s has no audio: no RTP voice stream was captured.") % {"id": cdr.pk})


def call_times(cdr, after_connect=False) -> dict:
    """The recording's clock: from the call's start (or its connect time) to its end, in epoch seconds."""
    times = {"call_start": cdr.calldate.timestamp(), "call_end": cdr.callend.timestamp()}
    if after_connect:
        if not cdr.connect_duration:
            raise MediaUnavailable(
                _("Call %(id)s was never connected; there is no audio after connect.") % {"id": cdr.pk}
            )
        times["start_at"] = times["call_start"] + cdr.duration - cdr.connect_duration
    return times


def call_sides(cdr, rows):
    """(caller streams, callee streams) read from the call's pcap; MediaUnavailable when there is no audio."""
    if not rows:
        raise _no_audio(cdr, rows)
    caller, callee = call_streams_split(pcap_path(cdr), rows)
    if not caller and not callee:
        raise _no_audio(cdr, rows)
    return caller, callee


def _plan_or_explain(cdr, rows, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except MediaError as exc:
        if "no audio" in exc.template or _is_fax(cdr, rows):
            raise _no_audio(cdr, rows) from None
        raise media_error(exc) from None


def recording_render(cdr, rows, *, fmt="wav", after_connect=False) -> tuple[str, Iterator[bytes]]:
    """(file name, chunks) of one call's recording; errors are raised before the first chunk."""
    caller, callee = call_sides(cdr, rows)
    times = call_times(cdr, after_connect)
    name = f"{cdr.pk}.{fmt}"
    if fmt == "wav":
        _info, chunks = _plan_or_explain(cdr, rows, call_recording_wav_stream, caller, callee, **times)
        return name, chunks
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    _plan_or_explain(cdr, rows, call_recording_write, spool, caller, callee, fmt=fmt, **times)
    spool.seek(0)
    return name, _spooled_chunks(spool)


def _spooled_chunks(spool) -> Iterator[bytes]:
    with spool:
        yield from iter(lambda: spool.read(64 * 1024), b"")


def recording_file(*, actor, cdr, fmt="wav", after_connect=False, as_zip=False, inline=False) -> MediaFile:
    (require_audio_inline if inline and not as_zip else require_audio_download)(actor)
    rows = media_stream_rows(actor=actor, cdr_ids=[cdr.pk])[cdr.pk]
    name, chunks = recording_render(cdr, rows, fmt=fmt, after_connect=after_connect)
    if as_zip:
        return zip_file(str(cdr.pk), [(name, chunks)])
    return MediaFile(name, CONTENT_TYPES[fmt], chunks, inline=inline)


def recording_bundle_entries(*, actor, cdrs, fmt="wav", after_connect=False) -> Iterator[tuple]:
    """(name, chunks) per call for a zip, rendered one at a time as the zip asks; a call without
    playable audio becomes `<id>.txt` saying why, so one fax call does not spoil a bundle of a thousand."""
    require_audio_download(actor)
    for cdr in cdrs:
        pcap_path(cdr)  # a missing file is an error for the whole bundle, found before it starts
    rows = media_stream_rows(actor=actor, cdr_ids=[cdr.pk for cdr in cdrs])

    def entries():
        for cdr in cdrs:
            try:
                yield recording_render(cdr, rows[cdr.pk], fmt=fmt, after_connect=after_connect)
            except MediaUnavailable as exc:
                yield f"{cdr.pk}.txt", (exc.message + "\n").encode()

    return entries()


def recordings_zip(*, actor, cdrs, fmt="wav", after_connect=False) -> MediaFile:
    entries = recording_bundle_entries(actor=actor, cdrs=cdrs, fmt=fmt, after_connect=after_connect)
    return zip_file(f"recordings-{len(cdrs)}", entries)


def graph_check(kind, side):
    if kind not in KINDS:
        raise InvalidInput(_("type must be S, P or ALL, not %(value)s.") % {"value": str(kind)[:20]})
    if side not in SIDES:
        raise InvalidInput(_("side must be L (caller) or R (callee), not %(value)s.") % {"value": str(side)[:20]})


def graph_file(*, actor, cdr, kind="S", side="L") -> MediaFile:
    """PNG of one channel: spectrogram (S), waveform peaks (P) or both (ALL)."""
    graph_check(kind, side)
    require_graph(actor)
    rows = media_stream_rows(actor=actor, cdr_ids=[cdr.pk])[cdr.pk]
    caller, callee = call_sides(cdr, rows)
    info, sides = _plan_or_explain(cdr, rows, recording_plan, caller, callee, **call_times(cdr))
    channel = SIDES.index(side)
    pcm = np.concatenate([chunk[:, channel] for chunk in recording_chunks(info, sides)] or [np.zeros(0, np.int16)])
    who = _("caller") if side == "L" else _("callee")
    title = _("Call %(id)s, %(who)s (%(side)s)") % {"id": cdr.pk, "who": who, "side": side}
    try:
        png = audio_graph_png(pcm, info.rate, kind=kind, side="L", title=title)
    except MediaError as exc:
        raise media_error(exc) from None
    return MediaFile(f"{cdr.pk}-{kind}-{side}.png", "image/png", [png])


def strip_file(*, actor, cdr, kind="P") -> MediaFile:
    """The call page's stereo strip (waveform P or spectrogram S, caller above callee), borderless so a
    playback cursor can be laid over it; the same channels and clock as the recording."""
    if kind not in ("S", "P"):
        raise InvalidInput(_("type must be S or P, not %(value)s.") % {"value": str(kind)[:20]})
    require_graph(actor)
    rows = media_stream_rows(actor=actor, cdr_ids=[cdr.pk])[cdr.pk]
    caller, callee = call_sides(cdr, rows)
    info, sides = _plan_or_explain(cdr, rows, recording_plan, caller, callee, **call_times(cdr))
    pcm = np.concatenate(list(recording_chunks(info, sides)) or [np.zeros((0, 2), np.int16)])
    try:
        png = audio_strip_png(pcm, info.rate, kind=kind)
    except MediaError as exc:
        raise media_error(exc) from None
    return MediaFile(f"{cdr.pk}-{kind}-strip.png", "image/png", [png], inline=True)
