"""Every read of users and groups. Proving who someone is (passwords, tokens, 2FA) is apps.accounts'."""

from django.utils.translation import gettext as _

from apps.core.actor import Actor
from apps.core.bounds import id_or_none
from apps.core.exceptions import NotAuthenticated, NotFound

from .models import User, UserGroup


def blocked_message(user):
    return _("User is blocked: %(reason)s") % {"reason": user.blocked_reason or _("no reason given")}


def user_refuse_if_blocked(user):
    if user.blocked:
        raise NotAuthenticated(blocked_message(user))


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
        return user_list(actor=actor).get(pk=id_or_none(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("User %(id)s not found.") % {"id": user_id}) from None


def usergroup_get(*, actor, group_id):
    actor.require_admin()
    try:
        return usergroup_list(actor=actor).get(pk=id_or_none(group_id))
    except (UserGroup.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Group %(id)s not found.") % {"id": group_id}) from None
