"""The active-calls page (/active-calls/): the calls in progress on the user's sensors, refreshed every
2 s by htmx polling of the rows fragment, with pause / unpause of the recording.

The same reads and writes as REST (`active_call_list`, `active_call_command`), so the user's sensors and
number / domain / IP restrictions apply, and a call the user may not see is 404 as there. Without
JavaScript the buttons are plain forms that come back to the page.
"""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.core.exceptions import InvalidInput
from apps.core.pages import page_view

from .models import ActiveCallCommand
from .rows import listcalls_row
from .selectors import active_call_commands_waiting, active_call_get, active_call_list
from .services import active_call_command, external_active_calls_refresh

STATE_LABELS = {
    "trying": gettext_lazy("trying"),
    "ringing": gettext_lazy("ringing"),
    "connected": gettext_lazy("connected"),
    "terminating": gettext_lazy("terminating"),
}


def _sensor(request):
    value = request.GET.get("sensor") or ""
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(_("The sensor must be a number, not %(value)s.") % {"value": value[:20]})
    return int(value)


def active_call_rows(actor, id_sensor=None):
    external_active_calls_refresh(actor=actor, id_sensor=id_sensor)
    rows = [listcalls_row(row, actor.timezone) for row in active_call_list(actor=actor, id_sensor=id_sensor)]
    waiting = active_call_commands_waiting(actor=actor, callrefs=[row["callreference"] for row in rows])
    for row in rows:
        command = waiting.get(row["callreference"])
        row["pending"] = command
        for side, key in (("caller", "src_mosf1_avg"), ("callee", "dst_mosf1_avg")):  # listcalls keeps MOS x10
            row[f"mos_{side}"] = None if row.get(key) is None else f"{row[key] / 10:.1f}"
        row["state_label"] = STATE_LABELS.get(row["state"], row["state"] or "")
        # a requested command not applied yet is what the user sees next: pause asked -> offer nothing twice
        row["paused_next"] = row["recording_paused"] if command is None else command == ActiveCallCommand.PAUSE
    return rows


def _context(actor, id_sensor):
    return {"rows": active_call_rows(actor, id_sensor), "sensor": id_sensor, "can_command": True}


@require_GET
@page_view()
def active_calls_page(request, actor):
    actor.require("can_activecalls")
    id_sensor = _sensor(request)
    template = "web/live/_rows.html" if request.htmx else "web/live/active_calls.html"
    return render(request, template, _context(actor, id_sensor))


@require_POST
@page_view()
def active_call_command_view(request, actor, callref, command):
    actor.require("can_activecalls")
    call = active_call_get(actor=actor, callref=callref.lower())
    active_call_command(actor=actor, id_sensor=call["id_sensor"], callref=callref.lower(), command=command)
    if request.htmx:
        return render(request, "web/live/_rows.html", _context(actor, _sensor(request)))
    return redirect("live:active-calls")
