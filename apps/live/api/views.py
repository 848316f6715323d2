"""REST: calls in progress (/api/v1/active-calls/), and pausing / resuming their recording."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ActorMixin
from apps.core.exceptions import InvalidInput
from apps.live.rows import listcalls_row
from apps.live.selectors import active_call_get, active_call_list
from apps.live.services import active_call_command, external_active_calls_refresh

from .serializers import ActiveCallCommandSerializer, ActiveCallSerializer


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("%(name)s must be a number, not %(value)s.") % {"name": name, "value": value}) from None


class ActiveCallViewSet(ActorMixin, viewsets.ViewSet):
    """Calls in progress on your sensors, refreshed every second by the HEP listener."""

    required_flag = "can_activecalls"
    lookup_url_kwarg = "pk"  # the call reference, 0x...
    lookup_value_regex = "0[xX][0-9a-fA-F]+"
    serializer_class = ActiveCallSerializer
    # Every action first asks the tenant's external sniffers (502 when one does not answer); pausing on an
    # external sniffer passes its refusal on (400).
    error_statuses = {"list": (502,), "retrieve": (502,), "pause": (400, 502), "unpause": (400, 502)}

    @extend_schema(
        parameters=[OpenApiParameter("id_sensor", OpenApiTypes.INT), OpenApiParameter("callid", OpenApiTypes.STR)],
        responses=ActiveCallSerializer(many=True),
    )
    def list(self, request):
        id_sensor = _int_param(request, "id_sensor")
        external_active_calls_refresh(actor=self.actor, id_sensor=id_sensor)
        rows = active_call_list(
            actor=self.actor, id_sensor=id_sensor, callid=request.query_params.get("callid") or None
        )
        return Response([listcalls_row(row, self.actor.timezone) for row in rows])

    @extend_schema(responses=ActiveCallSerializer)
    def retrieve(self, request, pk=None):
        external_active_calls_refresh(actor=self.actor)
        return Response(listcalls_row(active_call_get(actor=self.actor, callref=pk.lower()), self.actor.timezone))

    def _command(self, ref, command):
        call = active_call_get(actor=self.actor, callref=ref.lower())
        queued = active_call_command(
            actor=self.actor, id_sensor=call["id_sensor"], callref=ref.lower(), command=command
        )
        body = {"command": command, "callreference": queued.callref, "requested_at": queued.created_at}
        return Response(ActiveCallCommandSerializer(body).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ActiveCallCommandSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Pause recording: RTP is stored without payload (silence in the audio) until unpause."""
        return self._command(pk, "pausecall")

    @extend_schema(request=None, responses={202: ActiveCallCommandSerializer})
    @action(detail=True, methods=["post"])
    def unpause(self, request, pk=None):
        return self._command(pk, "unpausecall")
