"""Every write of the branding app: a tenant administrator edits the tenant's own brand."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput
from apps.tenants.models import TenantHost, normalise_host

from .images import ImageError, image_check
from .models import COLOUR, Branding
from .selectors import brand_forget

TEXT_FIELDS = ("product_name", "domain", "primary_colour", "mail_sender", "mail_footer", "support_contact")
IMAGE_MESSAGES = {
    "the file is empty": _("The %(what)s file is empty."),
    "the file is too large": _("The %(what)s is larger than %(limit)s bytes."),
    "the image is too large": _("The %(what)s is larger than 2048 x 2048 pixels."),
    "only PNG or SVG images are accepted": _("The %(what)s must be a PNG or SVG image."),
}


def _host_check(*, tenant_id, host, field):
    """A share host or domain no other tenant holds (as share host, domain or API host)."""
    if not host:
        return
    if "/" in host or " " in host or len(host) > 255:
        raise InvalidInput(_("%(field)s must be a host name such as share.example.com.") % {"field": field})
    taken = (
        Branding.objects.exclude(tenant_id=tenant_id).filter(share_host=host).exists()
        or Branding.objects.exclude(tenant_id=tenant_id).filter(domain=host).exists()
        or TenantHost.objects.exclude(tenant_id=tenant_id).filter(host=host).exists()
    )
    if taken:
        raise InvalidInput(_("The host %(host)s is already taken by another tenant.") % {"host": host})


def _image(data, what, *, allow_ico=False):
    limit = settings.VOIPMON_BRAND_IMAGE_MAX_BYTES
    try:
        return image_check(bytes(data), max_bytes=limit, allow_ico=allow_ico)
    except ImageError as exc:
        template = IMAGE_MESSAGES.get(str(exc))
        if template is None:
            return_message = _("The %(what)s is not a valid image: %(reason)s") % {"what": what, "reason": exc}
            raise InvalidInput(return_message) from None
        raise InvalidInput(template % {"what": what, "limit": limit}) from None


@transaction.atomic
def branding_update(*, actor, data: dict, logo=None, favicon=None, clear_logo=False, clear_favicon=False):
    """Update the actor's tenant's brand (tenant administrators). Everything is checked before anything
    is written: a bad logo or a taken host leaves the brand as it was."""
    actor.require_admin()
    tenant_id = actor.tenant_id
    changes = {}
    for field in TEXT_FIELDS:
        if field in data:
            changes[field] = str(data[field] or "").strip()
    if changes.get("primary_colour"):
        try:
            COLOUR(changes["primary_colour"])
        except Exception:
            raise InvalidInput(_("A colour is written #RRGGBB, for example #1f5fbf.")) from None
    if "share_host" in data:
        changes["share_host"] = normalise_host(data["share_host"]) or None
        _host_check(tenant_id=tenant_id, host=changes["share_host"], field="share_host")
    if changes.get("domain"):
        changes["domain"] = normalise_host(changes["domain"])
        _host_check(tenant_id=tenant_id, host=changes["domain"], field="domain")
    if logo is not None:
        changes["logo"], changes["logo_type"] = _image(logo, _("logo"))
    elif clear_logo:
        changes["logo"], changes["logo_type"] = b"", ""
    if favicon is not None:
        changes["favicon"], changes["favicon_type"] = _image(favicon, _("favicon"), allow_ico=True)
    elif clear_favicon:
        changes["favicon"], changes["favicon_type"] = b"", ""
    row = Branding.objects.visible_to(actor).select_for_update().first()
    if row is None:
        row = Branding.objects.create(tenant_id=tenant_id, **changes)
    else:
        for field, value in changes.items():
            setattr(row, field, value)
        row.save()
    transaction.on_commit(lambda: brand_forget(tenant_id=tenant_id))
    brand_forget(tenant_id=tenant_id)
    return row
