from rest_framework.exceptions import ValidationError

from apps.cdr.filtersets import CdrFilterSet
from apps.cdr.selectors import FilterInvalid, cdr_search, cdr_visible
from apps.core.api.views import ScopedReadOnlyViewSet

from .serializers import CdrDetailSerializer, CdrSerializer


class CdrViewSet(ScopedReadOnlyViewSet):
    """Call records of your tenant. Filters are those of the legacy API, under REST names."""

    required_flag = "can_cdr"
    filterset_class = CdrFilterSet  # the schema's source of the filter parameters; filtering is cdr_search's
    ordering = ("-calldate", "-id")

    def get_queryset(self):
        return cdr_visible(actor=self.actor)

    def filter_queryset(self, queryset):
        """The legacy API's search with this request's actor, not DRF's actor-less filter backend."""
        if getattr(self, "swagger_fake_view", False):
            return queryset
        try:
            searched = cdr_search(actor=self.actor, filters=self.request.query_params)
        except FilterInvalid as exc:
            fields = {name: messages for name, messages in exc.errors.items() if name != "__all__"}
            raise ValidationError({"detail": exc.message, **fields}) from None
        return searched.prefetch_related("streams", "dtmf") if self.action == "retrieve" else searched

    def get_serializer_class(self):
        return CdrDetailSerializer if self.action == "retrieve" else CdrSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        actor = getattr(self, "actor", None)
        context["custom_headers"] = actor.custom_headers if actor else None
        return context
