"""The home page at `/`: visitors go to sign-in, people who may search calls go on to the call browser,
and everyone else sees where they can go from here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.users.actor import actor_for_user


@login_required
def home_view(request):
    actor = actor_for_user(request.user)
    if actor.can("can_cdr"):
        return redirect("browse:calls")
    context = {
        "user_tenant": request.user.tenant,
        "effective_timezone": actor.timezone,
        "now": timezone.now(),
        "last_login": request.user.last_login,
    }
    with timezone.override(actor.timezone):  # every time on the page in the user's (or tenant's) zone
        return render(request, "web/home.html", context)
