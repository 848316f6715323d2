"""`/php/model/utilities.php` (a `task` registry: checkSession here, shareCdr from the sharing work) and
`/admin.php?cdr_filter=...`, the GUI's link that opens the call browser with filters applied."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

from . import envelope
from .handlers.sharing import share_cdr
from .params import rest_filters
from .parsing import loose_field, request_fields
from .sessions import session_actor
from .views import legacy_safe

# task -> handler(request, actor, fields) returning a dict for the envelope or a response
UTILITY_TASKS = {}


def utility_task(name):
    def register(handler):
        UTILITY_TASKS[name] = handler
        return handler

    return register


@utility_task("checkSession")
def check_session(*, request, actor, fields):
    return {}


utility_task("shareCdr")(share_cdr)


@legacy_safe
def utilities_php(request):
    fields = request_fields(request)
    name = str(fields.get("task") or "")
    handler = UTILITY_TASKS.get(name)
    if handler is None:
        raise InvalidInput(_("Unknown task: %(task)s") % {"task": name or "-"})
    actor = session_actor(request, fields)
    result = handler(request=request, actor=actor, fields=fields)
    return result if hasattr(result, "status_code") else envelope.ok(result)


def cdr_filter_of(raw):
    raw = loose_field(raw, "cdr_filter")
    if not isinstance(raw, dict):
        raise InvalidInput(_('cdr_filter must be an object such as {fcallid: "abc"}.'))
    return raw


@legacy_safe
def admin_php(request):
    """Redirect to the call list (the REST list until the web UI exists) with the same filters."""
    filters, _labels = rest_filters(cdr_filter_of(request_fields(request).get("cdr_filter")))
    target = reverse("cdr-list")
    return HttpResponseRedirect(f"{target}?{urlencode(filters)}" if filters else target)
