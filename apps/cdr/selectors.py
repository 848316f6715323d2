"""Every read of call records. Each starts from `Cdr.objects.visible_to(actor)`."""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput, NotFound

from .filtersets import CdrFilterSet, filter_errors_text
from .models import Cdr


def cdr_visible(*, actor):
    actor.require("can_cdr")
    return Cdr.objects.visible_to(actor)


def cdr_search(*, actor, filters):
    """Apply the one FilterSet to what the actor may see; naive dates are in the tenant's time zone."""
    with timezone.override(actor.timezone):
        filterset = CdrFilterSet(data=filters, queryset=cdr_visible(actor=actor))
        if not filterset.is_valid():
            raise InvalidInput(_("Invalid filter: %(errors)s") % {"errors": filter_errors_text(filterset.errors)})
        return filterset.qs


def cdr_get(*, actor, cdr_id):
    try:
        return cdr_visible(actor=actor).get(pk=int(cdr_id))
    except (Cdr.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Call %(id)s not found.") % {"id": cdr_id}) from None


def cdr_rows(*, queryset, columns, order_by=("calldate", "id"), offset=0, limit=None):
    """Plain dict rows of the named columns, for the legacy API's fast path (no model instances)."""
    queryset = queryset.order_by(*order_by).values(*columns)
    if limit is not None:
        return list(queryset[offset : offset + limit])
    return list(queryset[offset:]) if offset else list(queryset)
