from django.utils.translation import gettext as _

from apps.core.exceptions import NotFound

from .models import Tenant


def tenant_list(*, actor):
    if actor.is_superuser and actor.tenant_id is None:
        return Tenant.objects.all()
    return Tenant.objects.visible_to(actor)


def tenant_get_by_slug(*, slug):
    try:
        return Tenant.objects.get(slug=slug)
    except Tenant.DoesNotExist:
        raise NotFound(_("Tenant %(slug)s not found.") % {"slug": slug}) from None
