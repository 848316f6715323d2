"""JSON request bodies bounded in size and depth before they are parsed (issue 17: no 500 from any input)."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.core.bounds import JSON_MAX_DEPTH, json_depth_exceeds


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, after refusing a body larger than VOIPMON_JSON_MAX_BYTES or nested deeper
    than JSON_MAX_DEPTH: the standard parser recurses once per level and fails past about a thousand."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(settings.VOIPMON_JSON_MAX_BYTES + 1) if stream is not None else b""
        if len(data) > settings.VOIPMON_JSON_MAX_BYTES:
            raise ParseError(
                _("The JSON body is too large: at most %(limit)s bytes.") % {"limit": settings.VOIPMON_JSON_MAX_BYTES}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        if json_depth_exceeds(data.decode(encoding, "replace")):
            raise ParseError(
                _("The JSON body is nested too deep: at most %(limit)s levels of [ ] and { }.")
                % {"limit": JSON_MAX_DEPTH}
            )
        return super().parse(io.BytesIO(data), media_type, parser_context)
