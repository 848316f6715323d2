"""Every write of the sharing app: create and revoke links, count and record opens, check passwords.

Rules (docs/sharing.md): the creator must see the call (`cdr_get` with the creator's actor) and hold
the flag of the kind of link; RTP is shared only by a user who sees RTP; the pcap only by one who may
download pcaps; audio only when the tenant allows it. What a link shares is fixed when it is made.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_get
from apps.core.exceptions import AppError, Forbidden, InvalidInput, TooManyRequests
from apps.media.selectors import media_cdr_legs, media_cdrs_get

from .anon import rules_parse
from .models import ShareLink, ShareOpen, SharePolicy
from .selectors import share_policy
from .tokens import token_hash, token_new

ACCESS_FLAGS = {
    ShareLink.PUBLIC: "can_cdr_share_voipmonitor_org",
    ShareLink.PROTECTED: "can_cdr_share_local_public",
    ShareLink.LOGIN: "can_cdr_share_local_private",
}
DEFAULT_DAYS = 7


class ShareGone(AppError):
    """The link existed but no longer opens: `code` says why (expired, revoked, exhausted)."""

    status = 410


def int_parse(value, *, name, minimum=1, maximum=None):
    """A whole number from JSON or a form; a clear error for text, fractions, booleans and bounds."""
    if isinstance(value, bool) or value in (None, ""):
        raise InvalidInput(_("%(name)s must be a whole number.") % {"name": name})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(
            _("%(name)s must be a whole number, not %(value)s.") % {"name": name, "value": str(value)[:20]}
        ) from None
    if number < minimum:
        raise InvalidInput(_("%(name)s must be at least %(min)s.") % {"name": name, "min": minimum})
    if maximum is not None and number > maximum:
        raise InvalidInput(_("%(name)s may be at most %(max)s here.") % {"name": name, "max": maximum})
    return number


def share_link_create(
    *,
    actor,
    cdr_id,
    content=ShareLink.SIP,
    access=ShareLink.PUBLIC,
    anonymise=False,
    valid_days=None,
    password="",
    max_opens=None,
    interval=None,
    leg_ids=(),
    mask_digits=None,
):
    """Check everything, then store the link. Returns (link, token, password): the token and a generated
    password exist only in this answer."""
    if access not in ACCESS_FLAGS:
        raise InvalidInput(_("Unknown kind of link: %(value)s") % {"value": str(access)[:30]})
    if content not in dict(ShareLink.CONTENT_CHOICES):
        raise InvalidInput(_("Unknown content to share: %(value)s") % {"value": str(content)[:30]})
    actor.require(ACCESS_FLAGS[access])
    cdr = cdr_get(actor=actor, cdr_id=cdr_id)
    if content == ShareLink.SIP_RTP and actor.can("no_rtp"):
        raise Forbidden(_("Permission denied: your account sees SIP only (no_rtp), so it cannot share RTP."))
    policy = share_policy(tenant_id=actor.tenant_id)
    if valid_days in (None, ""):
        days = min(DEFAULT_DAYS, policy.max_valid_days)
    else:
        days = int_parse(valid_days, name="validDays", maximum=policy.max_valid_days)
    opens = None if max_opens in (None, "", 0, "0") else int_parse(max_opens, name="maxOpens", maximum=10**6)
    digits = None if mask_digits in (None, "") else int_parse(mask_digits, name="maskDigits", minimum=0, maximum=20)
    if policy.mask_digits is not None:  # the tenant masks numbers on every link: a link may keep fewer digits
        digits = policy.mask_digits if digits is None else min(digits, policy.mask_digits)
    password = given_password = str(password or "")
    if access == ShareLink.LOGIN:
        password = ""  # a login link is opened by signing in
    if access == ShareLink.PROTECTED and not password:
        password = secrets.token_urlsafe(9)
    if password and len(password) > 128:
        raise InvalidInput(_("The password is longer than 128 characters."))
    legs = media_cdr_legs(actor=actor, cdr=cdr, interval=interval) if interval else [cdr]
    if leg_ids:  # calls merged by the caller (shareCdr `merge`): each one must be visible too
        legs += [leg for leg in media_cdrs_get(actor=actor, cdr_ids=list(leg_ids)) if leg.pk != cdr.pk]
    token = token_new()  # 256 random bits and their tag
    link = ShareLink.objects.create(
        tenant_id=actor.tenant_id,
        cdr=cdr,
        cdr_ids=[leg.pk for leg in legs],
        token_hash=token_hash(token),
        content=content,
        access=access,
        anonymise=bool(anonymise),
        mask_digits=digits,
        allow_pcap=actor.can("can_pcap") and content != ShareLink.SIP_HISTORY,
        allow_audio=(
            content == ShareLink.SIP_RTP
            and policy.allow_audio
            and not actor.can("no_rtp")
            and (actor.can("can_play_audio") or actor.can("can_download_audio"))
        ),
        salt=secrets.token_hex(16),
        password_hash=make_password(password) if password else "",
        valid_until=timezone.now() + dt.timedelta(days=days),
        max_opens=opens,
        created_by_id=actor.user_id,
    )
    generated = access == ShareLink.PROTECTED and not given_password
    return link, token, (password if generated else "")


def share_link_revoke(*, link):
    """Stops the link at once (every later request checks `revoked_at`)."""
    if link.revoked_at is None:
        ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        link.refresh_from_db(fields=["revoked_at"])
    return link


def share_link_state(link, *, now=None):
    """None when the link may open; otherwise ShareGone saying why."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return ShareGone(_("This share link has been revoked by its owner."), code="revoked")
    if now >= link.valid_until:
        return ShareGone(_("This share link expired on %(when)s.") % {"when": link.valid_until}, code="expired")
    if link.max_opens is not None and link.opens >= link.max_opens:
        return ShareGone(
            _("This share link has been opened the %(count)s times it allowed.") % {"count": link.max_opens},
            code="exhausted",
        )
    return None


