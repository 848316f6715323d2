"""The custom login hook: the Python form of VoIPmonitor's scripts/custom_login.php.

`VOIPMON_CUSTOM_LOGIN = "package.module.custom_login"` names a callable `custom_login(username, password)`
returning None (not this hook's user, or a wrong password) or a dict with the keys of the spec's
"Return Array Parameters". Used by the sign-in page only; api.php authenticates local users only.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from apps.core.capabilities import CAPABILITY_FLAGS
from apps.core.values import truthy
from apps.users.selectors import usergroup_get_in_tenant
from apps.users.services import user_external_upsert

log = logging.getLogger("voipmon.auth")

RESTRICTION_KEYS = {
    "ip": "restrict_ips",
    "number": "restrict_numbers",
    "domain": "restrict_domains",
    "vlan": "restrict_vlans",
}
TEXT_KEYS = {"email": "email", "blocked_reason": "blocked_reason"}
LIST_KEYS = {"custom_headers_cdr": "custom_headers_cdr", "custom_headers_message": "custom_headers_message"}
BOOL_KEYS = {"is_admin", "blocked", "req_2fa"}
KNOWN_KEYS = {
    "username", "name", "id", "id_group", "group_name", "enable_sensors", "tenant",
    *RESTRICTION_KEYS, *TEXT_KEYS, *LIST_KEYS, *BOOL_KEYS, *CAPABILITY_FLAGS,
}  # fmt: skip


class HookRefused(Exception):
    pass


def custom_login_hook():
    path = getattr(settings, "VOIPMON_CUSTOM_LOGIN", "") or ""
    return import_string(path) if path else None


def custom_login_call(username, password):
    """Run the hook; an exception in it is logged (never the password) and counts as a refusal."""
    hook = custom_login_hook()
    if hook is None:
        return None
    try:
        result = hook(username, password)
    except Exception:
        log.exception("custom_login hook failed for user %r", username)
        return None
    if result in (None, False):
        return None
    if not isinstance(result, dict):
        log.error("custom_login hook returned %s for user %r, not a dict or None", type(result).__name__, username)
        return None
    return result


def as_lines(value):
    if isinstance(value, list | tuple | set):
        return "\n".join(str(item).strip() for item in value if str(item).strip())
    return str(value or "")


def result_problems(result):
    """What is wrong with a hook result; also used by `manage.py custom_login_check`."""
    problems = []
    if result.get("id") in (None, ""):
        problems.append("'id' is missing: it must be unique per user (uidNumber, crc32 of the e-mail...)")
    unknown = sorted(set(result) - KNOWN_KEYS)
    if unknown:
        problems.append("unknown keys, ignored: " + ", ".join(unknown))
    return problems


def user_fields(result):
    fields = {}
    name = str(result.get("name") or "").strip()
    if name:
        first, _sep, last = name.partition(" ")
        fields.update(first_name=first[:150], last_name=last[:150])
    for key, field in TEXT_KEYS.items():
        if key in result:
            fields[field] = str(result[key] or "")
    for key, field in {**RESTRICTION_KEYS, **LIST_KEYS}.items():
        if key in result:
            fields[field] = as_lines(result[key])
    for key in BOOL_KEYS:
        if key in result:
            fields[key] = truthy(result[key])
    if "enable_sensors" in result:
        sensors = result["enable_sensors"] or []
        sensors = sensors if isinstance(sensors, list | tuple) else str(sensors).split(",")
        fields["enable_sensors"] = [int(s) for s in sensors if str(s).strip().isdigit()]
    for flag in CAPABILITY_FLAGS:
        # absent: the group decides; present: the hook decides, as the GUI does
        fields[flag] = truthy(result[flag]) if flag in result else None
    return fields


def custom_login_user(*, tenant, username, result):
    """Create or update the hook's user in `tenant`. A duplicate id for another user name is refused."""
    problems = result_problems(result)
    if result.get("id") in (None, ""):
        log.error("custom_login refused for user %r: %s", username, "; ".join(problems))
        raise HookRefused(username)
    for problem in problems:
        log.warning("custom_login result for user %r: %s", username, problem)
    name = str(result.get("username") or username).strip()
    group = usergroup_get_in_tenant(tenant_id=tenant.pk, group_id=result.get("id_group"), name=result.get("group_name"))
    if group is None and (result.get("id_group") or result.get("group_name")):
        log.warning(
            "custom_login: group %r / %r not found in tenant %s",
            result.get("id_group"),
            result.get("group_name"),
            tenant,
        )
    return user_external_upsert(
        tenant=tenant, external_id=f"custom:{result['id']}", username=name, fields=user_fields(result), group=group
    )
