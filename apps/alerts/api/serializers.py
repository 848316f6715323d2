from rest_framework import serializers

from apps.alerts.models import COUNT_MODES, KINDS, AlertEvent, AlertRule


class AlertRuleSerializer(serializers.ModelSerializer):
    """Shapes only; every field's meaning is checked by the service (one message per bad field)."""

    # plain strings (checked by the service): a choice field named `kind` collides with other apps' enums
    kind = serializers.CharField(help_text="one of " + ", ".join(KINDS))
    count_mode = serializers.CharField(required=False, help_text="one of " + ", ".join(COUNT_MODES))
    filters = serializers.JSONField(required=False, help_text="call search filters under their REST names")
    params = serializers.JSONField(required=False, help_text="kind-specific parameters (docs/alerts.md)")
    sensors = serializers.JSONField(required=False)
    active_days = serializers.JSONField(required=False, help_text="weekdays 1 (Monday) .. 7; empty: every day")
    active_hours = serializers.JSONField(required=False, help_text="[from, to) hours in the tenant's zone")
    actions = serializers.JSONField(
        required=False, help_text='[{"type": "email", "to": [...]}, {"type": "webhook", "url": ..., "secret": ...}]'
    )

    class Meta:
        model = AlertRule
        fields = (
            "id", "name", "kind", "threshold", "count_mode", "window_minutes", "filters", "params", "sensors",
            "active_days", "active_hours", "once_per_hours", "actions", "enabled", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at")
        validators = []  # the name's uniqueness in the tenant is the service's


class AlertEventSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    kind = serializers.CharField(source="rule.kind", read_only=True)
    call_ids = serializers.SerializerMethodField()
    call_links = serializers.SerializerMethodField()

    class Meta:
        model = AlertEvent
        fields = (
            "id", "rule", "rule_name", "kind", "state", "subject", "window_start", "window_end", "measured",
            "threshold", "call_count", "call_ids", "call_links", "created_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_call_ids(self, event) -> list[int]:
        return self.context["visible_calls"](event)

    def get_call_links(self, event) -> list[str]:
        request = self.context.get("request")
        paths = [f"/api/v1/calls/{pk}/" for pk in self.get_call_ids(event)]
        return [request.build_absolute_uri(p) for p in paths] if request else paths
