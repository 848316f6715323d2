"""Every write of the call browser: saved filters. (Zips of many calls are the media app's export jobs.)"""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import Forbidden, InvalidInput

from .models import SavedFilter
from .selectors import saved_filter_get

MAX_QUERY = 8000


@transaction.atomic
def saved_filter_save(*, actor, name, query, shared=False):
    """Save the search under `name` (saving again under one's own name replaces its search).

    Anyone who may search may share: a shared search runs with the restrictions of whoever opens it,
    so sharing shows nobody a call they could not find themselves."""
    actor.require("can_cdr")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the filter a name of 1 to 100 characters."))
    if len(query or "") > MAX_QUERY:
        raise InvalidInput(_("This search is too long to save."))
    saved, _created = SavedFilter.objects.visible_to(actor).update_or_create(
        owner_id=actor.user_id,
        name=name,
        defaults={"query": query or "", "shared": bool(shared), "tenant_id": actor.tenant_id},
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, actor, filter_id):
    """Its owner deletes a saved filter; a tenant administrator may also delete a shared one."""
    saved = saved_filter_get(actor=actor, filter_id=filter_id)
    if saved.owner_id != actor.user_id and not actor.is_admin:
        raise Forbidden(_("Only its owner or an administrator can delete this filter."))
    name = saved.name
    saved.delete()
    return name
