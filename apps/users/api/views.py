from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ScopedModelViewSet
from apps.users.selectors import user_list
from apps.users.services import user_create, user_delete, user_update

from .serializers import UserCreateSerializer, UserSerializer


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
