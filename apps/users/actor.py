"""Building the Actor from a user: the one place that reads a user's flags, sensors and restrictions.

The Actor class lives in `apps.core.actor` (core is a leaf); turning a user row into one is
identity, so it lives here. The base REST viewset reaches it through `apps.core.api.hooks`, which
`UsersConfig.ready()` fills.
"""

from apps.core.actor import Actor

from .selectors import blocked_message, user_get_for_actor_build


def actor_for_user(user):
    """The one function that turns an authenticated user into an Actor (REST, legacy, tasks)."""
    tenant = getattr(user, "tenant", None)
    return Actor(
        tenant_id=user.tenant_id,
        user_id=user.pk,
        username=user.username,
        is_admin=bool(user.is_admin),
        is_superuser=bool(user.is_superuser),
        flags=frozenset(user.effective_flags()),
        sensor_ids=user.allowed_sensor_ids(),
        restrictions=user.restrictions(),
        custom_headers=user.custom_header_names(),
        timezone=(user.timezone or (tenant.timezone if tenant else "UTC")),
    )


def actor_from_ids(user_id):
    """Rebuild the actor inside a Celery task or a command from the user's id."""
    return actor_for_user(user_get_for_actor_build(user_id=user_id))


def user_refusal(user):
    """Why an authenticated user is refused before any view runs (blocked), or None."""
    return blocked_message(user) if getattr(user, "blocked", False) else None
