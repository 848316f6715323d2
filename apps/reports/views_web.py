"""The report pages (/reports/): definitions (list for can_cdr; create, edit, delete for can_reports_edit),
a report rendered for a period (figures, rows and the PNG charts of the render service), schedules
(can_reports_edit) and the sent history (can_reports_show_sent).

Every read and write is the one REST uses (report_list / report_get / report_document / report_render,
report_create / report_update / report_delete, schedule_*, run_list / run_file), so flags, the
user's restrictions and the tenant hold the same way; another tenant's report is 404.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.exceptions import Conflict, InvalidInput
from apps.core.pages import page_view
from apps.core.webforms import filters_parse, filters_text, words_parse

from .forms_web import PeriodForm, ReportForm, ScheduleForm
from .metrics import SCALAR_METRICS
from .selectors import (
    report_document,
    report_get,
    report_list,
    report_render,
    run_file,
    run_list,
    schedule_get,
    schedule_list,
)
from .services import report_create, report_delete, report_update, schedule_create, schedule_delete, schedule_update

PERIOD_DAYS = 7  # the period a report opens with: the last week, in the user's zone


def _require_any(actor, *flags):
    if not any(actor.can(flag) for flag in flags):
        actor.require(flags[0])


def _rights(actor):
    return {
        "read": actor.can("can_cdr"),
        "edit": actor.can("can_cdr") and actor.can("can_reports_edit"),
        "sent": actor.can("can_reports_show_sent"),
    }


@require_GET
@page_view()
def reports_page(request, actor):
    _require_any(actor, "can_cdr", "can_reports_show_sent")
    reports = list(report_list(actor=actor)) if actor.can("can_cdr") else []
    return render(request, "web/reports/index.html", {"reports": reports, "rights": _rights(actor)})


def _report_values(form):
    data = dict(form.cleaned_data)
    data["filters"] = filters_parse(data["filters"])
    return data


def _report_form_page(request, actor, report=None):
    actor.require("can_cdr")
    actor.require("can_reports_edit")
    status, error = 200, None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                values = _report_values(form)
                if report is None:
                    report = report_create(actor=actor, **values)
                    messages.success(request, _("Report %(name)s is saved.") % {"name": report.description})
                else:
                    report = report_update(actor=actor, report=report, **values)
                    messages.success(request, _("Report %(name)s is changed.") % {"name": report.description})
                return redirect("reports:report", pk=report.pk)
            except (InvalidInput, Conflict) as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    elif report is not None:
        initial = {name: getattr(report, name) for name in ReportForm.base_fields}
        initial["filters"] = filters_text(report.filters)
        form = ReportForm(initial=initial)
    else:
        form = ReportForm()
    context = {"form": form, "report": report, "error": error}
    return render(request, "web/reports/report_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page_view()
def report_new(request, actor):
    return _report_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view()
def report_edit(request, actor, pk):
    actor.require("can_reports_edit")
    return _report_form_page(request, actor, report_get(actor=actor, report_id=pk))


@require_POST
@page_view()
def report_delete_view(request, actor, pk):
    actor.require("can_reports_edit")
    report = report_get(actor=actor, report_id=pk)
    name = report.description
    report_delete(actor=actor, report=report)
    messages.success(request, _("Report %(name)s is deleted.") % {"name": name})
    return redirect("reports:index")


def _period(request, actor):
    today = timezone.localdate()  # page_view renders in the actor's zone
    form = PeriodForm(request.GET or {"date_from": today - dt.timedelta(days=PERIOD_DAYS - 1), "date_to": today})
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["date_from"].isoformat(), form.cleaned_data["date_to"].isoformat())


@require_GET
@page_view()
def report_page(request, actor, pk):
    report = report_get(actor=actor, report_id=pk)
    form, period = _period(request, actor)
    document, error, status = None, None, 200
    if period is not None:
        try:
            document = report_document(actor=actor, report=report, value_from=period[0], value_to=period[1])
        except InvalidInput as exc:
            error, status = exc.message, 400
    else:
        status = 400
    figures, columns, rows = [], [], []
    if document is not None:
        totals = document["totals"]
        columns = [name for name in SCALAR_METRICS if name in totals]
        figures = [(name, totals[name]) for name in columns]
        rows = [(row["group"], [row.get(name) for name in columns]) for row in document["rows"]]
    context = {
        "report": report,
        "form": form,
        "period": period,
        "document": document,
        "figures": figures,
        "columns": columns,
        "rows": rows,
        "error": error,
        "rights": _rights(actor),
    }
    return render(request, "web/reports/report.html", context, status=status)


@require_GET
@page_view(plain=True)
def report_chart(request, actor, pk):
    """The charts of a period: the PNG of the render service (REST /api/v1/reports/{id}/render/)."""
    report = report_get(actor=actor, report_id=pk)
    content, content_type, filename = report_render(
        actor=actor,
        report=report,
        value_from=request.GET.get("date_from"),
        value_to=request.GET.get("date_to"),
        fmt=request.GET.get("format") or "png",
    )
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == "image/png" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# schedules ------------------------------------------------------------------------------------------


def _schedule_values(form):
    data = dict(form.cleaned_data)
    data["recipients"] = words_parse(data["recipients"])
    return data


def _schedule_form_page(request, actor, schedule=None):
    reports = list(report_list(actor=actor))
    status, error = 200, None
    if request.method == "POST":
        form = ScheduleForm(request.POST, reports=reports)
        if form.is_valid():
            try:
                values = _schedule_values(form)
                if schedule is None:
                    schedule_create(actor=actor, **values)
                else:
                    schedule_update(actor=actor, schedule=schedule, **values)
                messages.success(request, _("The schedule is saved."))
                return redirect("reports:schedules")
            except (InvalidInput, Conflict) as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    elif schedule is not None:
        initial = {name: getattr(schedule, name) for name in ScheduleForm.base_fields}
        initial["report"] = schedule.report_id
        initial["recipients"] = ", ".join(schedule.recipients or [])
        form = ScheduleForm(initial=initial, reports=reports)
    else:
        form = ScheduleForm(reports=reports, initial={"report": request.GET.get("report")})
    context = {"form": form, "schedule": schedule, "error": error}
    return render(request, "web/reports/schedule_form.html", context, status=status)


@require_GET
@page_view()
def schedules_page(request, actor):
    actor.require("can_cdr")
    schedules = list(schedule_list(actor=actor))
    return render(request, "web/reports/schedules.html", {"schedules": schedules, "rights": _rights(actor)})


@require_http_methods(["GET", "POST"])
@page_view()
def schedule_new(request, actor):
    actor.require("can_cdr")
    actor.require("can_reports_edit")
    return _schedule_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view()
def schedule_edit(request, actor, pk):
    actor.require("can_cdr")
    return _schedule_form_page(request, actor, schedule_get(actor=actor, schedule_id=pk))


@require_POST
@page_view()
def schedule_delete_view(request, actor, pk):
    schedule_delete(actor=actor, schedule=schedule_get(actor=actor, schedule_id=pk))
    messages.success(request, _("The schedule is deleted."))
    return redirect("reports:schedules")


# sent history -----------------------------------------------------------------------------------------


@require_GET
@page_view()
def sent_page(request, actor):
    from django.core.paginator import Paginator

    page = Paginator(run_list(actor=actor), 50).get_page(request.GET.get("page"))
    context = {"page": page, "runs": page.object_list, "rights": _rights(actor)}
    return render(request, "web/reports/sent.html", context)


@require_GET
@page_view(plain=True)
def sent_file(request, actor, pk, fmt):
    content, content_type, filename = run_file(actor=actor, run_id=pk, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
