import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantManager

ZONES = frozenset(zoneinfo.available_timezones())


def validate_timezone(value):
    if value not in ZONES:
        raise ValidationError(_("Unknown time zone %(tz)s."), params={"tz": value})


validate_timezone.openapi_schema = {"enum": sorted(ZONES)}  # the schema advertises what is accepted


class Tenant(models.Model):
    """A customer of the installation. Legacy datetimes are read and written in its time zone."""

    scope_tenant_field = "id"
    # A tenant's settings as the admin list and the REST API show them.
    SETTINGS_FIELDS = (
        "slug",
        "name",
        "timezone",
        "max_concurrent_calls",
        "api_max_concurrent_connections",
        "api_disable_authorization",
        "audit_reason_required",
    )

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    max_concurrent_calls = models.PositiveIntegerField(
        _("plan: max concurrent calls"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    api_max_concurrent_connections = models.PositiveIntegerField(
        _("API maximal concurrent connections"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    api_disable_authorization = models.BooleanField(_("disable authorization for API usage"), default=False)
    api_user = models.ForeignKey(
        "users.User",
        verbose_name=_("designated API user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Requests without credentials act as this user when authorization is disabled."),
    )
    audit_reason_required = models.BooleanField(
        _("require an audit reason to open a call"),
        default=False,
        help_text=_("People give a reason before the call page shows a call; it is kept in the audit log."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        constraints = [
            models.CheckConstraint(
                condition=Q(api_disable_authorization=False) | Q(api_user__isnull=False),
                name="tenant_api_noauth_needs_user",
                violation_error_message=_("Name the API user before disabling authorization for API usage."),
            )
        ]

    def __str__(self):
        return self.slug

    def clean(self):
        if self.api_disable_authorization and not self.api_user_id:
            raise ValidationError({"api_user": _("Name the API user before disabling authorization for API usage.")})
        if self.api_user_id and self.api_user.tenant_id != self.pk:
            raise ValidationError({"api_user": _("The API user must belong to this tenant.")})


def normalise_host(value):
    """`Demo.Example.com:8443` -> `demo.example.com`: hosts are compared without port and case."""
    host = str(value or "").strip().lower()
    if host.startswith("["):  # [IPv6]:port
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class TenantHost(models.Model):
    """A host name a tenant owns. api.php requests without credentials pick their tenant by it."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("tenant"))
    host = models.CharField(_("host name"), max_length=255, unique=True, help_text=_("Without port, lower case."))

    class Meta:
        ordering = ["host"]
        verbose_name = _("tenant host name")
        verbose_name_plural = _("tenant host names")

    def __str__(self):
        return self.host

    def save(self, *args, **kwargs):
        self.host = normalise_host(self.host)
        super().save(*args, **kwargs)
