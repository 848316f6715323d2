"""REST endpoints that prove who someone is: the password-for-token exchange and 2FA enrollment codes."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.views import ActorMixin
from apps.core.exceptions import NotAuthenticated
from apps.users.selectors import user_get

from ..services import apitoken_issue, enrollment_code_issue, password_authenticate
from ..throttle import LoginLocked
from .serializers import EnrollmentCodeSerializer, TokenRequestSerializer, TokenSerializer


class TokenCreateView(APIView):
    """Exchange a local user name and password for an API token (for scripts).

    Repeated failures make this name wait from the sending address (429 with Retry-After); tokens
    already issued keep working meanwhile.
    """

    authentication_classes = ()
    permission_classes = ()
    serializer_class = TokenRequestSerializer

    @extend_schema(
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong user name or password, or a user who must use 2FA."),
            429: OpenApiResponse(description="Too many failed sign-ins; the Retry-After header says when to retry."),
        }
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            user = password_authenticate(
                **body.validated_data, address=request.META.get("REMOTE_ADDR"), interface="rest"
            )
        except LoginLocked as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return Response({"detail": exc.message, "code": exc.code}, status=exc.status, headers=headers)
        except NotAuthenticated as exc:  # answered, not raised: the failure just counted must be committed
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"token": apitoken_issue(user=user)})


class UserEnrollmentCodeView(ActorMixin, APIView):
    """A one-time code for the user's first 2FA enrollment (shown once; hand it over out of band)."""

    admin_only = True

    @extend_schema(
        request=None,
        responses={201: EnrollmentCodeSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def post(self, request, pk):
        user = user_get(actor=self.actor, user_id=pk)
        code, expires_at = enrollment_code_issue(user=user, issued_by=request.user)
        body = EnrollmentCodeSerializer({"code": code, "expires_at": expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)