def share_link_check(link):
    gone = share_link_state(link)
    if gone is not None:
        raise gone


@transaction.atomic
def share_link_open(*, link, address=None, user_agent="", user_id=None):
    """Count one open and record it, or ShareGone when the link may no longer open. The count is taken
    in the database (`opens < max_opens` in the UPDATE), so two visitors cannot both take the last one."""
    share_link_check(link)
    now = timezone.now()
    counted = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True, valid_until__gt=now).filter(
        Q(max_opens__isnull=True) | Q(opens__lt=F("max_opens"))
    )
    if counted.update(opens=F("opens") + 1) != 1:
        link.refresh_from_db()
        share_link_check(link)
        raise ShareGone(_("This share link can no longer be opened."), code="exhausted")
    ShareOpen.objects.create(
        tenant_id=link.tenant_id, link=link, address=address or None, user_agent=str(user_agent)[:300], user_id=user_id
    )
    link.refresh_from_db(fields=["opens"])
    return link


def _throttle_key(link, address):
    return f"share:pw:{link.pk}:{address or '-'}"


def share_password_check(*, link, password, address=None):
    """True when right. Wrong answers are counted per link and address; past the limit every answer,
    right or wrong, is refused until the window has passed."""
    key = _throttle_key(link, address)
    limit = settings.VOIPMON_SHARE_PASSWORD_ATTEMPTS
    window = settings.VOIPMON_SHARE_PASSWORD_WINDOW_SECONDS
    failures = cache.get(key, 0)
    if failures >= limit:
        raise TooManyRequests(
            _("Too many wrong passwords for this link; try again in %(minutes)s minutes.")
            % {"minutes": max(1, window // 60)},
            code="throttled",
        )
    if link.password_hash and check_password(str(password or ""), link.password_hash):
        return True
    cache.set(key, failures + 1, window)
    return False


POLICY_LIMITS = {"max_valid_days": (1, 3650), "mask_digits": (0, 20)}


@transaction.atomic
def share_policy_update(*, actor, data: dict):
    """Change the actor's tenant's share policy (tenant administrators). `anon_rules` is a list of
    (source network, target network) pairs. Everything is checked before anything is written."""
    actor.require_admin()
    changes = {}
    for field, (low, high) in POLICY_LIMITS.items():
        if field in data:
            value = data[field]
            if field == "mask_digits" and value in (None, ""):
                changes[field] = None
                continue
            changes[field] = int_parse(value, name=field, minimum=low, maximum=high)
    if "allow_audio" in data:
        if not isinstance(data["allow_audio"], bool):
            raise InvalidInput(_("allow_audio must be true or false."))
        changes["allow_audio"] = data["allow_audio"]
    if "anon_rules" in data:
        lines = [f"{source} -> {target}" for source, target in data["anon_rules"]]
        try:
            rules_parse("\n".join(lines))
        except ValueError as exc:
            raise InvalidInput(_("Anonymisation rules: %(error)s") % {"error": exc}) from None
        changes["anon_rules"] = "\n".join(lines)
    policy = SharePolicy.objects.visible_to(actor).select_for_update().first()
    if policy is None:
        policy = SharePolicy(tenant_id=actor.tenant_id)
    for field, value in changes.items():
        setattr(policy, field, value)
    policy.save()
    return policy
