from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ScopedModelViewSet

from .models import User
from .selectors import user_list, usergroup_list
from .services import USER_EDITABLE_FIELDS, user_create, user_delete, user_update


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    effective_flags = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "username", "password", *USER_EDITABLE_FIELDS, "effective_flags")

    def get_effective_flags(self, obj) -> list[str]:
        return sorted(obj.effective_flags())

    def get_fields(self):
        fields = super().get_fields()
        view = self.context.get("view")
        actor = getattr(view, "actor", None)
        fields["group"].queryset = usergroup_list(actor=actor)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["username"].read_only = True  # chosen at creation; user names are global and stable
        return fields


class UserViewSet(ScopedModelViewSet):
    """Users of your tenant: administrators manage them; everyone may read `users/me/`."""

    serializer_class = UserSerializer

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
