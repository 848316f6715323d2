"""A call's media under /api/v1/calls/{id}/..., with or without the trailing slash; export jobs."""

from django.urls import re_path

from apps.core.api.routers import AppRouter

from .views import CallMediaViewSet, ExportViewSet

CALL = r"^calls/(?P<pk>[0-9]+)/"

router = AppRouter()
router.register("exports", ExportViewSet, basename="export")


def call_route(suffix, action, name):
    return re_path(CALL + suffix + r"/?$", CallMediaViewSet.as_view({"get": action}), name=name)


urlpatterns = [
    call_route("pcap", "pcap", "cdr-pcap"),
    call_route("audio", "audio", "cdr-audio"),
    call_route("audio-graph", "audio_graph", "cdr-audio-graph"),
    call_route("sip-history", "sip_history", "cdr-sip-history"),
    call_route(r"ladder\.svg", "ladder_svg", "cdr-ladder-svg"),
    call_route(r"ladder\.png", "ladder_png", "cdr-ladder-png"),
    re_path(r"^exports/(?P<pk>[0-9]+)/download/?$", ExportViewSet.as_view({"get": "download"}), name="export-download"),
    *router.urls,
]
