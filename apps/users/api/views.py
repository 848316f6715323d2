from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.views import ScopedModelViewSet
from apps.core.exceptions import NotAuthenticated
from apps.users.selectors import user_authenticate_local, user_list
from apps.users.services import token_issue, user_create, user_delete, user_update

from .serializers import EnrollmentCodeSerializer, TokenRequestSerializer, UserCreateSerializer, UserSerializer


class UserViewSet(ScopedModelViewSet):
    """Users of your tenant: administrators manage them; everyone may read `users/me/`."""

    serializer_class = UserSerializer
    error_statuses = {"create": (409,)}  # the user name is taken (user names are global)

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action != "me":
            self.actor.require_admin()  # before the body is read: a refusal says nothing about the input

    def get_queryset(self):
        return user_list(actor=self.actor)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        if not password:
            raise serializers.ValidationError({"password": _("A password is required.")})
        self.actor.require_admin()
        serializer.instance = user_create(
            tenant=self.request.user.tenant, password=password, check_password=True, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = user_update(actor=self.actor, user=serializer.instance, **data)

    def perform_destroy(self, instance):
        user_delete(actor=self.actor, user=instance)

    @action(detail=False, methods=["get"])
    def me(self, request):
        return Response(self.get_serializer(request.user).data)

    @extend_schema(request=None, responses={201: EnrollmentCodeSerializer})
    @action(detail=True, methods=["post"], url_path="enrollment-code")
    def enrollment_code(self, request, pk=None):
        """A one-time code for the user's first 2FA enrollment (shown once; hand it over out of band)."""
        from apps.accounts.services import enrollment_code_issue

        code, expires_at = enrollment_code_issue(user=self.get_object(), issued_by=request.user)
        body = EnrollmentCodeSerializer({"code": code, "expires_at": expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenCreateView(APIView):
    """Exchange a local user name and password for an API token (for scripts)."""

    authentication_classes = ()
    permission_classes = ()
    serializer_class = TokenRequestSerializer
    error_statuses = {"post": (429,)}  # the sign-in lock (the OpenAPI schema's, apps/core/api/schema.py)

    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            user = user_authenticate_local(
                **body.validated_data, address=request.META.get("REMOTE_ADDR"), interface="rest"
            )
        except NotAuthenticated as exc:
            return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"token": token_issue(user=user)})
