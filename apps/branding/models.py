"""A tenant's brand: what its pages, share links and e-mails show instead of the platform's."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned

COLOUR = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("A colour is written #RRGGBB, for example #1f5fbf."))


class Branding(TenantOwned):
    """One per tenant. Empty fields fall back to the platform defaults (settings.VOIPMON_BRAND_*)."""

    product_name = models.CharField(_("product name"), max_length=100, blank=True)
    share_host = models.CharField(
        _("share host"),
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Host name of this tenant's share links, without port (share.example.com)."),
    )
    domain = models.CharField(_("domain"), max_length=255, blank=True, help_text=_("The tenant's own web host."))
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=40, blank=True, editable=False)
    favicon = models.BinaryField(_("favicon"), blank=True, default=b"", editable=False)
    favicon_type = models.CharField(max_length=40, blank=True, editable=False)
    primary_colour = models.CharField(_("primary colour"), max_length=7, blank=True, validators=[COLOUR])
    mail_sender = models.CharField(_("e-mail sender"), max_length=200, blank=True, help_text=_('"Name <a@b.c>"'))
    mail_footer = models.TextField(_("e-mail footer"), blank=True)
    support_contact = models.CharField(_("support contact"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="branding_one_per_tenant")]

    def __str__(self):
        return self.product_name or str(self.tenant_id)
