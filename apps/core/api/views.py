"""Base viewsets: the actor is built once per request, in `initial()`, after authentication.

The user-facing checks come from the apps that own them, through `hooks` (core imports no other app).
"""

from django.utils import timezone
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from apps.core.actor import Actor
from apps.core.capabilities import CAPABILITY_FLAGS

from . import hooks

# What the OpenAPI generator acts as: every capability, but no tenant, so every queryset is empty.
SCHEMA_ACTOR = Actor(tenant_id=None, is_admin=True, flags=frozenset(CAPABILITY_FLAGS))


class ActorMixin:
    """Builds `self.actor`, refuses blocked users, and checks the viewset's capability flag."""

    required_flag = None
    admin_only = False
    admin_writes = False  # writes (POST/PUT/PATCH/DELETE) for tenant administrators only, refused before the body

    @property
    def actor(self):
        if getattr(self, "swagger_fake_view", False):
            return SCHEMA_ACTOR
        return self._actor

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        refusal = hooks.user_refusal(user)  # blocked users (apps.users)
        if refusal:
            raise PermissionDenied(refusal)
        self._actor = hooks.actor_for_user(user)
        hooks.api_slot_acquire(request=request, user=user)  # the tenant's API concurrency limit (apps.tenants)
        timezone.activate(self.actor.timezone)
        if self.required_flag:
            self.actor.require(self.required_flag)
        if self.admin_only or (self.admin_writes and request.method not in SAFE_METHODS):
            self.actor.require_admin()

    def finalize_response(self, request, response, *args, **kwargs):
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)


class ScopedReadOnlyViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ActorMixin, viewsets.ModelViewSet):
    pass
