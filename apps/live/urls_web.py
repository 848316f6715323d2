from django.urls import path, register_converter

from . import views_web


class CallRef:
    regex = "0[xX][0-9a-fA-F]{1,30}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CallRef, "callref")

app_name = "live"

urlpatterns = [
    path("active-calls/", views_web.active_calls_page, name="active-calls"),
    path(
        "active-calls/<callref:callref>/pause/",
        views_web.active_call_command_view,
        {"command": "pausecall"},
        name="pause",
    ),
    path(
        "active-calls/<callref:callref>/unpause/",
        views_web.active_call_command_view,
        {"command": "unpausecall"},
        name="unpause",
    ),
]
