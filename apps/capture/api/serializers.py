from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.capture.models import CaptureUpload


class CaptureUploadSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaptureUpload
        fields = (
            "id",
            "id_sensor",
            "original_name",
            "size",
            "status",
            "progress",
            "summary",
            "error",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields


class CaptureUploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A pcap or pcapng file."))
    id_sensor = serializers.IntegerField(min_value=0, help_text=_("The sensor the capture was taken on."))
