"""Every read of the alerts app. Each starts from `Model.objects.visible_to(actor)`.

Rules are evaluated tenant-wide (the tenant's system actor): the calls of one window are those that
ended in it (`callend` in [start, end)), found through the tenant / call end index (`cdr_tenant_callend`),
so a round reads the few rows of its windows whatever the length of the calls or of the history.
"""

import datetime as dt
from contextvars import ContextVar

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _

from apps.cdr.models import Cdr
from apps.cdr.selectors import cdr_search
from apps.core.actor import Actor
from apps.core.exceptions import NotFound
from apps.sensors.selectors import sensor_list
from apps.tenants.selectors import tenant_get_by_slug, tenant_list

from .conditions import call_condition
from .models import AlertAttempt, AlertEvent, AlertEventCall, AlertRule

# Within a round, the ids of the tenant's calls that any of its rules can see (found once, by the tenant /
# call end index); each rule then reads only those rows by primary key.
round_candidates = ContextVar("round_candidates", default=None)
# Calls in progress during a window are looked up by their end: those that ended within LONGEST after the
# window's end (a two-sided range the planner reads off the call end index even without fresh statistics).
LONGEST = dt.timedelta(days=1)
CANDIDATES = 5000  # at most this many ids are handed to each rule (SQLite's bound parameters, PostgreSQL's plans)
# Within a round, the answers of the tenant's one query for its counted rules without call filters:
# rule id -> ([(id, called) of the matching calls in call order], calls in the rule's window and sensors).
round_flags = ContextVar("round_flags", default=None)
# Within a round, figures several rules share (all the tenant's calls of one window): key -> value.
round_memo = ContextVar("round_memo", default=None)


def round_candidate_ids(*, actor, end, span):
    """Calls in progress at some point of [end - span, end): a superset of every rule's window calls."""
    start = end - span
    ids = list(overlapping(Cdr.objects.visible_to(actor), start, end).values_list("pk", flat=True)[: CANDIDATES + 1])
    return ids if len(ids) <= CANDIDATES else None  # a busy span: each rule reads its window through the index


def alert_rule_list(*, actor):
    actor.require("can_alerts_edit")
    return AlertRule.objects.visible_to(actor)


