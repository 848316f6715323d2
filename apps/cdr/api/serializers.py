from rest_framework import serializers

from apps.cdr.models import Cdr, CdrDtmf, CdrRtp
from apps.core.codecs import codec_name

INTERNAL_FIELDS = ("tenant", "pcap_sip", "pcap_full")


class CdrRtpSerializer(serializers.ModelSerializer):
    class Meta:
        model = CdrRtp
        exclude = ("tenant", "cdr")


class CdrDtmfSerializer(serializers.ModelSerializer):
    class Meta:
        model = CdrDtmf
        exclude = ("tenant", "cdr")


class CdrSerializer(serializers.ModelSerializer):
    codec_a = serializers.SerializerMethodField()
    codec_b = serializers.SerializerMethodField()

    class Meta:
        model = Cdr
        exclude = INTERNAL_FIELDS

    def get_codec_a(self, obj) -> str:
        return codec_name(obj.a_payload)

    def get_codec_b(self, obj) -> str:
        return codec_name(obj.b_payload)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        allowed = self.context.get("custom_headers")
        if allowed is not None:
            data["custom_headers"] = {k: v for k, v in (instance.custom_headers or {}).items() if k in allowed}
        return data


class CdrDetailSerializer(CdrSerializer):
    streams = CdrRtpSerializer(many=True, read_only=True)
    dtmf = CdrDtmfSerializer(many=True, read_only=True)
