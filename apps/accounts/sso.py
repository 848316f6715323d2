"""Google and Microsoft (Entra ID) sign-in through social-auth, with per-tenant rules.

The sign-in page of a tenant posts to `/accounts/sso/login/<backend>/` with `tenant=<slug>`; social-auth
keeps that in the session (SOCIAL_AUTH_FIELDS_STORED_IN_SESSION). On the way back the pipeline checks
that the tenant enabled the backend, that the Google domain is allowed or the Entra tenant id matches,
and finds or creates the user by the provider's stable id (`sub`) in that tenant. A refusal happens
before anything is written.
"""

import logging

from django.utils.translation import gettext as _
from social_core.backends.azuread_tenant import AzureADTenantOAuth2 as BaseAzureADTenantOAuth2
from social_core.backends.google import GoogleOAuth2 as BaseGoogleOAuth2
from social_core.exceptions import AuthPolicyError

from apps.core.exceptions import NotFound
from apps.tenants.models import Tenant
from apps.tenants.selectors import tenant_get_by_slug
from apps.users.services import user_external_upsert

from .selectors import authconfig_for_tenant

log = logging.getLogger("voipmon.auth")
GOOGLE_USERINFO_URL = "https://www.googleapis.com/oauth2/v3/userinfo"


class SsoRefused(AuthPolicyError):
    """A tenant rule refused the sign-in; `message` is for the person."""

    def __init__(self, backend, message):
        super().__init__(backend, message)
        self.message = message

    def __str__(self):
        return str(self.message)


def session_tenant(strategy):
    slug = strategy.session_get("tenant")
    if not slug:
        return None
    try:
        return tenant_get_by_slug(slug=str(slug))
    except NotFound:
        return None


class GoogleOAuth2(BaseGoogleOAuth2):
    """google-oauth2, with the userinfo URL a setting (the tests point it at a local provider)."""

    def user_data(self, access_token, *args, **kwargs):
        response = self.get_json(
            self.setting("USERINFO_URL", GOOGLE_USERINFO_URL), headers={"Authorization": f"Bearer {access_token}"}
        )
        self.validate_email_verified(response)
        return response


class AzureADTenantOAuth2(BaseAzureADTenantOAuth2):
    """azuread-tenant-oauth2 whose Entra tenant id is the voipmon tenant's, not one global setting."""

    @property
    def tenant_id(self):
        config = authconfig_for_tenant(tenant=session_tenant(self.strategy))
        if config and config.microsoft_tenant_id:
            return config.microsoft_tenant_id
        return self.setting("TENANT_ID", "common")


def tenant_allowed(strategy, backend, details, response, *args, **kwargs):
    """Pipeline step: the tenant must exist and enable this backend; domain / Entra tenant must match."""
    tenant = session_tenant(strategy)
    config = authconfig_for_tenant(tenant=tenant)
    email = (details.get("email") or "").strip().lower()
    if config is None:
        raise SsoRefused(backend, _("Choose your organisation's sign-in page first."))
    if backend.name == "google-oauth2":
        domain = email.rpartition("@")[2]
        hosted = str(response.get("hd") or domain).lower()
        if not config.google_enabled:
            raise SsoRefused(backend, _("Google sign-in is not enabled for this organisation."))
        if not domain or domain not in config.allowed_domains() or hosted not in config.allowed_domains():
            log.warning("Google sign-in refused for tenant %s: domain %r not allowed", tenant.slug, domain)
            raise SsoRefused(backend, _("Accounts of %(domain)s may not sign in here.") % {"domain": domain or "?"})
    elif backend.name == "azuread-tenant-oauth2":
        if not config.microsoft_enabled or not config.microsoft_tenant_id:
            raise SsoRefused(backend, _("Microsoft sign-in is not enabled for this organisation."))
        if str(response.get("tid", "")).lower() != config.microsoft_tenant_id.lower():
            log.warning("Microsoft sign-in refused for tenant %s: Entra tenant %r", tenant.slug, response.get("tid"))
            raise SsoRefused(backend, _("Accounts of this Microsoft organisation may not sign in here."))
    else:
        raise SsoRefused(backend, _("This sign-in method is not available."))
    return {"voipmon_tenant": tenant, "voipmon_config": config}


def user_for_tenant(strategy, backend, uid, details, voipmon_tenant: Tenant, voipmon_config, *args, **kwargs):
    """Pipeline step: the user with this provider id in the tenant, created on first sign-in."""
    email = (details.get("email") or "").strip()
    username = email or f"{backend.name}-{uid}"
    fields = {
        "email": email,
        "first_name": details.get("first_name") or "",
        "last_name": details.get("last_name") or "",
    }
    user = user_external_upsert(
        tenant=voipmon_tenant,
        external_id=f"{backend.name}:{uid}",
        username=username[:150],
        fields={k: v[:150] for k, v in fields.items()},
        group=voipmon_config.default_group,
        update_group=False,
    )
    if user.blocked:
        raise SsoRefused(backend, _("User is blocked: %(reason)s") % {"reason": user.blocked_reason or "-"})
    return {"user": user, "is_new": False}
