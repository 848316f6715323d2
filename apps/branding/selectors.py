"""Every read of the branding app. A brand is looked up on every page and every mail: it is cached
(the cache key is dropped by `branding_update`)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from apps.core.actor import Actor
from apps.core.mail import MailBrand
from apps.tenants.models import normalise_host
from apps.tenants.selectors import tenant_hosts

from .models import Branding

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Brand:
    tenant_id: int | None
    name: str
    colour: str
    has_logo: bool
    logo_type: str
    has_favicon: bool
    support: str
    share_host: str
    version: int = 0


def platform_brand() -> Brand:
    return Brand(
        tenant_id=None,
        name=settings.VOIPMON_BRAND_NAME,
        colour=settings.VOIPMON_BRAND_COLOUR,
        has_logo=False,
        logo_type="",
        has_favicon=False,
        support=settings.VOIPMON_BRAND_SUPPORT,
        share_host="",
    )


def _key(tenant_id):
    return f"branding:tenant:{tenant_id}"


def branding_row(*, tenant_id):
    return Branding.objects.visible_to(Actor(tenant_id=tenant_id)).first()


def branding_get(*, actor):
    """The actor's tenant's branding row (None when the tenant has none yet)."""
    return Branding.objects.visible_to(actor).first()


def brand_for_tenant(*, tenant_id) -> Brand:
    """The brand of a tenant: its own fields where filled in, the platform's elsewhere."""
    if tenant_id is None:
        return platform_brand()
    cached = cache.get(_key(tenant_id))
    if cached is not None:
        return cached
    base = platform_brand()
    row = Branding.objects.visible_to(Actor(tenant_id=tenant_id)).first()
    if row is None:
        brand = Brand(**{**base.__dict__, "tenant_id": tenant_id})
    else:
        brand = Brand(
            tenant_id=tenant_id,
            name=row.product_name or base.name,
            colour=row.primary_colour or base.colour,
            has_logo=bool(row.logo),
            logo_type=row.logo_type,
            has_favicon=bool(row.favicon),
            support=row.support_contact or base.support,
            share_host=row.share_host or "",
            version=int(row.updated_at.timestamp()),
        )
    cache.set(_key(tenant_id), brand, CACHE_SECONDS)
    return brand


def brand_forget(*, tenant_id):
    cache.delete(_key(tenant_id))
    cache.delete("branding:hosts")


def host_tenants() -> dict:
    """{host: (tenant id, is a share host)} of every share host, brand domain and API host (cached)."""
    hosts = cache.get("branding:hosts")
    if hosts is None:
        hosts = {host: (tenant_id, False) for host, tenant_id in tenant_hosts()}
        for tenant_id, domain, share in Branding.objects.values_list("tenant_id", "domain", "share_host"):
            if domain:
                hosts[normalise_host(domain)] = (tenant_id, False)
            if share:
                hosts[normalise_host(share)] = (tenant_id, True)
        cache.set("branding:hosts", hosts, CACHE_SECONDS)
    return hosts


def brand_host_resolve(host) -> tuple[int | None, bool]:
    """(tenant id, is it that tenant's share host) of a request's host; (None, False) for the platform's.
    Answered from the cache: an unknown host (a scan of random names) costs no query."""
    return host_tenants().get(normalise_host(host), (None, False))


def branding_image(*, tenant_id, which) -> tuple[bytes, str] | None:
    row = Branding.objects.visible_to(Actor(tenant_id=tenant_id)).only(which, f"{which}_type").first()
    if row is None or not bytes(getattr(row, which)):
        return None
    return bytes(getattr(row, which)), getattr(row, f"{which}_type")


def mail_brand_for(tenant) -> MailBrand | None:
    """The resolver registered with apps.core.mail: the tenant's sender, product name and footer."""
    tenant_id = getattr(tenant, "pk", tenant)
    row = (
        Branding.objects.visible_to(Actor(tenant_id=tenant_id))
        .only("product_name", "mail_sender", "mail_footer")
        .first()
    )
    if row is None:
        return None
    return MailBrand(
        name=row.product_name or settings.VOIPMON_BRAND_NAME,
        sender=row.mail_sender or settings.DEFAULT_FROM_EMAIL,
        footer=row.mail_footer or settings.VOIPMON_BRAND_MAIL_FOOTER,
    )
