"""Media files as Django responses, for the legacy views and the REST views alike."""

import re

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from .access import MediaFile


def media_response(media: MediaFile) -> StreamingHttpResponse:
    """Stream the file; `Content-Disposition: attachment` unless it is meant to be shown inline."""
    response = StreamingHttpResponse(media.chunks, content_type=media.content_type)
    response["Content-Disposition"] = content_disposition_header(not media.inline, media.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _sliced(chunks, start, end):
    """The bytes start..end (inclusive) of a stream of chunks, reading no further than needed."""
    position = 0
    for chunk in chunks:
        following = position + len(chunk)
        if following > start:
            yield chunk[max(0, start - position) : end + 1 - position]
        position = following
        if position > end:
            return


def media_response_ranged(media: MediaFile, total: int, range_header: str | None) -> StreamingHttpResponse:
    """A file whose length is known before its bytes (a WAV: its header says it), with Content-Length and
    one byte range honoured (206), so a browser's player knows the duration and can seek. A range it
    cannot serve is 416; anything else that is not one plain range gets the whole file."""
    match = RANGE.match((range_header or "").strip())
    if not match or match.groups() == ("", ""):
        response = media_response(media)
        response["Content-Length"] = str(total)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), total - 1) if last else total - 1
    else:  # the last N bytes
        start, end = max(0, total - int(last)), total - 1
    if start >= total or start > end:
        response = StreamingHttpResponse([], status=416)
        response["Content-Range"] = f"bytes */{total}"
        return response
    response = StreamingHttpResponse(_sliced(media.chunks, start, end), status=206, content_type=media.content_type)
    response["Content-Disposition"] = content_disposition_header(not media.inline, media.filename)
    response["Content-Range"] = f"bytes {start}-{end}/{total}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response