def alert_rule_get(*, actor, rule_id):
    try:
        return alert_rule_list(actor=actor).get(pk=int(rule_id))
    except (AlertRule.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Alert rule %(id)s not found.") % {"id": rule_id}) from None


def alert_event_list(*, actor):
    """Events of the tenant; a sensor- or number-restricted user sees only events about calls they may see."""
    actor.require("can_alerts_show_sent")
    events = AlertEvent.objects.visible_to(actor).select_related("rule")
    if actor.sensor_ids is None and not actor.restrictions:
        return events
    seen = AlertEventCall.objects.visible_to(actor).filter(
        event=OuterRef("pk"), cdr__in=Cdr.objects.visible_to(actor).values("pk")
    )
    return events.filter(Exists(seen))


def alert_event_get(*, actor, event_id):
    try:
        return alert_event_list(actor=actor).get(pk=int(event_id))
    except (AlertEvent.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Alert event %(id)s not found.") % {"id": event_id}) from None


def alert_event_visible_calls(*, actor, event):
    """The event's call ids the actor may see (all of them for an unrestricted user)."""
    if actor.sensor_ids is None and not actor.restrictions:
        return list(event.call_ids)
    return sorted(Cdr.objects.visible_to(actor).filter(pk__in=event.call_ids).values_list("pk", flat=True))


def alert_event_attempts(*, actor, event):
    return list(AlertAttempt.objects.visible_to(actor).filter(event_id=event.pk))


def tenants_for_round(*, slug=None):
    if slug:
        return [tenant_get_by_slug(slug=slug)]
    return list(tenant_list(actor=Actor(tenant_id=None, is_superuser=True)).order_by("pk"))


def rules_enabled(*, actor):
    return list(AlertRule.objects.visible_to(actor).filter(enabled=True).order_by("pk"))


def rule_calls(*, actor, rule, with_filters=True, with_sensors=True):
    """The tenant's calls under the rule's filters and sensors (no window yet)."""
    calls = cdr_search(actor=actor, filters={k: str(v) for k, v in rule.filters.items()}) if with_filters else None
    if calls is None:
        calls = Cdr.objects.visible_to(actor)
    if with_sensors and rule.sensors:
        calls = calls.filter(id_sensor__in=rule.sensors)
    return scoped_to_round(calls)


def scoped_to_round(calls):
    candidates = round_candidates.get()
    return calls if candidates is None else calls.filter(pk__in=candidates)


def ended_in(calls, start, end):
    return calls.filter(callend__gte=start, callend__lt=end)


def overlapping(calls, start, end):
    return calls.filter(callend__gt=start, callend__lt=end + LONGEST, calldate__lt=end)


def window_count(queryset):
    return queryset.count()


def rules_window_matches(*, actor, rules, end):
    """One query for many counted rules: for each call of the round, whether it is in each rule's window
    and sensors, and whether it also meets the rule's condition (the same Q as a rule read alone)."""
    flags = {}
    earliest = end - max(dt.timedelta(minutes=rule.window_minutes) for rule in rules)
    for rule in rules:
        start = end - dt.timedelta(minutes=rule.window_minutes)
        scope = Q(callend__gte=start, callend__lt=end) & (Q(id_sensor__in=rule.sensors) if rule.sensors else Q())
        flags[f"in_{rule.pk}"] = ExpressionWrapper(scope, output_field=BooleanField())
        condition = scope & call_condition(rule.kind, rule.params)
        flags[f"hit_{rule.pk}"] = ExpressionWrapper(condition, output_field=BooleanField())
    calls = ended_in(scoped_to_round(Cdr.objects.visible_to(actor)), earliest, end)
    calls = calls.annotate(**flags).order_by("calldate", "id")
    rows = list(calls.values_list("pk", "called", *flags))
    answers = {}
    for index, rule in enumerate(rules):
        in_column, hit_column = 2 + 2 * index, 3 + 2 * index
        matched = [(row[0], row[1]) for row in rows if row[hit_column]]
        answers[rule.pk] = (matched, sum(1 for row in rows if row[in_column]))
    return answers


def tenant_window_count(*, actor, start, end):
    """All the tenant's calls that ended in the window (percent_all), once per window and round."""
    memo = round_memo.get()
    key = ("all", start, end)
    if memo is not None and key in memo:
        return memo[key]
    count = window_count(ended_in(scoped_to_round(Cdr.objects.visible_to(actor)), start, end))
    if memo is not None:
        memo[key] = count
    return count


def window_ids(queryset, *fields):
    """Every matching id (with `fields`, rows of id and them) in call order."""
    rows = queryset.order_by("calldate", "id")
    return list(rows.values_list("pk", *fields) if fields else rows.values_list("pk", flat=True))


def window_rows(queryset, *fields):
    return list(queryset.values_list(*fields))


def silence_sensors(*, actor, rule):
    """(number, live, last HEP packet) of each sensor the rule watches: its `sensors`, or every sensor of the
    tenant. A sensor is live when it has a HEP agent id; a number without a sensor record is not."""
    known = {
        number: (agent is not None, last)
        for number, agent, last in sensor_list(actor=actor).values_list(
            "id_sensor", "hep_agent_id", "hep_last_packet_at"
        )
    }
    numbers = rule.sensors or sorted(known)
    return [(number, *known.get(number, (False, None))) for number in numbers]


def sensor_active(*, actor, number, start, end):
    """Any call from the sensor that started or ended in [start, end)."""
    calls = scoped_to_round(Cdr.objects.visible_to(actor))
    calls = calls.filter(id_sensor=number, callend__gte=start, calldate__lt=end)
    return calls.filter(Q(calldate__gte=start) | Q(callend__lt=end)).exists()


def last_event(*, actor, rule, subject, states=None):
    events = AlertEvent.objects.visible_to(actor).filter(rule_id=rule.pk, subject=subject)
    if states:
        events = events.filter(state__in=states)
    return events.order_by("-window_end", "-id").first()


def alerted_since(*, actor, rule, subject, since):
    return (
        AlertEvent.objects.visible_to(actor)
        .filter(rule_id=rule.pk, subject=subject, state=AlertEvent.ALERT, window_end__gt=since)
        .exists()
    )


def event_for_delivery(*, actor, event_id):
    return AlertEvent.objects.visible_to(actor).select_related("rule").filter(pk=event_id).first()


def delivered_actions(*, actor, event):
    return set(
        AlertAttempt.objects.visible_to(actor).filter(event_id=event.pk, ok=True).values_list("action_index", flat=True)
    )


def tenant_by_id(*, tenant_id):
    return tenant_list(actor=Actor(tenant_id=None, is_superuser=True)).get(pk=tenant_id)
