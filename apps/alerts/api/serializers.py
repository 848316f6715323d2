from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.alerts.destinations import COUNTRIES
from apps.alerts.models import COUNT_MODES, KINDS, AlertEvent, AlertRule
from apps.alerts.services import CONCURRENT_BY, DROP_BY
from apps.cdr.filtersets import CdrFilterSet
from apps.core.api.schema import with_validator_schemas

# The enums' choices, named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (media exports have a `kind` too).
KIND_CHOICES = [(kind, kind) for kind in KINDS]
COUNT_MODE_CHOICES = [(mode, mode) for mode in COUNT_MODES]

# What the service accepts, stated as JSON schema (the service stays the one that checks and explains).
# Patterns are narrower than the service's checks where the checks are Django's validators (e-mail, URL).
NUMBER = {"type": "number", "minimum": 0, "maximum": 1_000_000}
CODE = {"type": "string", "pattern": "^(0|[1-6]|[1-6]xx|[1-6][0-9][0-9])$"}
PARAMS_BY_KIND = {
    "mos, loss, jitter, delay, pdd": ({"value": NUMBER}, ["value"]),
    "one_way, missing_rtp, sensor_silence, sequential": ({}, []),
    "sip_response (codes, or every: true)": (
        {"codes": {"type": "array", "items": CODE}, "every": {"type": "boolean"}},
        [],
    ),
    "traffic_drop": ({"by": {"type": "string", "enum": list(DROP_BY)}, "minimum": NUMBER}, []),
    "concurrent_calls": ({"by": {"type": "string", "enum": list(CONCURRENT_BY)}}, ["by"]),
    "destination (allow prefixes, countries, or both)": (
        {
            "allow": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]+$"}},
            "countries": {"type": "array", "items": {"type": "string", "enum": sorted(COUNTRIES)}},
        },
        [],
    ),
}
SIP_CODES_OR_EVERY = [  # give codes, or every: true
    {"required": ["codes"], "properties": {"codes": {"minItems": 1}}},
    {"required": ["every"], "properties": {"every": {"enum": [True]}}},
]
PREFIXES_OR_COUNTRIES = [  # at least one of the two lists is not empty
    {"required": ["allow"], "properties": {"allow": {"minItems": 1}}},
    {"required": ["countries"], "properties": {"countries": {"minItems": 1}}},
]
PARAMS_SCHEMA = {
    "description": "kind-specific parameters, one shape per kind (docs/alerts.md): "
    + "; ".join(f"{kinds}: {', '.join(props) or 'none'}" for kinds, (props, _) in PARAMS_BY_KIND.items()),
    "anyOf": [
        {
            "type": "object",
            "title": kinds,
            "properties": props,
            **({"required": required} if required else {}),
            **({"anyOf": SIP_CODES_OR_EVERY} if "codes" in props else {}),
            **({"anyOf": PREFIXES_OR_COUNTRIES} if "countries" in props else {}),
            "additionalProperties": False,
        }
        for kinds, (props, required) in PARAMS_BY_KIND.items()
    ],
}
EMAIL = "^[a-z0-9_+-]{1,20}(\\.[a-z0-9_+-]{1,20}){0,2}@([a-z0-9]{1,20}\\.){1,3}[a-z]{2,10}$"
URL = "^https?://([a-z0-9]{1,20}\\.){1,3}[a-z]{2,10}(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~-]{0,20}){0,4}$"
EMAIL_ACTION = {
    "type": "object",
    "title": "email",
    "properties": {
        "type": {"type": "string", "enum": ["email"]},
        "to": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": EMAIL}},
    },
    "required": ["type", "to"],
    "additionalProperties": False,
}
WEBHOOK_TYPE = {"type": "string", "enum": ["webhook"]}
# The secret is write-only: given on a write, never answered; a read says only whether one is set.
ACTIONS_SCHEMA = {
    "request": {
        "type": "array",
        "description": "what a firing does: e-mail addresses, or a webhook whose body is signed with the secret "
        "(write-only; a webhook written without it keeps the secret stored for the same URL, a new URL needs one)",
        "items": {
            "oneOf": [
                EMAIL_ACTION,
                {
                    "type": "object",
                    "title": "webhook",
                    "properties": {
                        "type": WEBHOOK_TYPE,
                        "url": {"type": "string", "pattern": URL},
                        "secret": {"type": "string", "pattern": "^[^\\u0000]+$", "writeOnly": True},
                        "secret_set": {"type": "boolean", "description": "ignored on a write (what a read shows)"},
                    },
                    "required": ["type", "url"],
                    "additionalProperties": False,
                },
            ]
        },
    },
    "response": {
        "type": "array",
        "description": "what a firing does; a webhook's secret is never shown, only whether one is set",
        "items": {
            "oneOf": [
                {
                    **EMAIL_ACTION,
                    "properties": {**EMAIL_ACTION["properties"], "to": {"type": "array", "items": {"type": "string"}}},
                },
                {
                    "type": "object",
                    "title": "webhook",
                    "properties": {"type": WEBHOOK_TYPE, "url": {"type": "string"}, "secret_set": {"type": "boolean"}},
                    "required": ["type", "url", "secret_set"],
                    "additionalProperties": False,
                },
            ]
        },
    },
}
BIGINT = 2**63 - 1
INT = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}


