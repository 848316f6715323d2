"""Who a legacy request is: local user and password (api.php never uses LDAP or SSO, per the spec)."""

from apps.core.actor import actor_for_user
from apps.users.selectors import user_authenticate_local


def legacy_actor(fields, *, password_key="password"):
    user = user_authenticate_local(username=str(fields.get("user") or ""), password=str(fields.get(password_key) or ""))
    return actor_for_user(user)
