"""Window edges, active days / hours in the tenant's zone, once per N hours, and never twice per (rule, window)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from apps.alerts.models import AlertEvent

from . import oracle
from .oracle import at

pytestmark = pytest.mark.django_db
END = at("2024-03-05 10:05:00")  # Tuesday; 11:05 in Prague (tenant A's zone)


def lossy(make_call, tenant, calldate, duration=30):
    return make_call(tenant, calldate=calldate, duration=duration, packet_loss_perc_mult1000=9000)


def test_a_call_ending_in_the_last_second_counts_and_one_ending_at_the_end_does_not(
    tenant_a, make_call, rule_make, evaluate
):
    inside = lossy(make_call, tenant_a, "2024-03-05 10:04:29", duration=30.5)  # ends 10:04:59.5
    lossy(make_call, tenant_a, "2024-03-05 10:04:30", duration=30)  # ends 10:05:00: the next window's
    lossy(make_call, tenant_a, "2024-03-05 09:59:00", duration=59.9)  # ends 09:59:59.9: the previous window's
    rule_make(tenant_a, "loss", params={"value": 5}, threshold=1)
    start = END - dt.timedelta(minutes=5)
    in_window = [r["id"] for r in oracle.rows(tenant_a) if oracle.ended_in(r, start, END)]
    assert in_window == [inside.pk]
    (event,) = evaluate(tenant_a, END)
    assert event.call_ids == in_window
    (next_event,) = evaluate(tenant_a, END + dt.timedelta(minutes=1))
    assert inside.pk in next_event.call_ids and next_event.call_count == 2


@pytest.mark.parametrize(
    ("days", "hours", "fires"),
    [
        ([], [11, 12], True),  # 11:04 local is inside [11, 12)
        ([], [12, 18], False),  # outside
        ([], [10, 11], False),  # 11:04 is past the end hour
        ([], [22, 12], True),  # wraps past midnight
        ([2], [], True),  # Tuesday
        ([1, 3, 4, 5, 6, 7], [], False),
    ],
)
def test_active_days_and_hours_in_the_tenant_zone(tenant_a, make_call, rule_make, evaluate, days, hours, fires):
    lossy(make_call, tenant_a, "2024-03-05 10:01:00")
    rule_make(tenant_a, "loss", params={"value": 5}, active_days=days, active_hours=hours)
    local = (END - dt.timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=1)))  # CET in March
    in_hours = not hours or (
        hours[0] <= local.hour < hours[1] if hours[0] < hours[1] else local.hour >= hours[0] or local.hour < hours[1]
    )
    assert (in_hours and (not days or local.isoweekday() in days)) is fires
    assert len(evaluate(tenant_a, END)) == int(fires)


def test_once_per_n_hours_per_rule_and_subject(tenant_a, make_call, rule_make, evaluate):
    rule = rule_make(tenant_a, "sequential", threshold=2, window_minutes=60, once_per_hours=1)
    for minute in (1, 2):
        make_call(tenant_a, calldate=f"2024-03-05 10:0{minute}:00", duration=10, called="900")
        make_call(tenant_a, calldate=f"2024-03-05 10:0{minute}:30", duration=10, called="901")
    assert {e.subject for e in evaluate(tenant_a, END)} == {"900", "901"}
    assert evaluate(tenant_a, END + dt.timedelta(minutes=1)) == []  # inside the hour: held back
    make_call(tenant_a, calldate="2024-03-05 10:40:00", duration=10, called="902")
    make_call(tenant_a, calldate="2024-03-05 10:41:00", duration=10, called="902")
    assert [e.subject for e in evaluate(tenant_a, at("2024-03-05 11:04:00"))] == ["902"]  # another subject
    # [10:05, 11:05): only 902's calls ended there, and 902 fired at 11:04, inside its hour
    assert evaluate(tenant_a, END + dt.timedelta(hours=1)) == []
    assert AlertEvent.objects.filter(rule=rule).count() == 3


def test_exactly_n_hours_later_fires_again(tenant_a, make_call, rule_make, evaluate):
    rule_make(tenant_a, "loss", params={"value": 5}, once_per_hours=2, window_minutes=5)
    lossy(make_call, tenant_a, "2024-03-05 10:01:00")
    lossy(make_call, tenant_a, "2024-03-05 11:58:00")
    lossy(make_call, tenant_a, "2024-03-05 12:01:00")
    assert len(evaluate(tenant_a, END)) == 1
    assert evaluate(tenant_a, at("2024-03-05 12:00:00")) == []  # 1 h 55 min later: held back
    assert len(evaluate(tenant_a, at("2024-03-05 12:05:00"))) == 1  # 2 h later


def test_a_window_is_evaluated_once_whatever_the_number_of_rounds(tenant_a, tenant_b, make_call, rule_make, evaluate):
    lossy(make_call, tenant_a, "2024-03-05 10:01:00")
    lossy(make_call, tenant_b, "2024-03-05 10:01:00")
    rule_make(tenant_a, "loss", params={"value": 5})
    assert len(evaluate(tenant_a, END)) == 1
    assert evaluate(tenant_a, END) == []
    assert AlertEvent.objects.count() == 1


def test_the_command_evaluates_one_tenant_now(tenant_a, tenant_b, make_call, rule_make, settings):
    from django.utils import timezone

    now = timezone.now().replace(second=0, microsecond=0)
    lossy(make_call, tenant_a, (now - dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"))
    lossy(make_call, tenant_b, (now - dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"))
    rule_make(tenant_a, "loss", params={"value": 5})
    rule_make(tenant_b, "loss", params={"value": 5})
    out = io.StringIO()
    call_command("alerts_evaluate", "--tenant", "acme", stdout=out)
    assert list(AlertEvent.objects.values_list("tenant__slug", flat=True)) == ["acme"]
    assert "1 event(s)." in out.getvalue()
    call_command("alerts_evaluate", "--tenant", "acme", stdout=io.StringIO())
    assert AlertEvent.objects.count() == 1


def test_the_command_refuses_an_unknown_tenant(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("alerts_evaluate", "--tenant", "nope", stdout=io.StringIO())


def test_the_beat_task_runs_a_round_every_minute_for_every_tenant(tenant_a, tenant_b, make_call, rule_make, settings):
    from django.utils import timezone

    from apps.alerts.tasks import alerts_round_task

    assert settings.CELERY_BEAT_SCHEDULE["alerts-round"] == {"task": "alerts.round", "schedule": 60.0}
    when = (timezone.now() - dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    for tenant in (tenant_a, tenant_b):
        lossy(make_call, tenant, when)
        rule_make(tenant, "loss", params={"value": 5})
    alerts_round_task.delay()
    alerts_round_task.delay()  # a second tick (in the same minute, or the next one: a new window)
    assert set(AlertEvent.objects.values_list("tenant__slug", flat=True)) == {"acme", "globex"}
    windows = list(AlertEvent.objects.values_list("rule_id", "window_end"))
    assert len(windows) == len(set(windows))
