"""What the base viewset needs from higher apps, registered by those apps so that core imports none.

core is a leaf: it must not import `users` or `tenants`. Yet every REST request needs three things
they own: refusing a blocked user, turning the user into an Actor (`users`), and taking one of the
tenant's API slots (`tenants`). Each owning app registers its function here in its
`AppConfig.ready()`; `ActorMixin.initial()` calls them. A hook nobody registered fails loudly at the
first request rather than letting a request through unchecked.
"""

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One named function slot, filled once at start-up by the app that owns the behaviour."""

    def __init__(self, name, owner):
        self.name, self.owner, self.function = name, owner, None

    def register(self, function):
        self.function = function
        return function

    def __call__(self, *args, **kwargs):
        if self.function is None:
            raise ImproperlyConfigured(f"no {self.name} hook registered: is {self.owner} in INSTALLED_APPS?")
        return self.function(*args, **kwargs)


# user -> the message a blocked user is refused with, or None
user_refusal = Hook("user_refusal", "apps.users")
# user -> Actor: the one function that builds the actor of an authenticated user
actor_for_user = Hook("actor_for_user", "apps.users")
# (request=, user=) -> None, or raises TooManyRequests: the tenant's API concurrency limit
api_slot_acquire = Hook("api_slot_acquire", "apps.tenants")
