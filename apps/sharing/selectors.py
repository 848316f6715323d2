"""Every read of the sharing app. Links an actor manages start from `visible_to`; a link opened by
its token is found by the token's hash alone (the visitor has no actor), and the caller then checks
that the host it was opened on belongs to the link's tenant."""

from django.utils.translation import gettext as _

from apps.core.actor import Actor
from apps.core.exceptions import NotFound

from .anon import rules_parse
from .models import ShareLink, ShareOpen, SharePolicy
from .tokens import token_hash, token_tag_valid


def share_link_by_token(*, token):
    """The link of a token, or NotFound (unknown, malformed, too long or with a wrong tag: all the same
    answer; only a token whose tag is right costs a query)."""
    token = str(token or "")
    if not 20 <= len(token) <= 100 or not token_tag_valid(token):
        raise NotFound(_("This share link does not exist."))
    # a narrow probe first: guesses (nearly every miss) never pay for joining the call's hundred columns
    pk = ShareLink.objects.filter(token_hash=token_hash(token)).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(_("This share link does not exist."))
    return ShareLink.objects.select_related("tenant", "cdr").get(pk=pk)


def share_link_list(*, actor):
    """A user's own links; a tenant administrator sees every link of the tenant."""
    links = ShareLink.objects.visible_to(actor).select_related("cdr", "created_by")
    if actor.is_admin or actor.is_superuser:
        return links
    return links.filter(created_by_id=actor.user_id)


def share_link_get(*, actor, link_id):
    try:
        return share_link_list(actor=actor).get(pk=int(link_id))
    except (ShareLink.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Share link %(id)s not found.") % {"id": link_id}) from None


def share_open_list(*, actor, link):
    return ShareOpen.objects.visible_to(actor).filter(link_id=link.pk).select_related("user")


def share_policy(*, tenant_id):
    """The tenant's share policy (defaults when it has none)."""
    found = SharePolicy.objects.visible_to(Actor(tenant_id=tenant_id)).first()
    return found or SharePolicy(tenant_id=tenant_id)


def share_policy_rules(policy) -> list:
    """The policy's anonymisation rules as (source network, target network) pairs, in order."""
    return rules_parse(policy.anon_rules)
