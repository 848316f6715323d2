""" "Disable authorization for API usage": api.php without credentials acts as the host's tenant API user."""

from apps.tenants.concurrency import api_slot_acquire
from apps.tenants.selectors import tenant_api_user_for_host
from apps.users.actor import actor_for_user


def host_api_actor(request):
    """The actor of the tenant that owns the request's host name and has API authorization off, or None."""
    user = tenant_api_user_for_host(host=request.get_host())
    if user is None:
        return None
    api_slot_acquire(request=request, user=user)
    return actor_for_user(user)
