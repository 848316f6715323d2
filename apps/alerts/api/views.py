from apps.alerts.selectors import (
    alert_event_get,
    alert_event_list,
    alert_event_visible_calls,
    alert_rule_get,
    alert_rule_list,
)
from apps.alerts.services import alert_rule_create, alert_rule_delete, alert_rule_update
from apps.core.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet

from .serializers import AlertEventSerializer, AlertRuleSerializer


class AlertRuleViewSet(ScopedModelViewSet):
    """Alert rules of the tenant (can_alerts_edit): kinds, thresholds and actions in docs/alerts.md."""

    serializer_class = AlertRuleSerializer
    required_flag = "can_alerts_edit"
    error_statuses = dict.fromkeys(("create", "update", "partial_update"), (409,))  # the name is taken

    def get_queryset(self):
        return alert_rule_list(actor=self.actor)

    def get_object(self):
        return alert_rule_get(actor=self.actor, rule_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = alert_rule_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = alert_rule_update(actor=self.actor, rule=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        alert_rule_delete(actor=self.actor, rule=instance)


class AlertEventViewSet(ScopedReadOnlyViewSet):
    """Events the rules fired (can_alerts_show_sent); restricted users see events about calls they may see."""

    serializer_class = AlertEventSerializer
    required_flag = "can_alerts_show_sent"

    def get_queryset(self):
        return alert_event_list(actor=self.actor)

    def get_object(self):
        return alert_event_get(actor=self.actor, event_id=self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_calls"] = lambda event: alert_event_visible_calls(actor=self.actor, event=event)
        return context
