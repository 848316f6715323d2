"""reportSummary: a saved report (its description is `report_name`) as a PNG, or as JSON with `json: true`."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput
from apps.core.values import truthy
from apps.reports.selectors import report_by_name, report_document, report_render

from ..registry import legacy_task

REPORT_KEYS = {"report_name", "datetime_from", "datetime_to", "json", "auditReason"}


@legacy_task("reportSummary", flag="can_cdr")
def report_summary(*, actor, params, fields):
    if isinstance(params, list):
        raise InvalidInput(_("This task takes one query, not a list."))
    unknown = sorted(set(params) - REPORT_KEYS)
    if unknown:
        raise InvalidInput(_("Unknown parameter: %(names)s") % {"names": ", ".join(unknown)})
    options = {key: fields[key] for key in REPORT_KEYS if key in fields and key != "auditReason"}
    options.update(params)
    name = options.get("report_name")
    if name in (None, ""):
        raise InvalidInput(_("report_name is required."))
    report = report_by_name(actor=actor, name=name)
    period = {"value_from": options.get("datetime_from"), "value_to": options.get("datetime_to")}
    if not truthy(options.get("json")):
        content, content_type, _name = report_render(actor=actor, report=report, fmt="png", **period)
        return HttpResponse(content, content_type=content_type)
    document = report_document(actor=actor, report=report, **period)
    return {"report": report.description, "rows": document["rows"], "totals": document["totals"]}
