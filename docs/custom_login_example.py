"""An example custom login hook: the Python form of VoIPmonitor's scripts/ldap_custom_login_example.php.

Enable it with the setting (or environment variable)
    VOIPMON_CUSTOM_LOGIN = "custom_login_example.custom_login"
with this file's directory on PYTHONPATH (copy it next to your settings, or into a package of yours).
Check it from the command line before users try it:
    python manage.py custom_login_check jdoe

The hook runs for the sign-in *page* only (api.php authenticates local users only, as the spec says).
It receives what the person typed and returns None (unknown user or wrong password) or a dict with the
keys of the spec's "Return Array Parameters". `id` MUST be unique per person and stable: voipmon keeps
the person's settings under it, and refuses a second user name with the same id.

This example binds to an LDAP directory as the user (python-ldap, already a voipmon dependency) and
uses uidNumber as the id. Settings come from the environment so the file needs no edits to try it.
"""

import os

import ldap
from ldap.filter import escape_filter_chars

LDAP_URI = os.environ.get("CUSTOM_LOGIN_LDAP_URI", "ldap://127.0.0.1:389")
BASE_DN = os.environ.get("CUSTOM_LOGIN_BASE_DN", "ou=people,dc=example,dc=com")
ADMIN_GROUP_CN = os.environ.get("CUSTOM_LOGIN_ADMIN_GROUP", "voip-admins")


def custom_login(username, password):
    if not username or not password:
        return None  # an empty password would be an anonymous bind: never a sign-in
    conn = ldap.initialize(LDAP_URI)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 3)
    try:
        found = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")
        if len(found) != 1:
            return None
        dn, attrs = found[0]
        conn.simple_bind_s(dn, password)  # raises INVALID_CREDENTIALS for a wrong password
    except ldap.INVALID_CREDENTIALS:
        return None
    finally:
        conn.unbind_s()

    def first(name, default=""):
        return attrs.get(name, [default.encode()])[0].decode()

    groups = [value.decode() for value in attrs.get("memberOf", [])]
    return {
        "username": username,
        "id": int(first("uidNumber", "0")) or None,  # unique per person: uidNumber, or crc32 of the e-mail
        "name": first("cn", username),
        "email": first("mail"),
        "is_admin": any(g.lower().startswith(f"cn={ADMIN_GROUP_CN.lower()},") for g in groups),
        "group_name": "support",  # a voipmon group of the tenant; its flags apply unless overridden below
        "can_cdr": True,
        "can_play_audio": True,
        "enable_sensors": [],  # empty: every sensor
        "number": [],  # number restrictions, % wildcards
        "blocked": False,
        "req_2fa": False,
    }
