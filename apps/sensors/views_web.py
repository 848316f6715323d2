"""Tenant administration of sensors (/admin-tenant/sensors/): list, create, edit, delete, and the HEP
credentials of live capture (an agent id and a generated key, shown once; only its hash is stored).
Through the sensors app's selectors and services, scoped to the administrator's tenant."""

import zoneinfo

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.exceptions import Conflict, InvalidInput
from apps.core.pages import page_view

from .selectors import sensor_get, sensor_list
from .services import sensor_create, sensor_delete, sensor_hep_key_issue, sensor_update

EDITABLE = ("id_sensor", "name", "timezone", "manager_host", "manager_port", "manager_aes_key", "manager_aes_iv")


def _zone(value):
    if value not in zoneinfo.available_timezones():
        raise forms.ValidationError(gettext_lazy("%(value)s is not a time zone."), params={"value": value})


class SensorForm(forms.Form):
    id_sensor = forms.IntegerField(label=gettext_lazy("Sensor number"), min_value=0, max_value=2**31 - 1)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    timezone = forms.CharField(label=gettext_lazy("Time zone of the sensor's clock"), initial="UTC", validators=[_zone])
    manager_host = forms.CharField(
        label=gettext_lazy("External sniffer: manager address"),
        required=False,
        help_text=gettext_lazy("Only for a VoIPmonitor sniffer read through its manager port."),
    )
    manager_port = forms.IntegerField(label=gettext_lazy("Manager port"), required=False, min_value=1, max_value=65535)
    manager_aes_key = forms.CharField(
        label=gettext_lazy("Manager AES key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Left empty when editing: the key stays as it is."),
    )
    manager_aes_iv = forms.CharField(label=gettext_lazy("Manager AES IV"), required=False)


class HepForm(forms.Form):
    agent_id = forms.IntegerField(label=gettext_lazy("HEP capture agent id"), min_value=1, max_value=2**32 - 1)


@require_GET
@page_view(tenant_admin=True)
def sensors_page(request, actor):
    return render(request, "web/tenant/sensors.html", {"sensors": list(sensor_list(actor=actor))})


def _sensor_form_page(request, actor, sensor=None):
    status, error = 200, None
    if request.method == "POST":
        form = SensorForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if sensor is not None and not data["manager_aes_key"]:
                data.pop("manager_aes_key")
            try:
                if sensor is None:
                    sensor = sensor_create(actor=actor, **data)
                else:
                    sensor = sensor_update(actor=actor, sensor=sensor, **data)
                messages.success(request, _("Sensor %(id)s is saved.") % {"id": sensor.id_sensor})
                return redirect("tenant-sensors:edit", pk=sensor.pk)
            except (InvalidInput, Conflict) as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    elif sensor is not None:
        form = SensorForm(initial={name: getattr(sensor, name) for name in EDITABLE if name != "manager_aes_key"})
    else:
        form = SensorForm()
    hep = HepForm(initial={"agent_id": sensor.hep_agent_id} if sensor else None)
    context = {"form": form, "sensor": sensor, "hep": hep, "error": error}
    return render(request, "web/tenant/sensor_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def sensor_new(request, actor):
    return _sensor_form_page(request, actor)


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def sensor_edit(request, actor, pk):
    return _sensor_form_page(request, actor, sensor_get(actor=actor, sensor_id=pk))


@require_POST
@page_view(tenant_admin=True)
def sensor_delete_view(request, actor, pk):
    sensor = sensor_get(actor=actor, sensor_id=pk)
    number = sensor.id_sensor
    sensor_delete(actor=actor, sensor=sensor)
    messages.success(request, _("Sensor %(id)s is deleted.") % {"id": number})
    return redirect("tenant-sensors:list")


@require_POST
@page_view(tenant_admin=True)
def sensor_hep_key(request, actor, pk):
    """A new HEP key: shown on this answer only (never stored in clear, never in a redirect)."""
    sensor = sensor_get(actor=actor, sensor_id=pk)
    hep = HepForm(request.POST)
    key, error, status = None, None, 200
    if hep.is_valid():
        try:
            key = sensor_hep_key_issue(actor=actor, sensor=sensor, agent_id=hep.cleaned_data["agent_id"])
        except InvalidInput as exc:
            error, status = exc.message, exc.status
    else:
        status = 400
    form = SensorForm(initial={name: getattr(sensor, name) for name in EDITABLE if name != "manager_aes_key"})
    context = {"form": form, "sensor": sensor, "hep": hep, "hep_key": key, "hep_error": error}
    response = render(request, "web/tenant/sensor_form.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
