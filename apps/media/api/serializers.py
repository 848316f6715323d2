from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.bounds import BIGINT_MAX
from apps.media.models import ExportJob


class ExportJobSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "kind",
            "options",
            "status",
            "progress",
            "files_done",
            "total",
            "size",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        )
        read_only_fields = fields

    def get_total(self, obj) -> int:
        return len(obj.cdr_ids)

    def get_download_url(self, obj) -> str | None:
        if obj.status != ExportJob.DONE or not obj.file_name:
            return None
        request = self.context.get("request")
        path = f"/api/v1/exports/{obj.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class ExportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExportJob.KIND_CHOICES)
    cdr_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        allow_empty=False,
        min_length=1,
        max_length=settings.VOIPMON_MEDIA_MAX_IDS,  # in the schema as maxItems
        error_messages={"max_length": _("An export holds at most {max_length} calls.")},
    )
    format = serializers.ChoiceField(choices=("wav", "ogg"), default="wav", help_text=_("audio only"))
    after_connect = serializers.BooleanField(default=False, help_text=_("audio only: start at the 200 OK"))
    disable_rtp = serializers.BooleanField(default=False, help_text=_("pcap only: SIP without RTP"))
    run_async = serializers.BooleanField(
        default=False, help_text=_("Always make a job, even for a bundle small enough to stream now.")
    )

    def validate_cdr_ids(self, value):
        return list(dict.fromkeys(value))
