"""Every write of tenants."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

from .models import Tenant


@transaction.atomic
def tenant_create(*, slug, name, timezone="UTC", **extra):
    if Tenant.objects.filter(slug=slug).exists():
        raise InvalidInput(_("Tenant %(slug)s already exists.") % {"slug": slug})
    tenant = Tenant(slug=slug, name=name, timezone=timezone, **extra)
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def tenant_update(*, actor, tenant, **fields):
    actor.require_admin()
    for name, value in fields.items():
        setattr(tenant, name, value)
    tenant.full_clean()
    tenant.save()
    return tenant
