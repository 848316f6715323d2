import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.reports.metrics import SHORT_CALL_MAX
from apps.reports.models import ReportDefinition, ReportRun, ReportSchedule
from apps.reports.rendering import CHARTS
from apps.reports.selectors import METRIC_NAMES

SCHEDULE_FORMATS = ("png", "csv", "json")  # the HTML body is always sent
# ner_codes: SIP classes (4) and codes (603), comma-separated (metrics.ner_codes_parse)
NER_CODES = r"^ *([1-6]|[1-6][0-9]{2}) *(, *([1-6]|[1-6][0-9]{2}) *)*$"
LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class CallFiltersField(serializers.DictField):
    """A saved call search: the call list's filters by their REST names (checked by the service)."""


class CallFiltersFieldSchema(OpenApiSerializerFieldExtension):
    """The saved filter's schema is the call list's: one property per filter, with that query parameter's
    schema (a list parameter takes one value here, or the comma-separated text), and the custom headers."""

    target_class = CallFiltersField

    def map_serializer_field(self, auto_schema, direction):
        from apps.cdr.api.views import CdrViewSet

        view = CdrViewSet(action="list", format_kwarg=None, request=None, kwargs={}, args=(), swagger_fake_view=True)
        schema = type(auto_schema)()
        schema.view, schema.method, schema.path, schema.registry = view, "GET", "/", auto_schema.registry
        properties = {}
        for parameter in schema._get_filter_parameters():
            value = dict(parameter["schema"])
            if value.get("type") == "array":
                item = value["items"]
                # the text form's numbers get one digit fewer than the item's maximum (2**63 - 1 unless stated),
                # so every text the schema allows is in range, as the call search requires
                digits = len(str(int(item.get("maximum", 2**63 - 1)))) - 1
                number = rf"-?[0-9]{{1,{digits}}}"
                value = {"anyOf": [item, {"type": "string", "pattern": rf"^{number}(,{number})*$"}]}
            properties[parameter["name"]] = {**value, "description": parameter.get("description", "")}
        return {
            "type": "object",
            "properties": properties,
            # OpenAPI 3.0 has no patternProperties: `custom_header__NAME` is named in the description only
            "additionalProperties": False,
            "description": "call search filters under their REST names (those of GET /calls/; custom_header__NAME too)",
        }


class ReportSerializer(serializers.ModelSerializer):
    filters = CallFiltersField(required=False)
    metrics = serializers.ListField(child=serializers.ChoiceField(choices=METRIC_NAMES), required=False)
    charts = serializers.ListField(child=serializers.ChoiceField(choices=CHARTS), required=False)
    ner_codes = serializers.CharField(
        max_length=200,
        required=False,
        validators=[RegexValidator(NER_CODES, _("List SIP classes (4) or codes (603), comma-separated."))],
    )
    short_seconds = serializers.IntegerField(min_value=1, max_value=SHORT_CALL_MAX, required=False)

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


@extend_schema_field({"type": "string", "pattern": LOCAL_TIME, "example": "07:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the tenant's zone, HH:MM[:SS]: no offset (a JSON schema `time` would demand one)."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.match(LOCAL_TIME, value):
            raise serializers.ValidationError(_("Enter a time as HH:MM or HH:MM:SS."))
        return super().to_internal_value(value)


class ReportScheduleSerializer(serializers.ModelSerializer):
    report = serializers.IntegerField(source="report_id")
    time = LocalTimeField(required=False)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False, help_text="0 = Monday")
    day = serializers.IntegerField(min_value=1, max_value=28, required=False, help_text="day of the month")
    recipients = serializers.ListField(child=serializers.EmailField(), required=False)
    recipient_users = UserIdsField(required=False)
    formats = serializers.ListField(child=serializers.ChoiceField(choices=SCHEDULE_FORMATS), required=False)

    class Meta:
        model = ReportSchedule
        fields = (
            "id", "report", "frequency", "time", "weekday", "day", "recipients", "recipient_users", "formats",
            "enabled", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at")


class ReportRunSerializer(serializers.ModelSerializer):
    formats = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ReportRun.STATUSES, read_only=True)

    class Meta:
        model = ReportRun
        fields = (
            "id", "report", "schedule", "period_start", "period_end", "status", "error", "attempts", "formats",
            "created_at", "finished_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_formats(self, run) -> list[str]:
        return sorted(k for k in (run.files or {}) if k in ("png", "csv", "json", "html"))
