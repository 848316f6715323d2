"""One evaluation round: every enabled rule of a tenant over the window that ends at the current minute.

Never twice for one (rule, window): an event is created under a unique key
`<rule>:<window end>:<state>:<subject>`, so a second beat tick, a redelivered task (acks late) or the
command run by hand finds it and does nothing. Docs: docs/alerts.md.
"""

import datetime as dt
import hashlib
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.actor import system_actor

from . import selectors as sel
from .conditions import call_condition
from .destinations import outside
from .models import QUALITY_KINDS, AlertEvent, AlertEventCall
from .tasks import alert_event_deliver_task

log = logging.getLogger(__name__)
SUBJECT_FIELDS = {"caller_ip": "sipcallerip", "called_ip": "sipcalledip", "caller_number": "caller"}


@dataclass
class Finding:
    measured: float
    subject: str = ""
    call_ids: list = field(default_factory=list)
    call_count: int = 0
    state: str = AlertEvent.ALERT


def window_end(now=None):
    now = now or timezone.now()
    lag = dt.timedelta(seconds=settings.VOIPMON_ALERTS_LAG_SECONDS)
    return (now - lag).astimezone(dt.UTC).replace(second=0, microsecond=0)


def rule_active(rule, end, zone):
    """Active days / hours are read at the window's last minute, in the tenant's zone; [from, to) may wrap."""
    local = (end - dt.timedelta(minutes=1)).astimezone(zoneinfo.ZoneInfo(zone))
    if rule.active_days and local.isoweekday() not in rule.active_days:
        return False
    if rule.active_hours:
        begin, stop = rule.active_hours
        hour = local.hour
        return begin <= hour < stop if begin < stop else (hour >= begin or hour < stop)
    return True


def counted(rule, measured_calls, denominator, ids):
    """calls: the number of matching calls; percent_*: their share of all / the filtered calls."""
    if measured_calls == 0:
        return []
    if rule.count_mode == "calls":
        measured = float(measured_calls)
    else:
        if not denominator:
            return []
        measured = round(100.0 * measured_calls / denominator, 4)
    if measured < rule.threshold:
        return []
    return [Finding(measured=measured, call_ids=ids, call_count=measured_calls)]


def matching_ids(rule, calls):
    """The ids of the window's calls that meet the kind's condition, in call order (one narrow query)."""
    return countries_applied(rule, sel.window_ids(calls.filter(call_condition(rule.kind, rule.params)), "called"))


def countries_applied(rule, rows):
    """Rows of (id, called) -> the ids whose number dials none of the rule's countries (all without any)."""
    countries = set(rule.params.get("countries") or ()) if rule.kind == "destination" else set()
    return [pk for pk, called in rows if not countries or outside(called, (), countries)]


def measure_calls(actor, rule, start, end):
    """Quality, SIP response and destination kinds: matching calls that ended in the window."""
    batched = (sel.round_flags.get() or {}).get(rule.pk)
    if batched is not None:  # answered by the tenant's one query for the rules without call filters
        ids, in_scope = countries_applied(rule, batched[0]), batched[1]
    else:
        base = sel.ended_in(sel.rule_calls(actor=actor, rule=rule), start, end)
        ids, in_scope = matching_ids(rule, base), None
    denominator = None
    if ids and rule.count_mode == "percent_filtered":
        denominator = in_scope if in_scope is not None else sel.window_count(base)
    elif ids and rule.count_mode == "percent_all":
        denominator = sel.tenant_window_count(actor=actor, start=start, end=end)
    return counted(rule, len(ids), denominator, ids[: settings.VOIPMON_ALERTS_MAX_CALL_IDS])


def measure_sequential(actor, rule, start, end):
    """More than N calls to one destination (called number) that ended within the window."""
    rows = sel.window_rows(sel.ended_in(sel.rule_calls(actor=actor, rule=rule), start, end), "called", "pk")
    by_called = defaultdict(list)
    for called, pk in rows:
        by_called[called].append(pk)
    cap = settings.VOIPMON_ALERTS_MAX_CALL_IDS
    return [
        Finding(measured=float(len(ids)), subject=called, call_ids=sorted(ids)[:cap], call_count=len(ids))
        for called, ids in sorted(by_called.items())
        if len(ids) >= rule.threshold
    ]


def peak(intervals, start, end):
    """Most intervals open at one instant in [start, end); at an equal instant ends count before starts."""
    points = []
    for begin, stop in intervals:
        points.append((max(begin, start), 1))
        points.append((min(stop, end), -1))
    running = best = 0
    for _at, delta in sorted(points, key=lambda p: (p[0], p[1])):
        running += delta
        best = max(best, running)
    return best


def measure_concurrent(actor, rule, start, end):
    """Peak concurrent calls in the window per caller IP, called IP or caller number."""
    column = SUBJECT_FIELDS[rule.params["by"]]
    calls = sel.overlapping(sel.rule_calls(actor=actor, rule=rule), start, end)
    groups = defaultdict(list)
    for subject, begin, stop, pk in sel.window_rows(calls, column, "calldate", "callend", "pk"):
        if subject:
            groups[str(subject)].append((begin, stop, pk))
    findings = []
    cap = settings.VOIPMON_ALERTS_MAX_CALL_IDS
    for subject, rows in sorted(groups.items()):
        top = peak([(b, s) for b, s, _pk in rows], start, end)
        if top >= rule.threshold:
            ids = sorted(pk for _b, _s, pk in rows)
            findings.append(Finding(measured=float(top), subject=subject, call_ids=ids[:cap], call_count=len(ids)))
    return findings


