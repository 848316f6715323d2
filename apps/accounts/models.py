"""Per-tenant sign-in settings (LDAP, Google, Microsoft), per-user API tokens, 2FA enrollment codes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantManager

from .secrets_field import EncryptedTextField


class TenantAuthConfig(models.Model):
    scope_tenant_field = "tenant_id"

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="auth_config", verbose_name=_("tenant")
    )
    default_group = models.ForeignKey(
        "users.UserGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("group of new external users"),
        help_text=_("Users created by LDAP, Google or Microsoft sign-in land here unless a mapping says otherwise."),
    )

    ldap_enabled = models.BooleanField(_("LDAP enabled"), default=False)
    ldap_server_uri = models.CharField(_("LDAP server URI"), max_length=255, blank=True, help_text="ldap://host:389")
    ldap_start_tls = models.BooleanField(_("use StartTLS"), default=False)
    ldap_bind_dn = models.CharField(_("bind DN"), max_length=255, blank=True)
    ldap_bind_password = EncryptedTextField(
        _("bind password"), blank=True, help_text=_("Stored encrypted with a key derived from SECRET_KEY.")
    )
    ldap_user_search_base = models.CharField(_("user search base"), max_length=255, blank=True)
    ldap_user_filter = models.CharField(_("user search filter"), max_length=255, default="(uid=%(user)s)")
    ldap_group_search_base = models.CharField(_("group search base"), max_length=255, blank=True)
    ldap_group_filter = models.CharField(_("group search filter"), max_length=255, default="(objectClass=groupOfNames)")
    ldap_id_attribute = models.CharField(
        _("stable id attribute"),
        max_length=64,
        default="entryUUID",
        help_text=_("entryUUID (OpenLDAP), objectGUID (Active Directory) or uidNumber."),
    )

    google_enabled = models.BooleanField(_("Google sign-in enabled"), default=False)
    google_allowed_domains = models.TextField(
        _("allowed Google domains"), blank=True, help_text=_("One per line or comma-separated, e.g. example.com.")
    )
    microsoft_enabled = models.BooleanField(_("Microsoft sign-in enabled"), default=False)
    microsoft_tenant_id = models.CharField(_("Entra ID tenant id"), max_length=64, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("tenant sign-in settings")
        verbose_name_plural = _("tenant sign-in settings")

    def __str__(self):
        return str(self.tenant)

    def allowed_domains(self):
        text = (self.google_allowed_domains or "").replace("\n", ",")
        return {part.strip().lower().lstrip("@") for part in text.split(",") if part.strip()}


class LdapGroupMapping(models.Model):
    """An LDAP group's members get this voipmon group and/or become tenant administrators."""

    config = models.ForeignKey(TenantAuthConfig, on_delete=models.CASCADE, related_name="ldap_mappings")
    ldap_group_dn = models.CharField(_("LDAP group DN"), max_length=255)
    group = models.ForeignKey(
        "users.UserGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    is_admin = models.BooleanField(_("tenant administrator"), default=False)
    position = models.PositiveIntegerField(_("order"), default=0, help_text=_("The first matching group wins."))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("LDAP group mapping")
        verbose_name_plural = _("LDAP group mappings")

    def __str__(self):
        return self.ldap_group_dn


class ApiToken(models.Model):
    """A per-user token for programs. Only a SHA-256 of the key is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired


class TwoFactorEnrollmentCode(models.Model):
    """A one-time code an administrator hands a `req_2fa` user out of band for their first 2FA enrollment.

    Without it a password stolen before enrollment would let the thief enroll their own phone. Only a
    SHA-256 of the code is stored; issuing a new code replaces the old one; enrolling uses it up.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="twofactor_enrollment_code"
    )
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("2FA enrollment code")
        verbose_name_plural = _("2FA enrollment codes")

    def __str__(self):
        return str(self.user)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()


class SignInCounter(models.Model):
    """Failed sign-ins of one (name, address) pair, one name or one address (throttle.py, docs/auth.md).

    In the database, not the cache: no eviction, restart or flood of other keys can reset a count. The
    key is a SHA-256 of the lower-cased value, so guessed names are not kept in clear. A pair's row also
    remembers its last success: a known address is not slowed down by failures elsewhere.
    """

    KINDS = (("pair", "name and address"), ("user", "name"), ("addr", "address"))

    kind = models.CharField(max_length=4, choices=KINDS)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("sign-in counter")
        verbose_name_plural = _("sign-in counters")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="signincounter_kind_key_unique")]

    def __str__(self):
        return f"{self.kind} {self.key[:8]}: {self.failures}"
