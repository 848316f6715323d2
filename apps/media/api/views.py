"""REST: a call's pcap, audio, audio graph, SIP history and ladder; zip exports of many calls.

Binary answers stream with `Content-Disposition`; a failure answers JSON (`detail`, `code`) with a
4xx status whatever the client's `Accept` header asked for, so clients can tell by the content type.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.core.api.negotiation import JsonOnlyNegotiation
from apps.core.api.views import ActorMixin
from apps.core.exceptions import InvalidInput
from apps.core.values import truthy
from apps.media.access import seconds_parse
from apps.media.callfiles import pcap_file
from apps.media.history import ladder_file, sip_history_rows
from apps.media.http import media_response
from apps.media.recordings import graph_file, recording_file
from apps.media.selectors import export_job_list, media_cdr_get
from apps.media.services import bundle_file, export_create, export_download

from .serializers import ExportCreateSerializer, ExportJobSerializer

SECONDS_WINDOW = {"type": "number", "minimum": 0, "maximum": 86400}  # what seconds_parse accepts


def binary(media_type, *params):
    return extend_schema(responses={(200, media_type): OpenApiTypes.BINARY}, parameters=list(params))


def query(name, description, kind=str, enum=None):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)


class CallMediaViewSet(ActorMixin, viewsets.ViewSet):
    """A call's media. The call is looked up as the call list does: another tenant's call is 404."""

    required_flag = "can_cdr"
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = JsonOnlyNegotiation
    error_statuses = {"audio": (422,), "audio_graph": (422,)}  # the OpenAPI schema's (apps/core/api/schema.py)

    def call(self, pk):
        return media_cdr_get(actor=self.actor, cdr_id=pk)

    @binary(
        "application/vnd.tcpdump.pcap",
        query("disable_rtp", "1: SIP only", bool),
        query("cid_interval", "seconds: also the call's other legs within this window", SECONDS_WINDOW),
        query("merge", "1: legs merged into one time-ordered capture", bool),
        query("zip", "1: always a zip", bool),
    )
    def pcap(self, request, pk=None):
        params = request.query_params
        interval = params.get("cid_interval")
        return media_response(
            pcap_file(
                actor=self.actor,
                cdr=self.call(pk),
                sip_only=truthy(params.get("disable_rtp")),
                interval=seconds_parse(interval, name="cid_interval") if interval not in (None, "") else None,
                merge=truthy(params.get("merge")),
                as_zip=truthy(params.get("zip")),
            )
        )

    @binary(
        "audio/x-wav",
        query("format", "wav (default) or ogg", enum=["wav", "ogg"]),
        query("after_connect", "1: start at the 200 OK", bool),
        query("inline", "1: for a player (Content-Disposition: inline)", bool),
        query("zip", "1: wrapped in a zip", bool),
    )
    def audio(self, request, pk=None):
        params = request.query_params
        fmt = params.get("format") or "wav"
        if fmt not in ("wav", "ogg"):
            raise InvalidInput(_("format must be wav or ogg, not %(value)s.") % {"value": fmt[:20]})
        return media_response(
            recording_file(
                actor=self.actor,
                cdr=self.call(pk),
                fmt=fmt,
                after_connect=truthy(params.get("after_connect")),
                as_zip=truthy(params.get("zip")),
                inline=truthy(params.get("inline")),
            )
        )

    @binary(
        "image/png",
        query("type", "S spectrogram, P waveform peaks, ALL both", enum=["S", "P", "ALL"]),
        query("side", "L caller, R callee", enum=["L", "R"]),
    )
    def audio_graph(self, request, pk=None):
        params = request.query_params
        kind, side = params.get("type") or "S", params.get("side") or "L"
        return media_response(graph_file(actor=self.actor, cdr=self.call(pk), kind=kind, side=side))

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, parameters=[query("full", "1: whole messages", bool)])
    def sip_history(self, request, pk=None):
        rows = sip_history_rows(cdr=self.call(pk), full=truthy(request.query_params.get("full")))
        return Response({"count": len(rows), "results": rows})

    @binary("image/svg+xml")
    def ladder_svg(self, request, pk=None):
        return media_response(ladder_file(cdr=self.call(pk), fmt="svg"))

    @binary("image/png")
    def ladder_png(self, request, pk=None):
        return media_response(ladder_file(cdr=self.call(pk), fmt="png"))


class ExportViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Zips of many calls' pcaps or recordings. Small ones stream at once (200); larger ones (or
    `run_async`) become a job (202) whose status shows progress and whose zip is downloadable until
    it expires."""

    required_flag = "can_cdr"
    error_statuses = {"create": (404, 422, 503), "download": (409, 410)}
    serializer_class = ExportJobSerializer
    content_negotiation_class = JsonOnlyNegotiation
    renderer_classes = (JSONRenderer,)

    def get_queryset(self):
        return export_job_list(actor=self.actor)

    @extend_schema(
        request=ExportCreateSerializer,
        responses={202: ExportJobSerializer, (200, "application/zip"): OpenApiTypes.BINARY},
    )
    def create(self, request):
        body = ExportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        options = {k: data[k] for k in ("format", "after_connect", "disable_rtp")}
        ids = data["cdr_ids"]
        if len(ids) <= settings.VOIPMON_MEDIA_STREAM_MAX_FILES and not data["run_async"]:
            return media_response(bundle_file(actor=self.actor, kind=data["kind"], cdr_ids=ids, options=options))
        job = export_create(actor=self.actor, kind=data["kind"], cdr_ids=ids, options=options)
        serialized = ExportJobSerializer(job, context={"request": request}).data
        return Response(serialized, status=status.HTTP_202_ACCEPTED, headers={"Location": f"{job.pk}/"})

    @binary("application/zip")
    def download(self, request, pk=None):
        return media_response(export_download(job=self.get_object()))
