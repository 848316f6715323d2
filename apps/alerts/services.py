"""Writes of alert rules: validation with one clear message per bad field, then create / update / delete."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.cdr.filtersets import CUSTOM_HEADER_PREFIX, CdrFilterSet
from apps.cdr.selectors import cdr_search
from apps.core.exceptions import Conflict, InvalidInput

from .destinations import COUNTRIES
from .models import COUNT_MODES, KINDS, AlertRule

VALUE_KINDS = ("mos", "loss", "jitter", "delay", "pdd")
PARAMS = {  # kind -> {param: required}
    **{kind: {"value": True} for kind in VALUE_KINDS},
    "one_way": {},
    "missing_rtp": {},
    "sip_response": {"codes": False, "every": False},
    "sensor_silence": {},
    "traffic_drop": {"by": False, "minimum": False},
    "concurrent_calls": {"by": True},
    "sequential": {},
    "destination": {"allow": False, "countries": False},
}
CONCURRENT_BY = ("caller_ip", "called_ip", "caller_number")
DROP_BY = ("percent", "calls")
EDITABLE = (
    "name", "kind", "threshold", "count_mode", "window_minutes", "filters", "params", "sensors", "active_days",
    "active_hours", "once_per_hours", "actions", "enabled",
)  # fmt: skip


def fail(field, message):
    raise InvalidInput(f"{field}: {message}")


def number(field, value, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(field, _("a number is required."))
    if (low is not None and value < low) or (high is not None and value > high):
        fail(field, _("must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    return value


def response_code_valid(code):
    """`486`, a class `5xx` (or `5`), or `0` for an INVITE never answered."""
    text = str(code).strip().lower()
    if text == "0" or (text.isdigit() and len(text) == 3 and text[0] in "123456"):
        return True
    return len(text) in (1, 3) and text[0] in "123456" and text[1:] in ("", "xx")


def params_validate(kind, params):
    if not isinstance(params, dict):
        fail("params", _("an object is required."))
    known = PARAMS[kind]
    for name in params:
        if name not in known:
            fail("params", _("%(name)s is not a parameter of %(kind)s rules.") % {"name": name, "kind": kind})
    for name, required in known.items():
        if required and name not in params:
            fail("params", _("%(name)s is required for %(kind)s rules.") % {"name": name, "kind": kind})
    if "value" in params:
        number("params.value", params["value"], 0, 1_000_000)
    if kind == "sip_response":
        codes = params.get("codes", [])
        if not isinstance(codes, list) or not all(response_code_valid(c) for c in codes):
            fail("params.codes", _("a list of SIP codes (486), classes (5xx) or 0 (never answered) is required."))
        if not codes and not params.get("every"):
            fail("params", _("give codes, or every: true to alert on every attempt matching the filters."))
    if kind == "concurrent_calls" and params["by"] not in CONCURRENT_BY:
        fail("params.by", _("one of %(names)s.") % {"names": ", ".join(CONCURRENT_BY)})
    if kind == "traffic_drop":
        if params.get("by", "percent") not in DROP_BY:
            fail("params.by", _("one of %(names)s.") % {"names": ", ".join(DROP_BY)})
        number("params.minimum", params.get("minimum", 0), 0, 1_000_000)
    if kind == "destination":
        allow, countries = params.get("allow", []), params.get("countries", [])
        if not isinstance(allow, list) or not all(isinstance(p, str) and p.isdigit() for p in allow):
            fail("params.allow", _("a list of number prefixes (digits) is required."))
        if not isinstance(countries, list) or not all(isinstance(c, str) and c in COUNTRIES for c in countries):
            fail("params.countries", _("a list of ISO 3166 country codes (CZ, US, ...) is required."))
        if not allow and not countries:
            fail("params", _("give allowed prefixes (allow), countries, or both."))


def actions_validate(actions):
    if not isinstance(actions, list):
        fail("actions", _("a list is required."))
    for action in actions:
        kind = action.get("type") if isinstance(action, dict) else None
        if kind == "email":
            to = action.get("to")
            if not isinstance(to, list) or not to or set(action) - {"type", "to"}:
                fail("actions", _("an email action is {type, to: [addresses]}."))
            for address in to:
                try:
                    EmailValidator()(address)
                except ValidationError:
                    fail("actions", _("%(value)s is not an e-mail address.") % {"value": address})
        elif kind == "webhook":
            if set(action) - {"type", "url", "secret"} or not isinstance(action.get("secret", ""), str):
                fail("actions", _("a webhook action is {type, url, secret}."))
            if not action.get("secret"):
                fail("actions", _("a webhook needs a secret to sign its body (a new URL needs its secret)."))
            try:
                URLValidator(schemes=["http", "https"])(action.get("url") or "")
            except ValidationError:
                fail("actions", _("%(value)s is not an http(s) URL.") % {"value": action.get("url")})
        else:
            fail("actions", _("each action is of type email or webhook."))


def actions_with_secrets(actions, stored=()):
    """Secrets are write-only: a webhook written without one keeps the secret stored for its URL, and the
    `secret_set` a read shows is dropped. Anything malformed is left as it is for actions_validate."""
    if not isinstance(actions, list):
        return actions
    kept = {a.get("url"): a.get("secret") for a in stored if isinstance(a, dict) and a.get("type") == "webhook"}
    merged = []
    for action in actions:
        if isinstance(action, dict) and action.get("type") == "webhook":
            action = {k: v for k, v in action.items() if k != "secret_set"}
            if action.get("secret") is None and kept.get(action.get("url")):
                action["secret"] = kept[action.get("url")]
        merged.append(action)
    return merged


def text_without_nul(field, value):
    """PostgreSQL's jsonb cannot hold U+0000 (a 500 there, stored on SQLite): refused on every database."""
    if isinstance(value, str) and "\x00" in value:
        fail(field, _("a NUL character is not allowed."))
    if isinstance(value, dict):
        for key, item in value.items():
            text_without_nul(field, key)
            text_without_nul(field, item)
    if isinstance(value, list):
        for item in value:
            text_without_nul(field, item)


