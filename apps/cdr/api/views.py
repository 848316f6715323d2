from apps.cdr.filtersets import CdrFilterSet
from apps.cdr.selectors import cdr_visible
from apps.core.api.views import ScopedReadOnlyViewSet

from .serializers import CdrDetailSerializer, CdrSerializer


class CdrViewSet(ScopedReadOnlyViewSet):
    """Call records of your tenant. Filters are those of the legacy API, under REST names."""

    required_flag = "can_cdr"
    filterset_class = CdrFilterSet
    ordering = ("-calldate", "-id")

    def get_queryset(self):
        queryset = cdr_visible(actor=self.actor)
        if self.action == "retrieve":
            return queryset.prefetch_related("streams", "dtmf")
        return queryset

    def get_serializer_class(self):
        return CdrDetailSerializer if self.action == "retrieve" else CdrSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        actor = getattr(self, "actor", None)
        context["custom_headers"] = actor.custom_headers if actor else None
        return context
