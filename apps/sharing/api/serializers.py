from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.sharing.anon import rules_parse
from apps.sharing.models import ShareLink, ShareOpen
from apps.sharing.services import share_link_state


class ShareLinkSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    protected = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = ("id", "cdr", "cdr_ids", "content", "access", "anonymise", "mask_digits", "allow_pcap",
                  "allow_audio", "protected", "valid_until", "max_opens", "opens", "created_by", "created_at",
                  "revoked_at", "state")  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj) -> str:
        gone = share_link_state(obj)
        return gone.code if gone else "active"

    def get_protected(self, obj) -> bool:
        return bool(obj.password_hash)

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.username if obj.created_by else None


class ShareCreateSerializer(serializers.Serializer):
    cdr_id = serializers.IntegerField(min_value=1)
    content = serializers.ChoiceField(choices=[c for c, _label in ShareLink.CONTENT_CHOICES], default=ShareLink.SIP)
    access = serializers.ChoiceField(choices=[c for c, _label in ShareLink.ACCESS_CHOICES], default=ShareLink.PUBLIC)
    anonymise = serializers.BooleanField(default=False)
    valid_days = serializers.IntegerField(required=False, min_value=1, help_text=_("days; the tenant's maximum"))
    password = serializers.CharField(required=False, allow_blank=True, max_length=128, trim_whitespace=False)
    max_opens = serializers.IntegerField(required=False, min_value=1, max_value=10**6)
    cid_interval = serializers.FloatField(required=False, min_value=0, max_value=86400)
    mask_digits = serializers.IntegerField(
        required=False, min_value=0, max_value=20, help_text=_("mask numbers, keep N digits")
    )


class ShareOpenSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()

    class Meta:
        model = ShareOpen
        fields = ("at", "address", "user_agent", "user")
        read_only_fields = fields

    def get_user(self, obj) -> str | None:
        return obj.user.username if obj.user else None


class AnonRuleSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=64, help_text=_("network/mask whose addresses are rewritten"))
    target = serializers.CharField(max_length=64, help_text=_("network/mask they are rewritten into (same IP version)"))


class SharePolicySerializer(serializers.Serializer):
    """The tenant's share policy. Every field optional on writes (PUT and PATCH alike)."""

    max_valid_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, help_text=_("the longest validDays a link may have")
    )
    allow_audio = serializers.BooleanField(required=False, help_text=_("share pages may play and download audio"))
    anon_rules = AnonRuleSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text=_(
            "tried in order; equal prefix lengths keep the host part; addresses no rule covers go to "
            "198.18.0.0/15 and 2001:db8::/32"
        ),
    )
    mask_digits = serializers.IntegerField(
        min_value=0,
        max_value=20,
        allow_null=True,
        required=False,
        help_text=_("null: numbers shown unless a link masks them; N: every new link masks them, keeping N digits"),
    )

    def validate_anon_rules(self, rules):
        """Each rule whole (partial updates do not make a rule's fields optional), its two networks of one IP
        version."""
        for number, rule in enumerate(rules, 1):
            if not rule.get("source") or not rule.get("target"):
                raise serializers.ValidationError(_("Rule %(n)s needs a source and a target.") % {"n": number})
            try:
                rules_parse(f"{rule['source']} -> {rule['target']}")
            except ValueError:
                raise serializers.ValidationError(
                    _("Rule %(n)s is not two networks of one IP version: %(source)s -> %(target)s")
                    % {"n": number, "source": rule["source"], "target": rule["target"]}
                ) from None
        return rules
