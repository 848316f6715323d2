"""Who a legacy request is: a local user and password (api.php never uses LDAP or SSO, per the spec),
or the session that `sql.php?module=bypass_login` opened."""

from apps.accounts.services import password_authenticate
from apps.tenants.concurrency import api_slot_acquire
from apps.users.actor import actor_for_user

from .hostauth import host_api_actor
from .sessions import session_actor, session_key_of


def legacy_actor(request, fields, *, password_key="password", host_auth=False):
    if fields.get("user") not in (None, ""):
        user = password_authenticate(
            username=str(fields["user"]),
            password=str(fields.get(password_key) or ""),
            address=request.META.get("REMOTE_ADDR"),  # failures count towards the sign-in lock
        )
        api_slot_acquire(request=request, user=user)
        return actor_for_user(user)
    if host_auth and not session_key_of(request, fields):
        actor = host_api_actor(request)  # None: unknown host or authorization not disabled -> no_session
        if actor is not None:
            return actor
    return session_actor(request, fields)
