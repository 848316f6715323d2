from rest_framework import mixins, serializers, viewsets

from apps.core.api.views import ActorMixin

from .models import Tenant
from .selectors import tenant_list
from .services import tenant_update


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = (
            "id",
            "slug",
            "name",
            "timezone",
            "max_concurrent_calls",
            "api_max_concurrent_connections",
            "api_disable_authorization",
        )
        read_only_fields = ("id", "slug", "max_concurrent_calls", "api_max_concurrent_connections")


class TenantViewSet(
    ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Your own tenant (platform superusers see all). Tenant administrators may rename it or change its time zone."""

    serializer_class = TenantSerializer
    admin_writes = True

    def get_queryset(self):
        return tenant_list(actor=self.actor)

    def perform_update(self, serializer):
        serializer.instance = tenant_update(actor=self.actor, tenant=serializer.instance, **serializer.validated_data)
