"""Every read of users, and the local-password check the legacy API uses."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.utils.translation import gettext as _

from apps.core.exceptions import NotAuthenticated, NotFound

from .models import User, UserGroup


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


def user_authenticate_local(*, username, password):
    """Check a local password (never LDAP or SSO: the legacy API's rule), refusing blocked users.

    Scripts send the password with every api.php request, and a password hash costs hundreds of
    milliseconds by design. A successful check is remembered for a few minutes under an HMAC of the
    credentials, bound to the stored hash, so a changed password invalidates it at once.
    """
    failure = NotAuthenticated(_("Wrong user name or password."))
    if not username or not password:
        raise failure
    user = User.objects.select_related("tenant", "group").filter(username=username).first()
    if user is None or not user.is_active:
        make_password(password)  # the same work for unknown users: no timing oracle
        raise failure
    key = credential_cache_key(username, password)
    fingerprint = hashlib.sha256(user.password.encode()).hexdigest()
    if cache.get(key) != fingerprint:
        if not user.check_password(password):
            raise failure
        cache.set(key, fingerprint, settings.VOIPMON_LEGACY_AUTH_CACHE_SECONDS)
    if user.blocked:
        raise NotAuthenticated(
            _("User is blocked: %(reason)s") % {"reason": user.blocked_reason or _("no reason given")}
        )
    if user.tenant_id is None:
        raise NotAuthenticated(_("This account belongs to no tenant and cannot use the API."))
    return user
