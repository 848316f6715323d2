from rest_framework import serializers

from apps.tenants.models import validate_timezone
from apps.users.models import User
from apps.users.selectors import usergroup_list
from apps.users.services import USER_EDITABLE_FIELDS


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    effective_flags = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "username", "password", *USER_EDITABLE_FIELDS, "effective_flags")
        # blank: the tenant's time zone; otherwise a known zone (an unknown one would break every request)
        extra_kwargs = {"timezone": {"validators": [validate_timezone]}}

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


class UserCreateSerializer(UserSerializer):
    """A new user needs a password (an update may leave it out)."""

    password = serializers.CharField(write_only=True, style={"input_type": "password"})
