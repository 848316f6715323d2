from django.utils.translation import gettext as _

from apps.core.exceptions import NotFound

from .models import Tenant, TenantHost, normalise_host


def tenant_list(*, actor):
    if actor.is_superuser and actor.tenant_id is None:
        return Tenant.objects.all()
    return Tenant.objects.visible_to(actor)


def tenant_get_by_slug(*, slug):
    try:
        return Tenant.objects.get(slug=slug)
    except Tenant.DoesNotExist:
        raise NotFound(_("Tenant %(slug)s not found.") % {"slug": slug}) from None


def tenant_for_host(*, host):
    """The tenant that owns `host` (TenantHost, compared without port and case), or None."""
    entry = TenantHost.objects.select_related("tenant").filter(host=normalise_host(host)).first()
    return entry.tenant if entry else None


def tenant_hosts():
    """(host, tenant id) of every host a tenant owns (the branding app caches them for page branding)."""
    return TenantHost.objects.values_list("host", "tenant_id")


def tenant_api_user_for_host(*, host):
    """The API user that requests without credentials act as on `host`, or None.

    Only when the tenant owning the host has "Disable authorization for API usage" on, and only a
    user of that same tenant (never a platform superuser or another tenant's user), active and not
    blocked. Unknown hosts give None: the request is refused.
    """
    entry = (
        TenantHost.objects.select_related("tenant__api_user__tenant", "tenant__api_user__group")
        .filter(host=normalise_host(host))
        .first()
    )
    if entry is None or not entry.tenant.api_disable_authorization:
        return None
    user = entry.tenant.api_user
    if user is None or user.tenant_id != entry.tenant_id or user.is_superuser or not user.is_active or user.blocked:
        return None
    return user


def tenant_of_actor(*, actor):
    tenant = Tenant.objects.visible_to(actor).first()
    if tenant is None:
        raise NotFound(_("Tenant not found."))
    return tenant


def tenant_get_by_id(*, tenant_id):
    """A tenant by primary key, for processes that act for many tenants (the HEP listener)."""
    return Tenant.objects.get(pk=tenant_id)


def tenant_audit_reason_required(*, actor) -> bool:
    """Whether the actor's tenant wants a reason before a person opens a call (the call page's prompt)."""
    if actor.tenant_id is None:
        return False
    return bool(Tenant.objects.visible_to(actor).values_list("audit_reason_required", flat=True).first())
