from rest_framework import serializers

from apps.reports.models import ReportDefinition, ReportRun, ReportSchedule


class ReportSerializer(serializers.ModelSerializer):
    filters = serializers.DictField(required=False, help_text="call search filters under their REST names")
    metrics = serializers.ListField(child=serializers.CharField(), required=False)
    charts = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = ReportDefinition
        fields = (
            "id", "description", "filters", "metrics", "group_by", "ner_codes", "mos_kind", "short_seconds",
            "top_n", "charts", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at")
        # uniqueness in the tenant is checked by the service (with the tenant from the actor)
        validators = []


class UserIdsField(serializers.ListField):
    """Ids of the tenant's users who receive the report (checked by the service in the actor's tenant)."""

    child = serializers.IntegerField()

    def to_representation(self, data):
        return [user.pk for user in data.all()] if hasattr(data, "all") else super().to_representation(data)


class ReportScheduleSerializer(serializers.ModelSerializer):
    report = serializers.IntegerField(source="report_id")
    recipients = serializers.ListField(child=serializers.CharField(), required=False)
    recipient_users = UserIdsField(required=False)
    formats = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = ReportSchedule
        fields = (
            "id", "report", "frequency", "time", "weekday", "day", "recipients", "recipient_users", "formats",
            "enabled", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at")


class ReportRunSerializer(serializers.ModelSerializer):
    formats = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="pending, running, sent or failed")

    class Meta:
        model = ReportRun
        fields = (
            "id", "report", "schedule", "period_start", "period_end", "status", "error", "attempts", "formats",
            "created_at", "finished_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_formats(self, run) -> list[str]:
        return sorted(k for k in (run.files or {}) if k in ("png", "csv", "json", "html"))
