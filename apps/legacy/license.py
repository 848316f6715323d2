"""`/php/apilicensecheck.php`: the tenant's plan (concurrent calls) against its peak today.

`licenseCheck` and `licenseCallsLimitCheck` both answer `{"status": 0|1, "message": ..}` (no
`success` key, as the GUI does): 0 within the plan, 1 over it. The peak is computed from today's
call records in the tenant's time zone. licenseCallsLimitCheck also counts the tenant's calls in
progress now (live HEP capture): the figure checked is the larger of the two.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_peak_concurrency
from apps.core.exceptions import Forbidden, InvalidInput
from apps.live.selectors import live_concurrency
from apps.tenants.selectors import tenant_of_actor

from . import envelope
from .auth import legacy_actor
from .parsing import request_fields
from .views import legacy_safe

TASKS = ("licenseCheck", "licenseCallsLimitCheck")


def today_bounds(tz_name, now=None):
    now = now or timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(tz_name))
    midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=local.tzinfo)
    return midnight, now


def plan_status(*, task, allowed, peak):
    prefix = _("The license is valid.") if task == "licenseCheck" else _("Concurrent calls limit check.")
    if allowed is None:
        return 0, _("%(prefix)s The plan allows unlimited concurrent calls; peak today: %(peak)s.") % {
            "prefix": prefix,
            "peak": peak,
        }
    if peak <= allowed:
        return 0, _("%(prefix)s Peak concurrent calls today: %(peak)s of %(allowed)s allowed by the plan.") % {
            "prefix": prefix,
            "peak": peak,
            "allowed": allowed,
        }
    return 1, _("%(prefix)s Peak concurrent calls today: %(peak)s, %(over)s over the %(allowed)s the plan allows.") % {
        "prefix": prefix,
        "peak": peak,
        "over": peak - allowed,
        "allowed": allowed,
    }


@legacy_safe
def apilicensecheck_php(request):
    fields = request_fields(request)
    task = str(fields.get("task") or "")
    if task not in TASKS:
        raise InvalidInput(_("Unknown task: %(task)s") % {"task": task or "-"})
    actor = legacy_actor(request, fields)
    if actor.can("hide_license_information"):
        raise Forbidden(_("Permission denied: license information is hidden for this account."))
    tenant = tenant_of_actor(actor=actor)
    start, end = today_bounds(tenant.timezone)
    peak = cdr_peak_concurrency(actor=actor, start=start, end=end)
    if task == "licenseCallsLimitCheck":
        live = live_concurrency(actor=actor)
        status, message = plan_status(task=task, allowed=tenant.max_concurrent_calls, peak=max(peak, live))
        message += " " + _("Calls in progress now: %(live)s.") % {"live": live}
    else:
        status, message = plan_status(task=task, allowed=tenant.max_concurrent_calls, peak=peak)
    return envelope.json_response(
        {"status": status, "message": message, "_vm_version": envelope.settings.VOIPMON_VERSION}
    )
