"""Who a legacy request is: a local user and password (api.php never uses LDAP or SSO, per the spec),
or the session that `sql.php?module=bypass_login` opened."""

from apps.core.actor import actor_for_user
from apps.users.selectors import user_authenticate_local

from .sessions import session_actor


def legacy_actor(request, fields, *, password_key="password"):
    if fields.get("user") not in (None, ""):
        user = user_authenticate_local(username=str(fields["user"]), password=str(fields.get(password_key) or ""))
        return actor_for_user(user)
    return session_actor(request, fields)
