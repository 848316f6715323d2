"""The custom user model, its group, and the capability flags both carry.

Group flags are the defaults; a user's flag, when set, overrides its group's. `is_admin` holds every
granting flag within its tenant. Platform superusers belong to no tenant and manage tenants in the
admin.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.actor import Restrictions
from apps.core.capabilities import CAPABILITY_FLAGS, GRANTING_FLAGS
from apps.core.scoping import TenantOwned, TenantQuerySet

# Each language is named in itself, so a person who cannot read the current one still finds their own.
LANGUAGE_CHOICES = [("en", "English"), ("cs", "Čeština"), ("de", "Deutsch")]


def split_list(text):
    """Restriction lists are edited as text: one value per line or comma-separated."""
    return tuple(item.strip() for item in (text or "").replace("\n", ",").split(",") if item.strip())


class UserGroup(TenantOwned):
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["tenant_id", "name"]
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="usergroup_name_unique_in_tenant")]

    def __str__(self):
        return self.name


for _flag in CAPABILITY_FLAGS:
    UserGroup.add_to_class(_flag, models.BooleanField(_flag, default=False))


class UserQuerySet(TenantQuerySet):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    scope_tenant_field = "tenant_id"
    # Field groups as the admin's fieldsets and the services' editable list both name them.
    RESTRICTION_FIELDS = (
        "enable_sensors",
        "restrict_numbers",
        "restrict_domains",
        "restrict_ips",
        "restrict_vlans",
        "restrict_both_sides",
        "custom_headers_cdr",
        "custom_headers_message",
    )
    ACCESS_FIELDS = ("blocked", "blocked_reason", "req_2fa")

    tenant = models.ForeignKey(
        "tenants.Tenant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="users",
        verbose_name=_("tenant"),
    )
    is_admin = models.BooleanField(_("tenant administrator"), default=False)
    group = models.ForeignKey(
        UserGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="users", verbose_name=_("group")
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Empty: the browser's (Accept-Language); else one of settings.LANGUAGES, kept in the code's table.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=LANGUAGE_CHOICES)
    enable_sensors = models.JSONField(
        _("allowed sensors"), default=list, blank=True, help_text=_("Sensor numbers; empty means every sensor.")
    )
    restrict_numbers = models.TextField(_("number restriction"), blank=True, help_text=_("Numbers, % wildcards."))
    restrict_domains = models.TextField(_("domain restriction"), blank=True)
    restrict_ips = models.TextField(_("IP restriction"), blank=True, help_text=_("Addresses or CIDR networks."))
    restrict_vlans = models.TextField(_("VLAN restriction"), blank=True)
    restrict_both_sides = models.BooleanField(
        _("restriction on both sides"), default=False, help_text=_("Caller AND called must match, not either.")
    )
    custom_headers_cdr = models.TextField(
        _("visible custom headers"), blank=True, help_text=_("Empty means every custom header.")
    )
    custom_headers_message = models.TextField(_("visible custom message headers"), blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("blocked reason"), max_length=255, blank=True)
    req_2fa = models.BooleanField(_("requires two-factor authentication"), default=False)
    external_id = models.CharField(
        _("external id"), max_length=128, blank=True, help_text=_("Stable id from LDAP, SSO or the login hook.")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def flag_value(self, flag):
        own = getattr(self, flag)
        if own is not None:
            return own
        return bool(self.group_id and getattr(self.group, flag))

    def effective_flags(self):
        flags = {flag for flag in CAPABILITY_FLAGS if self.flag_value(flag)}
        if self.is_admin:
            flags |= set(GRANTING_FLAGS)
        return flags

    def allowed_sensor_ids(self):
        return tuple(int(s) for s in self.enable_sensors) if self.enable_sensors else None

    def restrictions(self):
        return Restrictions(
            numbers=split_list(self.restrict_numbers),
            domains=split_list(self.restrict_domains),
            ips=split_list(self.restrict_ips),
            vlans=tuple(int(v) for v in split_list(self.restrict_vlans) if v.isdigit()),
            both_sides=self.restrict_both_sides,
        )

    def custom_header_names(self):
        return split_list(self.custom_headers_cdr) or None


for _flag in CAPABILITY_FLAGS:
    User.add_to_class(_flag, models.BooleanField(_flag, null=True, blank=True, default=None))
