from rest_framework import mixins, viewsets

from apps.core.api.views import ActorMixin
from apps.tenants.selectors import tenant_list
from apps.tenants.services import tenant_update

from .serializers import TenantSerializer


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
