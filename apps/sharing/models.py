"""Share links: a call (and its legs) shown to someone without an account, safely.

The token is 256 random bits given to the creator once; only its SHA-256 is stored, so a database
dump reveals no working link. Every open is recorded.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned

from .anon import rules_parse


def validate_rules(value):
    try:
        rules_parse(value)
    except ValueError as exc:
        raise ValidationError(_("Anonymisation rules: %(error)s"), params={"error": str(exc)}) from None


class ShareLink(TenantOwned):
    SIP, SIP_RTP, SIP_HISTORY = "sip", "sip_rtp", "sip_history"
    CONTENT_CHOICES = (
        (SIP, _("SIP only")),
        (SIP_RTP, _("SIP and RTP")),
        (SIP_HISTORY, _("SIP history only")),
    )
    PUBLIC, PROTECTED, LOGIN = "public", "protected", "login"
    ACCESS_CHOICES = (
        (PUBLIC, _("public link")),
        (PROTECTED, _("public link with a password")),
        (LOGIN, _("signed-in users of the tenant who may see the call")),
    )

    cdr = models.ForeignKey("cdr.Cdr", on_delete=models.CASCADE, related_name="+")
    cdr_ids = models.JSONField(default=list, help_text=_("The call and its legs, when merged."))
    token_hash = models.CharField(max_length=64, unique=True)
    content = models.CharField(max_length=12, choices=CONTENT_CHOICES, default=SIP)
    access = models.CharField(max_length=10, choices=ACCESS_CHOICES, default=PUBLIC)
    anonymise = models.BooleanField(default=False)
    mask_digits = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Mask caller and called numbers, keeping this many last digits.")
    )
    allow_pcap = models.BooleanField(default=True)
    allow_audio = models.BooleanField(default=False)
    salt = models.CharField(max_length=32, help_text=_("Seeds the address mapping of this share."))
    password_hash = models.CharField(max_length=255, blank=True)
    valid_until = models.DateTimeField()
    max_opens = models.PositiveIntegerField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        indexes = [models.Index(fields=["tenant", "created_by", "created_at"])]

    def __str__(self):
        return f"share {self.pk} of call {self.cdr_id}"


class ShareOpen(TenantOwned):
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="open_rows")
    at = models.DateTimeField(auto_now_add=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


class SharePolicy(TenantOwned):
    """Per tenant: how long links may live, whether audio may be shared, the anonymisation rules, whether
    numbers are masked. Changes apply to links made afterwards, except audio and the rules, which every
    request of every link reads anew (docs/sharing.md)."""

    max_valid_days = models.PositiveIntegerField(_("longest validity (days)"), default=30)
    allow_audio = models.BooleanField(_("share pages may play and download audio"), default=True)
    anon_rules = models.TextField(
        _("anonymisation rules"),
        blank=True,
        validators=[validate_rules],
        help_text=_(
            "One rule a line, network -> network (10.0.0.0/8 -> 172.16.0.0/12). Equal prefix lengths keep the "
            "host part. Addresses no rule covers go to 198.18.0.0/15 and 2001:db8::/32."
        ),
    )

    mask_digits = models.PositiveSmallIntegerField(
        _("mask numbers, keeping this many last digits"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: numbers are shown unless a link masks them. A number: every new link masks caller and called "
            "numbers and keeps at most this many last digits."
        ),
    )

    class Meta:
        verbose_name = _("share policy")
        verbose_name_plural = _("share policies")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="sharepolicy_one_per_tenant")]
