"""LDAP sign-in through django-auth-ldap, configured per tenant from TenantAuthConfig.

One backend instance per attempt carries the tenant's settings (server, bind, user search, group
search). Users are found again by a stable id attribute (entryUUID by default), never by name alone,
and LDAP groups map to a voipmon group and to `is_admin`.
"""

import logging

import ldap
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from apps.users.services import user_external_upsert

from .selectors import ldap_mappings

log = logging.getLogger("voipmon.auth")
UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)


class LdapUnavailable(Exception):
    """The tenant's directory did not answer: the page says so, and local accounts still work."""


def ldap_settings(config):
    return {
        "SERVER_URI": config.ldap_server_uri,
        "START_TLS": config.ldap_start_tls,
        "BIND_DN": config.ldap_bind_dn,
        "BIND_PASSWORD": config.ldap_bind_password,
        "USER_SEARCH": LDAPSearch(
            config.ldap_user_search_base,
            ldap.SCOPE_SUBTREE,
            config.ldap_user_filter,
            attrlist=["*", config.ldap_id_attribute],  # the stable id is often operational (entryUUID)
        ),
        "USER_ATTRLIST": ["*", config.ldap_id_attribute],
        "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "GROUP_SEARCH": LDAPSearch(
            config.ldap_group_search_base or config.ldap_user_search_base, ldap.SCOPE_SUBTREE, config.ldap_group_filter
        ),
        "GROUP_TYPE": GroupOfNamesType(),
        "ALWAYS_UPDATE_USER": True,
        "CACHE_TIMEOUT": 0,
        "CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: 3, ldap.OPT_TIMEOUT: 5, ldap.OPT_REFERRALS: 0},
    }


def stable_id(config, ldap_user):
    values = (ldap_user.attrs or {}).get(config.ldap_id_attribute) or (ldap_user.attrs or {}).get(
        config.ldap_id_attribute.lower()
    )
    if not values:
        return None
    value = values[0]
    return "ldap:" + (value.hex() if isinstance(value, bytes) else str(value))


class TenantLDAPBackend(LDAPBackend):
    # No global AUTH_LDAP_* settings: everything comes from the tenant's configuration.
    settings_prefix = "VOIPMON_TENANT_LDAP_UNUSED_"

    def __init__(self, config):
        self.config = config
        self.default_settings = ldap_settings(config)
        self.unreachable = False

    def get_or_build_user(self, username, ldap_user):
        external_id = stable_id(self.config, ldap_user)
        if external_id is None:
            log.error(
                "LDAP entry %s has no %s attribute; refusing sign-in", ldap_user.dn, self.config.ldap_id_attribute
            )
            raise ldap_user.AuthenticationFailed("no stable id")
        # Created (or found) here, with the mapping applied; django-auth-ldap then copies name and e-mail.
        group, is_admin = self.mapped_group(ldap_user)
        fields = {"is_admin": is_admin}
        user = user_external_upsert(
            tenant=self.config.tenant, external_id=external_id, username=username, fields=fields, group=group
        )
        return user, False

    def mapped_group(self, ldap_user):
        member_of = {dn.lower() for dn in ldap_user.group_dns}
        group, is_admin = self.config.default_group, False
        matched = False
        for mapping in ldap_mappings(config=self.config):
            if mapping.ldap_group_dn.lower() in member_of:
                if mapping.group_id and not matched:
                    group, matched = mapping.group, True
                is_admin = is_admin or mapping.is_admin
        return group, is_admin


@receiver(ldap_error, sender=TenantLDAPBackend)
def ldap_error_seen(sender, context, user, request, exception, **kwargs):
    if isinstance(exception, UNREACHABLE) and request is not None:
        request.voipmon_ldap_unreachable = True


def ldap_authenticate(*, request, config, username, password):
    """The user, or None for wrong credentials; LdapUnavailable when the server cannot be reached."""
    if not (config and config.ldap_enabled and config.ldap_server_uri):
        return None
    backend = TenantLDAPBackend(config)
    user = backend.authenticate(request, username=username, password=password)
    if user is None and getattr(request, "voipmon_ldap_unreachable", False):
        log.error("LDAP server %s of tenant %s is unreachable", config.ldap_server_uri, config.tenant.slug)
        raise LdapUnavailable(config.ldap_server_uri)
    return user
