"""Tenant administration (/admin-tenant/): a tenant's administrators manage its users and groups here
(flags, sensor and number / domain / IP restrictions, the 2FA requirement, blocking). Sensors, capture
settings and branding have their pages in their own apps, linked from the index.

Not Django's /admin/ (platform operators): every read and write goes through the users app's selectors
and services, scoped to the administrator's own tenant, so another tenant's user or group is 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.capabilities import CAPABILITY_FLAGS
from apps.core.exceptions import Conflict, InvalidInput
from apps.core.pages import page_view

from .forms_web import INHERIT, NO, YES, FlagsForm, GroupForm, UserForm
from .selectors import user_get, user_list, usergroup_get, usergroup_list
from .services import (
    USER_EDITABLE,
    user_create,
    user_update,
    usergroup_create,
    usergroup_delete,
    usergroup_update,
)


@require_GET
@page_view(tenant_admin=True)
def tenant_admin_index(request, actor):
    return render(request, "web/tenant/index.html", {"tenant": request.user.tenant})


@require_GET
@page_view(tenant_admin=True)
def users_page(request, actor):
    users = list(user_list(actor=actor))
    rows = [{"user": u, "flags": sorted(u.effective_flags()) if not u.is_admin else None} for u in users]
    return render(request, "web/tenant/users.html", {"rows": rows})


def _user_initial(user):
    initial = {name: getattr(user, name) for name in UserForm.base_fields if name not in ("password", "group")}
    initial["group"] = user.group_id
    flags = {
        flag: INHERIT if getattr(user, flag) is None else (YES if getattr(user, flag) else NO)
        for flag in CAPABILITY_FLAGS
    }
    return initial, flags


def _user_form_page(request, actor, user=None):
    from apps.sensors.selectors import sensor_list  # sensors' models import accounts, which imports users

    groups = list(usergroup_list(actor=actor))
    sensors = list(sensor_list(actor=actor))
    creating = user is None
    status, error = 200, None
    if request.method == "POST":
        initial = None if creating else {"username": user.username}  # the name is shown, not changed
        form = UserForm(request.POST, initial=initial, groups=groups, sensors=sensors, creating=creating)
        flags = FlagsForm(request.POST)
        if form.is_valid() and flags.is_valid():
            data = dict(form.cleaned_data)
            password = data.pop("password")
            username = data.pop("username")
            group_id = data.pop("group")
            data["group"] = next((g for g in groups if g.pk == group_id), None)
            data["enable_sensors"] = sorted(set(data["enable_sensors"]))
            fields = {**{k: v for k, v in data.items() if k in USER_EDITABLE}, **flags.values()}
            try:
                if creating:
                    sensors = fields.pop("enable_sensors")
                    user = user_create(
                        username=username,
                        tenant=request.user.tenant,
                        password=password,
                        check_password=True,
                        sensors=sensors,
                        **fields,
                    )
                    messages.success(request, _("User %(name)s is created.") % {"name": user.username})
                else:
                    user = user_update(actor=actor, user=user, password=password or None, **fields)
                    messages.success(request, _("User %(name)s is changed.") % {"name": user.username})
                return redirect("tenant-admin:users")
            except (InvalidInput, Conflict) as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    elif user is not None:
        initial, flag_initial = _user_initial(user)
        form = UserForm(initial=initial, groups=groups, sensors=sensors, creating=False)
        flags = FlagsForm(initial=flag_initial)
    else:
        form = UserForm(groups=groups, sensors=sensors)
        flags = FlagsForm()
    context = {"form": form, "flags": flags, "edited": user, "error": error}
    return render(request, "web/tenant/user_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def user_new(request, actor):
    return _user_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def user_edit(request, actor, pk):
    return _user_form_page(request, actor, user_get(actor=actor, user_id=pk))


# groups ---------------------------------------------------------------------------------------------


@require_GET
@page_view(tenant_admin=True)
def groups_page(request, actor):
    groups = [
        {"group": g, "flags": [f for f in CAPABILITY_FLAGS if getattr(g, f)]} for g in usergroup_list(actor=actor)
    ]
    return render(request, "web/tenant/groups.html", {"groups": groups})


def _group_form_page(request, actor, group=None):
    status, error = 200, None
    if request.method == "POST":
        form = GroupForm(request.POST)
        flags = FlagsForm(request.POST, for_group=True)
        if form.is_valid() and flags.is_valid():
            try:
                if group is None:
                    group = usergroup_create(actor=actor, name=form.cleaned_data["name"], flags=flags.values())
                else:
                    group = usergroup_update(
                        actor=actor, group=group, name=form.cleaned_data["name"], flags=flags.values()
                    )
                messages.success(request, _("Group %(name)s is saved.") % {"name": group.name})
                return redirect("tenant-admin:groups")
            except (InvalidInput, Conflict) as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    elif group is not None:
        form = GroupForm(initial={"name": group.name})
        flags = FlagsForm(initial={f: getattr(group, f) for f in CAPABILITY_FLAGS}, for_group=True)
    else:
        form, flags = GroupForm(), FlagsForm(for_group=True)
    context = {"form": form, "flags": flags, "group": group, "error": error}
    return render(request, "web/tenant/group_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def group_new(request, actor):
    return _group_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def group_edit(request, actor, pk):
    return _group_form_page(request, actor, usergroup_get(actor=actor, group_id=pk))


@require_POST
@page_view(tenant_admin=True)
def group_delete_view(request, actor, pk):
    group = usergroup_get(actor=actor, group_id=pk)
    name = group.name
    usergroup_delete(actor=actor, group=group)
    messages.success(request, _("Group %(name)s is deleted.") % {"name": name})
    return redirect("tenant-admin:groups")
