"""Media files as Django responses, for the legacy views and the REST views alike."""

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from .access import MediaFile


def media_response(media: MediaFile) -> StreamingHttpResponse:
    """Stream the file; `Content-Disposition: attachment` unless it is meant to be shown inline."""
    response = StreamingHttpResponse(media.chunks, content_type=media.content_type)
    response["Content-Disposition"] = content_disposition_header(not media.inline, media.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
