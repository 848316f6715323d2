"""The OpenAPI schema's error answers, derived in this one place from what each view does.

drf-spectacular documents the success answer only. Every operation also lists the errors it can give,
with the body the exception handler writes (`{"detail", "code"}`; a 400 may instead carry one list of
messages per field):

- 401: the view authenticates (a missing or refused credential);
- 403: the view builds an actor (`ActorMixin`): a missing capability flag, an administrator-only write,
  a blocked user;
- 429: the same views hold one of the tenant's API slots while they answer (`api_slot_acquire`);
- 404: a path parameter names an object (another tenant's is 404), or a paginated list's page is out of range;
- 400: the operation reads a request body, or query parameters (filters, options, the page number);
- and what only the view knows, from its `error_statuses` (action -> statuses: a media file that is
  missing or cannot be decoded, an export not ready or expired, an upload too large, queued work refused).

Request bodies are advertised in the media types the serializer can really be read from: a file only in
multipart, lists, objects and nulls only in JSON (a form cannot carry them).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .views import ActorMixin

MESSAGES = {
    400: _("The request is invalid: a message, or the messages per field."),
    401: _("No credential, or one that is refused."),
    403: _("A capability flag or the administrator right is missing, or the user is blocked."),
    404: _("Not found (another tenant's object is not found either)."),
    409: _("The object is not in a state that allows this yet."),
    410: _("The object has expired."),
    413: _("The request body is too large."),
    422: _("The call has no media of the kind asked."),
    429: _("Too many requests at once: retry after the Retry-After seconds."),
    502: _("An external sniffer (one reached through its manager port) did not answer (code sniffer_unreachable)."),
    503: _("A service the request needs (the task queue) is unavailable; nothing was changed."),
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "description": "`detail` is the message; `code` names the error (application errors).",
}
VALIDATION_SCHEMA = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ],
    "description": "`{detail, code}`, or the messages per field (`{field: [message, ...]}`), or a list of messages.",
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A form carries strings: not a list, an object or a null (a ManyRelatedField is a list of ids).
NOT_IN_A_FORM = (serializers.ListField, serializers.DictField, serializers.JSONField, serializers.ManyRelatedField)


def with_validator_schemas(schema, validators):
    """A value's schema tightened by what its validators refuse: Django's min/max validators, and any
    validator that states its own schema (`validator.openapi_schema`, e.g. the time zone enum)."""
    if "$ref" in schema or "allOf" in schema:
        return schema
    for validator in validators:
        if isinstance(validator, MinValueValidator):
            schema["minimum"] = max(schema.get("minimum", validator.limit_value), validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            schema["maximum"] = min(schema.get("maximum", validator.limit_value), validator.limit_value)
        schema.update(getattr(validator, "openapi_schema", {}))
    return schema


def trimmed_and_required(field):
    return (
        type(field) is serializers.CharField and field.trim_whitespace and not field.allow_blank and not field.read_only
    )


class VoipmonAutoSchema(AutoSchema):
    def error_statuses(self):
        view, statuses = self.view, set()
        authenticates = bool(view.get_authenticators()) and not all(
            isinstance(p, AllowAny) for p in view.get_permissions()
        )
        if authenticates:
            statuses.add(401)
        if isinstance(view, ActorMixin):
            statuses |= {403, 429}
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            statuses.add(404)
        if self._get_request_body() is not None or self._get_filter_parameters() or self.query_parameters():
            statuses.add(400)
        action = getattr(view, "action", None) or self.method.lower()
        statuses |= set(getattr(view, "error_statuses", {}).get(action, ()))
        return statuses

    def query_parameters(self):
        return [p for p in self._process_override_parameters().values() if p.get("in") == "query"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in sorted(self.error_statuses()):
            responses.setdefault(str(status), self.error_response(status))
        return responses

    def error_response(self, status):
        name, schema = ("ValidationError", VALIDATION_SCHEMA) if status == 400 else ("Error", ERROR_SCHEMA)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        response = {"description": MESSAGES[status], "content": {"application/json": {"schema": component.ref}}}
        if status == 429:
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        return response

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = with_validator_schemas(
            super()._map_serializer_field(field, direction, bypass_extensions), getattr(field, "validators", ())
        )
        if "enum" in schema and getattr(field, "allow_blank", False) and "" not in schema["enum"]:
            schema["enum"] = ["", *schema["enum"]]  # a blank value skips the validators
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if trimmed_and_required(field) and schema.get("type") == "string" and "pattern" not in schema:
            # spaces alone are trimmed to a blank, which is refused; Python's strip() also takes the
            # separators \x1c-\x1f and \x85, which a JSON Schema (ECMA) \s does not name
            schema["pattern"] = r"[^\s\x1c-\x1f\x85]"

    def _get_filter_parameters(self):
        """Each filter's bounds and format, from the validators of the form field that parses it."""
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None:
            return parameters
        filters = filterset_class.base_filters
        for parameter in parameters:
            flt = filters.get(parameter.get("name"))
            if flt is None:
                continue
            form_field = flt.field
            validators = [*form_field.validators, *flt.extra.get("validators", ())]
            parameter["schema"] = with_validator_schemas(dict(parameter.get("schema", {})), validators)
        return parameters

    def map_parsers(self):
        media_types = super().map_parsers()
        fields = self.request_fields()
        if any(isinstance(f, serializers.FileField) for f in fields):
            return [m for m in media_types if m == "multipart/form-data"]
        if any(isinstance(f, NOT_IN_A_FORM) or f.allow_null for f in fields):
            return [m for m in media_types if m not in FORM_TYPES]
        return media_types

    def request_fields(self):
        serializer = self.get_request_serializer()
        if isinstance(serializer, type) and issubclass(serializer, serializers.Serializer):
            serializer = serializer()
        if not isinstance(serializer, serializers.Serializer):
            return []
        return [f for f in serializer.fields.values() if not f.read_only]
