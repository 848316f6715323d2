from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
