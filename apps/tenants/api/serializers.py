from rest_framework import serializers

from apps.tenants.models import Tenant


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ("id", *Tenant.SETTINGS_FIELDS)
        read_only_fields = ("id", "slug", "max_concurrent_calls", "api_max_concurrent_connections")
