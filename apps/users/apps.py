from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "apps.users"
    label = "users"

    def ready(self):
        from apps.core.api import hooks

        from .actor import actor_for_user, user_refusal

        hooks.actor_for_user.register(actor_for_user)
        hooks.user_refusal.register(user_refusal)