def average_concurrency(rows, start, end):
    """Mean number of calls in progress over [start, end): overlapping call-seconds / window seconds."""
    seconds = (end - start).total_seconds()
    busy = sum(max(0.0, (min(stop, end) - max(begin, start)).total_seconds()) for begin, stop in rows)
    return busy / seconds


def measure_traffic_drop(actor, rule, start, end):
    """Concurrent calls (window mean) fell against the previous window's mean, by P % or N calls."""
    before = start - (end - start)
    rows = sel.window_rows(sel.overlapping(sel.rule_calls(actor=actor, rule=rule), before, end), "calldate", "callend")
    previous = average_concurrency(rows, before, start)
    current = average_concurrency(rows, start, end)
    if previous <= 0 or previous < rule.params.get("minimum", 0):
        return []
    drop = previous - current
    measured = round(100.0 * drop / previous, 4) if rule.params.get("by", "percent") == "percent" else round(drop, 4)
    return [Finding(measured=measured)] if drop > 0 and measured >= rule.threshold else []


def measure_silence(actor, rule, start, end):
    """Sensors silent in the window: for a live (HEP) sensor no packet, for the others no call. One alert
    when silence begins; a sensor in silence that has traffic again recovers."""
    findings = []
    for number, live, last_packet in sel.silence_sensors(actor=actor, rule=rule):
        subject = str(number)
        if live:
            active = last_packet is not None and last_packet >= start
        else:
            active = sel.sensor_active(actor=actor, number=number, start=start, end=end)
        last = sel.last_event(actor=actor, rule=rule, subject=subject)
        silent_now = last is not None and last.state == AlertEvent.ALERT
        if not active and not silent_now:
            findings.append(Finding(measured=0.0, subject=subject))
        elif active and silent_now:
            findings.append(Finding(measured=1.0, subject=subject, state=AlertEvent.RECOVERY))
    return findings


CALL_KINDS = (*QUALITY_KINDS, "sip_response", "destination")
MEASURES = {
    **dict.fromkeys(CALL_KINDS, measure_calls),
    "sequential": measure_sequential,
    "concurrent_calls": measure_concurrent,
    "traffic_drop": measure_traffic_drop,
    "sensor_silence": measure_silence,
}


def event_key(rule, end, state, subject):
    digest = hashlib.sha256(subject.encode()).hexdigest()[:16] if len(subject) > 40 else subject
    return f"{rule.pk}:{end:%Y-%m-%dT%H:%M}:{state}:{digest}"


def event_record(*, actor, rule, start, end, finding):
    """The event, once per key; None when it exists already or once-per-N-hours holds it back."""
    if finding.state == AlertEvent.ALERT and rule.once_per_hours:
        since = end - dt.timedelta(hours=rule.once_per_hours)
        if sel.alerted_since(actor=actor, rule=rule, subject=finding.subject, since=since):
            return None
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(
                tenant_id=actor.tenant_id,
                rule=rule,
                key=event_key(rule, end, finding.state, finding.subject),
                state=finding.state,
                subject=finding.subject,
                window_start=start,
                window_end=end,
                measured=finding.measured,
                threshold=rule.threshold,
                call_ids=finding.call_ids,
                call_count=finding.call_count,
            )
            AlertEventCall.objects.bulk_create(
                AlertEventCall(tenant_id=actor.tenant_id, event=event, cdr_id=pk) for pk in finding.call_ids
            )
    except IntegrityError:  # this (rule, window, subject) fired already: another tick or a redelivery
        return None
    if rule.actions:
        transaction.on_commit(lambda: alert_event_deliver_task.delay(actor.tenant_id, event.pk))
    return event


def rule_evaluate(*, actor, rule, end, zone):
    if not rule_active(rule, end, zone):
        return []
    start = end - dt.timedelta(minutes=rule.window_minutes)
    events = []
    for finding in MEASURES[rule.kind](actor, rule, start, end):
        event = event_record(actor=actor, rule=rule, start=start, end=end, finding=finding)
        if event is not None:
            events.append(event)
    return events


def rule_span(rule):
    """How far back the rule looks: its window, and the window before it for a traffic drop."""
    return dt.timedelta(minutes=rule.window_minutes * (2 if rule.kind == "traffic_drop" else 1))


def tenant_evaluate(*, tenant, end):
    actor = system_actor(tenant)
    rules = sel.rules_enabled(actor=actor)
    if not rules:
        return []
    span = max(rule_span(rule) for rule in rules)
    active = [rule for rule in rules if rule_active(rule, end, tenant.timezone)]
    batch = [rule for rule in active if rule.kind in CALL_KINDS and not rule.filters]
    token = sel.round_candidates.set(sel.round_candidate_ids(actor=actor, end=end, span=span))
    memo = sel.round_memo.set({})
    flags = sel.round_flags.set({})
    events = []
    try:  # one transaction per tenant and round (one commit); a savepoint per rule that reads on its own
        if batch:
            sel.round_flags.set(sel.rules_window_matches(actor=actor, rules=batch, end=end))
        with transaction.atomic():
            for rule in active:
                try:
                    with transaction.atomic(savepoint=rule not in batch):
                        events += rule_evaluate(actor=actor, rule=rule, end=end, zone=tenant.timezone)
                except Exception:  # one broken rule must not silence the others
                    log.exception("alert rule %s of tenant %s failed", rule.pk, tenant.pk)
    finally:
        sel.round_candidates.reset(token)
        sel.round_memo.reset(memo)
        sel.round_flags.reset(flags)
    return events


def alerts_evaluate(*, slug=None, now=None, progress=None):
    """One round for every tenant (or one): the events it created."""
    end = window_end(now)
    events = []
    for tenant in sel.tenants_for_round(slug=slug):
        events += tenant_evaluate(tenant=tenant, end=end)
        if progress:
            progress(tenant, end)
    return events