@extend_schema_field(PARAMS_SCHEMA)
class ParamsField(serializers.JSONField):
    pass


class ActionsField(serializers.JSONField):
    """Actions as stored, less the webhooks' secrets (write-only): a read shows `secret_set` instead."""

    def to_representation(self, value):
        return [action_shown(action) for action in super().to_representation(value) or []]


def action_shown(action):
    if not isinstance(action, dict) or action.get("type") != "webhook":
        return action
    return {"type": "webhook", "url": action.get("url", ""), "secret_set": bool(action.get("secret"))}


class ActionsFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ActionsField

    def map_serializer_field(self, auto_schema, direction):
        return ACTIONS_SCHEMA[direction]


@extend_schema_field({"type": "array", "items": INT, "description": "sensor numbers; empty: every sensor"})
class SensorsField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": 7},
        "description": "weekdays 1 (Monday) .. 7; empty: every day",
    }
)
class DaysField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 24},
        "oneOf": [{"maxItems": 0}, {"minItems": 2, "maxItems": 2}],
        "description": "[from, to) whole hours in the tenant's zone (to before from wraps past midnight); "
        "empty: all day",
    }
)
class HoursField(serializers.JSONField):
    pass


class CallFiltersField(serializers.JSONField):
    """The call search's filters under their REST names. A list (comma-separated filters) or a boolean is
    stored as the query string would carry it, so the one call search parses it the same way."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict):
            return data  # the service explains
        return {name: self.as_query_value(value) for name, value in data.items()}

    @staticmethod
    def as_query_value(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ",".join(CallFiltersField.as_query_value(v) for v in value)
        return value if isinstance(value, str | dict) or value is None else str(value)


class CallFiltersFieldExtension(OpenApiSerializerFieldExtension):
    """Each filter's schema is the calls endpoint's query parameter's (same FilterSet, same validators)."""

    target_class = CallFiltersField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return {"type": "object", "additionalProperties": {"type": "string"}}
        filters = DjangoFilterExtension(DjangoFilterBackend)
        model = CdrFilterSet._meta.model
        properties = {}
        for name, flt in CdrFilterSet.base_filters.items():
            for parameter in filters.resolve_filter_field(auto_schema, model, CdrFilterSet, name, flt):
                schema = dict(parameter.get("schema", {}))
                if schema.get("type") == "array":  # a comma-separated list of 64-bit integers
                    schema.pop("maximum", None)
                    schema["items"] = {**schema.get("items", {}), "minimum": -BIGINT, "maximum": BIGINT}
                validators = [*flt.field.validators, *flt.extra.get("validators", ())]
                properties[parameter["name"]] = with_validator_schemas(schema, validators)
        return {
            "type": "object",
            "description": "call search filters under their REST names (the calls endpoint's parameters; "
            "custom_header__NAME too)",
            "properties": properties,
            "additionalProperties": False,
        }


class AlertRuleSerializer(serializers.ModelSerializer):
    """Shapes only; every field's meaning is checked by the service (one message per bad field)."""

    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    count_mode = serializers.ChoiceField(choices=COUNT_MODE_CHOICES, required=False)
    # the service's bounds (at most 100 for a percent count mode: a cross-field rule the schema cannot state)
    threshold = serializers.FloatField(required=False, min_value=0, max_value=10**9)
    window_minutes = serializers.IntegerField(required=False, min_value=1, max_value=1440)
    once_per_hours = serializers.FloatField(required=False, min_value=0, max_value=24 * 366)
    filters = CallFiltersField(required=False)
    params = ParamsField(required=False)
    sensors = SensorsField(required=False)
    active_days = DaysField(required=False)
    active_hours = HoursField(required=False)
    actions = ActionsField(required=False)

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
