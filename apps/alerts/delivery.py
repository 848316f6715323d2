"""Actions of an event: e-mail through the one mail helper, webhook POSTs signed with the rule's secret.

Each try of each action is one AlertAttempt row. A task delivers the actions not yet done and raises
DeliveryFailed when one failed; the task retries with backoff, so a webhook answering 500 twice then
200 gets three attempts and the event stays one event.
"""

import urllib.error
import urllib.request

import orjson
from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.actor import system_actor
from apps.core.mail import mail_send

from . import selectors as sel
from .models import AlertAttempt
from .signing import HEADER, signature


class DeliveryFailed(Exception):
    pass


def call_link(pk):
    return f"{settings.VOIPMON_ALERTS_LINK_BASE.rstrip('/')}/api/v1/calls/{pk}/"


def event_body(event, tenant):
    """The webhook's JSON body (docs/alerts.md): the same bytes on every attempt."""
    rule = event.rule
    return {
        "event": event.pk,
        "state": event.state,
        "tenant": tenant.slug,
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind, "count_mode": rule.count_mode},
        "subject": event.subject,
        "window": {"start": event.window_start.isoformat(), "end": event.window_end.isoformat()},
        "measured": event.measured,
        "threshold": event.threshold,
        "calls": {"count": event.call_count, "ids": event.call_ids, "links": [call_link(pk) for pk in event.call_ids]},
    }


def event_text(body):
    state = _("RECOVERED") if body["state"] == "recovery" else _("ALERT")
    subject = _("%(state)s %(rule)s%(subject)s: %(measured)s (threshold %(threshold)s)") % {
        "state": state,
        "rule": body["rule"]["name"],
        "subject": f" [{body['subject']}]" if body["subject"] else "",
        "measured": body["measured"],
        "threshold": body["threshold"],
    }
    lines = [
        subject,
        _("Rule: %(name)s (%(kind)s)") % body["rule"],
        _("Window: %(start)s - %(end)s") % body["window"],
        _("Matching calls: %(count)s") % {"count": body["calls"]["count"]},
        *body["calls"]["links"],
    ]
    return subject, "\n".join(lines)


def webhook_post(url, secret, payload):
    request = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json", HEADER: signature(secret, payload), "User-Agent": "voipmon"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.VOIPMON_ALERTS_WEBHOOK_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason)
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))


def action_run(*, tenant, event, index, action, body):
    if action["type"] == "email":
        subject, text = event_text(body)
        try:
            mail_send(tenant=tenant, to=action["to"], subject=subject, text=text)
            ok, code, error = True, None, ""
        except Exception as exc:  # the SMTP server's refusal or absence: recorded, retried
            ok, code, error = False, None, str(exc)[:500]
        target = ", ".join(action["to"])
    else:
        payload = orjson.dumps(body)
        code, error = webhook_post(action["url"], action["secret"], payload)
        ok = code is not None and 200 <= code < 300
        target = action["url"]
    AlertAttempt.objects.create(
        tenant_id=tenant.pk,
        event=event,
        action_index=index,
        action_type=action["type"],
        target=target[:500],
        ok=ok,
        status_code=code,
        error=error,
    )
    return ok


def alert_event_deliver(*, tenant_id, event_id):
    """Every action of the event not yet done; DeliveryFailed when one failed (the task retries)."""
    tenant = sel.tenant_by_id(tenant_id=tenant_id)
    actor = system_actor(tenant)
    event = sel.event_for_delivery(actor=actor, event_id=event_id)
    if event is None:
        return "gone"
    done = sel.delivered_actions(actor=actor, event=event)
    body = event_body(event, tenant)
    failed = [
        index
        for index, action in enumerate(event.rule.actions)
        if index not in done and not action_run(tenant=tenant, event=event, index=index, action=action, body=body)
    ]
    if failed:
        raise DeliveryFailed(f"actions {failed} of event {event_id} failed")
    return "sent"
