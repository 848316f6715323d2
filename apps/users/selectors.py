"""Every read of users, and the local-password check the legacy API uses."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.utils.translation import gettext as _

from apps.core.actor import Actor
from apps.core.exceptions import NotAuthenticated, NotFound

from .models import User, UserGroup
from .throttle import login_failure_record, login_lock_check, login_success_record


def blocked_message(user):
    return _("User is blocked: %(reason)s") % {"reason": user.blocked_reason or _("no reason given")}


def user_refuse_if_blocked(user):
    if user.blocked:
        raise NotAuthenticated(blocked_message(user))


def user_has_second_factor(user):
    """True when the user must pass a second factor: required by the admin, or enrolled by choice."""
    from django_otp import devices_for_user

    return bool(user.req_2fa) or any(True for _device in devices_for_user(user, confirmed=True))


def user_get_by_username(*, username):
    return User.objects.select_related("tenant", "group").filter(username=username).first()


def user_username_taken(*, username):
    return User.objects.filter(username__iexact=username).exists()


def user_get_by_external_id(*, tenant_id, external_id):
    """Users created by LDAP, SSO or the login hook are found again by their stable id, per tenant."""
    if not external_id:
        return None
    scope = Actor(tenant_id=tenant_id)  # sign-in happens before the user's own actor exists
    return User.objects.visible_to(scope).select_related("tenant", "group").filter(external_id=external_id).first()


def usergroup_get_in_tenant(*, tenant_id, group_id=None, name=None):
    """A group of the tenant by id or by name (the login hook's id_group / group_name), or None."""
    groups = UserGroup.objects.visible_to(Actor(tenant_id=tenant_id))
    if group_id not in (None, ""):
        try:
            return groups.filter(pk=int(group_id)).first()
        except (TypeError, ValueError):
            return None
    return groups.filter(name=name).first() if name else None


def user_get_for_actor_build(*, user_id):
    return User.objects.select_related("tenant", "group").get(pk=user_id)


def usergroup_list(*, actor):
    return UserGroup.objects.visible_to(actor)


def user_get_active(*, user_id):
    """An active user by id, or None: sessions and tasks find their user again this way."""
    return User.objects.select_related("tenant", "group").filter(pk=user_id, is_active=True).first()


def user_list(*, actor):
    actor.require_admin()
    return User.objects.visible_to(actor).select_related("group").order_by("username")


def user_get(*, actor, user_id):
    try:
        return user_list(actor=actor).get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("User %(id)s not found.") % {"id": user_id}) from None


def credential_cache_key(username, password):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{username}\0{password}".encode(), hashlib.sha256)
    return "voipmon:cred:" + digest.hexdigest()


def user_authenticate_local(*, username, password, address=None, interface="api"):
    """Check a local password (never LDAP or SSO: the legacy API's rule), refusing blocked users.

    Scripts send the password with every api.php request, and a password hash costs hundreds of
    milliseconds by design. A successful check is remembered for a few minutes under an HMAC of the
    credentials, bound to the stored hash, so a changed password invalidates it at once. Failures
    count towards the sign-in lock (throttle.py). Users with two-factor authentication cannot use a
    password alone here: their programs use API tokens.
    """
    failure = NotAuthenticated(_("Wrong user name or password."))
    if not username or not password:
        raise failure
    login_lock_check(username=username, address=address)
    user = User.objects.select_related("tenant", "group").filter(username=username).first()
    if user is None or not user.is_active:
        make_password(password)  # the same work for unknown users: no timing oracle
        login_failure_record(username=username, address=address, interface=interface)
        raise failure
    key = credential_cache_key(username, password)
    fingerprint = hashlib.sha256(user.password.encode()).hexdigest()
    if cache.get(key) != fingerprint:
        if not user.check_password(password):
            login_failure_record(username=username, address=address, interface=interface)
            raise failure
        cache.set(key, fingerprint, settings.VOIPMON_LEGACY_AUTH_CACHE_SECONDS)
    user_refuse_if_blocked(user)
    if user_has_second_factor(user):
        raise NotAuthenticated(
            _("This user signs in with two-factor authentication; programs use an API token from the profile page.")
        )
    if user.tenant_id is None:
        raise NotAuthenticated(_("This account belongs to no tenant and cannot use the API."))
    login_success_record(username=username)
    return user
