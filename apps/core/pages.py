"""What every server-rendered page shares: the signed-in actor, the user's time zone, and AppError as a page.

A page answers like the API it sits beside: a missing capability flag is 403, another tenant's object
(or one outside the user's restrictions) is 404, bad input 400, each as a short page in the site's frame
(or, for a file a page links to, as plain text), never a 500.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .api import hooks
from .exceptions import AppError
from .webforms import require_tenant_admin


def page_view(*, plain=False, tenant_admin=False):
    """Decorate `view(request, actor, ...)`: signed-in users only (with `tenant_admin`, a tenant's
    administrators only), rendered in the actor's time zone; an AppError becomes its status with its
    message (a page, or plain text with `plain` for files)."""

    def wrap(view):
        @login_required
        @functools.wraps(view)
        def run(request, *args, **kwargs):
            actor = hooks.actor_for_user(request.user)
            try:
                if tenant_admin:
                    require_tenant_admin(actor)
                with timezone.override(actor.timezone):
                    return view(request, actor, *args, **kwargs)
            except AppError as exc:
                if plain:
                    return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
                # htmx asked for a fragment: the message alone, swapped where the answer was to go
                template = "web/_error.html" if request.headers.get("HX-Request") else "web/page_error.html"
                return render(request, template, {"message": exc.message, "status": exc.status}, status=exc.status)

        return run

    return wrap