def rule_validate(*, actor, data):
    """Every field checked; the filters through the one call search (so its names and messages)."""
    for name in ("filters", "params", "sensors", "active_days", "active_hours", "actions"):
        text_without_nul(name, data.get(name))
    if not str(data.get("name", "")).strip():
        fail("name", _("a name is required."))
    if data.get("kind") not in KINDS:
        fail("kind", _("one of %(names)s.") % {"names": ", ".join(KINDS)})
    if data.get("count_mode", "calls") not in COUNT_MODES:
        fail("count_mode", _("one of %(names)s.") % {"names": ", ".join(COUNT_MODES)})
    high = 100 if data.get("count_mode", "calls") != "calls" and data["kind"] not in ("traffic_drop",) else 10**9
    number("threshold", data.get("threshold", 1), 0, high)
    number("window_minutes", data.get("window_minutes", 5), 1, 1440)
    number("once_per_hours", data.get("once_per_hours", 0), 0, 24 * 366)
    filters = data.get("filters", {})
    if not isinstance(filters, dict):
        fail("filters", _("an object of call filters is required."))
    unknown = [n for n in filters if n not in CdrFilterSet.base_filters and not n.startswith(CUSTOM_HEADER_PREFIX)]
    if unknown:
        fail("filters", _("%(names)s: not a call filter (see the calls endpoint).") % {"names": ", ".join(unknown)})
    # The filters are checked by the one call search (its names and messages); the rule is evaluated
    # tenant-wide, so an editor without can_cdr may still name them.
    searcher = replace(actor, flags=actor.flags | {"can_cdr"})
    cdr_search(actor=searcher, filters={k: str(v) for k, v in filters.items()})
    params_validate(data["kind"], data.get("params", {}))
    sensors = data.get("sensors", [])
    if not isinstance(sensors, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in sensors):
        fail("sensors", _("a list of sensor numbers is required."))
    days = data.get("active_days", [])
    if not isinstance(days, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
        fail("active_days", _("a list of weekdays, 1 (Monday) to 7 (Sunday), is required."))
    hours = data.get("active_hours", [])
    if hours != [] and not (
        isinstance(hours, list)
        and len(hours) == 2
        and all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 24 for h in hours)
        and hours[0] != hours[1]
    ):
        fail("active_hours", _("[from, to) in whole hours 0-24 (to before from wraps past midnight), or empty."))
    actions_validate(data.get("actions", []))


def rule_unique_name(*, actor, name, instance=None):
    others = AlertRule.objects.visible_to(actor).filter(name=name)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        name_taken(name)


def name_taken(name):
    raise Conflict(_("An alert rule named %(name)s already exists.") % {"name": name})


@transaction.atomic
def alert_rule_create(*, actor, **data):
    actor.require("can_alerts_edit")
    if "actions" in data:
        data["actions"] = actions_with_secrets(data["actions"])
    rule_validate(actor=actor, data=data)
    rule_unique_name(actor=actor, name=data["name"])
    try:
        with transaction.atomic():
            return AlertRule.objects.create(
                tenant_id=actor.tenant_id, **{k: v for k, v in data.items() if k in EDITABLE}
            )
    except IntegrityError:  # the same name created at the same moment
        name_taken(data["name"])


@transaction.atomic
def alert_rule_update(*, actor, rule, **data):
    actor.require("can_alerts_edit")
    merged = {name: getattr(rule, name) for name in EDITABLE} | data
    merged["actions"] = actions_with_secrets(merged["actions"], rule.actions)
    rule_validate(actor=actor, data=merged)
    rule_unique_name(actor=actor, name=merged["name"], instance=rule)
    for name in EDITABLE:
        setattr(rule, name, merged[name])
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        name_taken(merged["name"])
    return rule


@transaction.atomic
def alert_rule_delete(*, actor, rule):
    actor.require("can_alerts_edit")
    rule.delete()
