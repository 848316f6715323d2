"""The alert pages (/alerts/): rules (list, create, edit, delete: can_alerts_edit) and the events they
fired (can_alerts_show_sent). The same reads and writes as REST (alert_rule_list / alert_rule_get,
alert_rule_create / alert_rule_update / alert_rule_delete, alert_event_list), so a restricted user sees
only events about calls they may see, and another tenant's rule is 404."""

import json

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.exceptions import InvalidInput
from apps.core.pages import page_view
from apps.core.webforms import filters_parse, filters_text, numbers_parse, words_parse

from .models import COUNT_MODES, KINDS
from .selectors import alert_event_list, alert_rule_get, alert_rule_list
from .services import alert_rule_create, alert_rule_delete, alert_rule_update

WEEKDAYS = [
    (1, gettext_lazy("Monday")),
    (2, gettext_lazy("Tuesday")),
    (3, gettext_lazy("Wednesday")),
    (4, gettext_lazy("Thursday")),
    (5, gettext_lazy("Friday")),
    (6, gettext_lazy("Saturday")),
    (7, gettext_lazy("Sunday")),
]


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[(k, k) for k in KINDS])
    params = forms.CharField(
        label=gettext_lazy("Kind parameters (JSON)"),
        required=False,
        initial="{}",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            'For example {"value": 3.1} for mos, {"codes": ["5xx"]} for sip_response; see docs/alerts.md.'
        ),
    )
    threshold = forms.FloatField(label=gettext_lazy("Threshold"), initial=1)
    count_mode = forms.ChoiceField(label=gettext_lazy("Count"), choices=[(m, m) for m in COUNT_MODES])
    window_minutes = forms.IntegerField(label=gettext_lazy("Window (minutes)"), min_value=1, initial=5)
    filters = forms.CharField(
        label=gettext_lazy("Call filter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One call-search filter per line as name=value."),
    )
    sensors = forms.CharField(
        label=gettext_lazy("Sensor numbers"),
        required=False,
        help_text=gettext_lazy("Comma-separated; empty: every sensor."),
    )
    active_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Active weekdays (none: every day)"),
        required=False,
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    hour_from = forms.IntegerField(label=gettext_lazy("Active from hour"), required=False, min_value=0, max_value=24)
    hour_to = forms.IntegerField(label=gettext_lazy("Active until hour"), required=False, min_value=0, max_value=24)
    once_per_hours = forms.FloatField(
        label=gettext_lazy("At most once per N hours per subject (0: every window)"), min_value=0, initial=0
    )
    email_to = forms.CharField(
        label=gettext_lazy("E-mail to"), required=False, help_text=gettext_lazy("Comma-separated addresses.")
    )
    webhook_url = forms.URLField(label=gettext_lazy("Webhook URL"), required=False, assume_scheme="https")
    webhook_secret = forms.CharField(
        label=gettext_lazy("Webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Signs the webhook's body. Left empty when editing: the secret stays as it is."),
    )
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)


def rule_values(form, rule=None):
    """The form's values in the shape of the REST body (the services check them)."""
    data = form.cleaned_data
    try:
        params = json.loads(data["params"] or "{}")
    except ValueError:
        raise InvalidInput(_("params: not valid JSON.")) from None
    hours = [] if data["hour_from"] is None and data["hour_to"] is None else [data["hour_from"], data["hour_to"]]
    actions = []
    if data["email_to"]:
        actions.append({"type": "email", "to": words_parse(data["email_to"])})
    if data["webhook_url"]:
        secret = data["webhook_secret"]
        if not secret and rule is not None:
            secret = next((a.get("secret", "") for a in rule.actions if a.get("type") == "webhook"), "")
        actions.append({"type": "webhook", "url": data["webhook_url"], "secret": secret})
    threshold = data["threshold"]
    return {
        "name": data["name"].strip(),
        "kind": data["kind"],
        "params": params,
        "threshold": int(threshold) if float(threshold).is_integer() else threshold,
        "count_mode": data["count_mode"],
        "window_minutes": data["window_minutes"],
        "filters": filters_parse(data["filters"]),
        "sensors": numbers_parse(data["sensors"], name=_("Sensor numbers")),
        "active_days": list(data["active_days"]),
        "active_hours": hours,
        "once_per_hours": data["once_per_hours"],
        "actions": actions,
        "enabled": data["enabled"],
    }


def rule_initial(rule):
    email = next((a for a in rule.actions if a.get("type") == "email"), {})
    hook = next((a for a in rule.actions if a.get("type") == "webhook"), {})
    hours = rule.active_hours or [None, None]
    return {
        **{
            name: getattr(rule, name)
            for name in (
                "name",
                "kind",
                "threshold",
                "count_mode",
                "window_minutes",
                "once_per_hours",
                "enabled",
                "active_days",
            )
        },
        "params": json.dumps(rule.params),
        "filters": filters_text(rule.filters),
        "sensors": ", ".join(map(str, rule.sensors)),
        "hour_from": hours[0],
        "hour_to": hours[1],
        "email_to": ", ".join(email.get("to", [])),
        "webhook_url": hook.get("url", ""),
    }


def _rights(actor):
    return {"edit": actor.can("can_alerts_edit"), "events": actor.can("can_alerts_show_sent")}


@require_GET
@page_view()
def alerts_page(request, actor):
    """The rules for editors; people who may only read events go to them."""
    if not actor.can("can_alerts_edit"):
        actor.require("can_alerts_show_sent")
        return redirect("alerts:events")
    rules = list(alert_rule_list(actor=actor))
    return render(request, "web/alerts/rules.html", {"rules": rules, "rights": _rights(actor)})


def _rule_form_page(request, actor, rule=None):
    status, error = 200, None
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                values = rule_values(form, rule)
                if rule is None:
                    rule = alert_rule_create(actor=actor, **values)
                else:
                    rule = alert_rule_update(actor=actor, rule=rule, **values)
                messages.success(request, _("Alert rule %(name)s is saved.") % {"name": rule.name})
                return redirect("alerts:index")
            except InvalidInput as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    else:
        form = RuleForm(initial=rule_initial(rule)) if rule is not None else RuleForm()
    context = {"form": form, "rule": rule, "error": error, "rights": _rights(actor)}
    return render(request, "web/alerts/rule_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page_view()
def rule_new(request, actor):
    actor.require("can_alerts_edit")
    return _rule_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view()
def rule_edit(request, actor, pk):
    return _rule_form_page(request, actor, alert_rule_get(actor=actor, rule_id=pk))


@require_POST
@page_view()
def rule_delete_view(request, actor, pk):
    rule = alert_rule_get(actor=actor, rule_id=pk)
    name = rule.name
    alert_rule_delete(actor=actor, rule=rule)
    messages.success(request, _("Alert rule %(name)s is deleted.") % {"name": name})
    return redirect("alerts:index")


@require_GET
@page_view()
def events_page(request, actor):
    page = Paginator(alert_event_list(actor=actor), 50).get_page(request.GET.get("page"))
    context = {"page": page, "events": page.object_list, "rights": _rights(actor)}
    return render(request, "web/alerts/events.html", context)
