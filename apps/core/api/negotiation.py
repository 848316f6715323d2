"""Content negotiation of endpoints that answer files: the file's type is chosen by the endpoint (or its
`format` parameter), and errors are JSON even when the client's Accept names audio/x-wav or image/png."""

from rest_framework.negotiation import BaseContentNegotiation


class JsonOnlyNegotiation(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
