from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.capture.selectors import capture_upload_list
from apps.capture.services import capture_too_large_message, capture_upload_create
from apps.core.api.views import ActorMixin
from apps.core.exceptions import AppError

from .serializers import CaptureUploadCreateSerializer, CaptureUploadSerializer


class CaptureUploadViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload a pcap/pcapng file; the import runs in Celery and its resource shows progress and a summary."""

    required_flag = "can_upload_pcap"
    serializer_class = CaptureUploadSerializer
    parser_classes = (MultiPartParser, FormParser)
    error_statuses = {"create": (413, 503)}  # the OpenAPI schema's (apps/core/api/schema.py)

    def get_queryset(self):
        return capture_upload_list(actor=self.actor)

    def initial(self, request, *args, **kwargs):
        # Refuse an oversized body before reading it.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if request.method == "POST" and length > settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES + 64 * 1024:
            super().initial(request, *args, **kwargs)
            raise AppError(capture_too_large_message(length), code="too_large", status=413)
        super().initial(request, *args, **kwargs)

    @extend_schema(request=CaptureUploadCreateSerializer, responses={202: CaptureUploadSerializer})
    def create(self, request):
        body = CaptureUploadCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = capture_upload_create(
            actor=self.actor, uploaded=body.validated_data["file"], id_sensor=body.validated_data["id_sensor"]
        )
        return Response(CaptureUploadSerializer(upload).data, status=status.HTTP_202_ACCEPTED)
