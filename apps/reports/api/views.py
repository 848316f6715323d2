from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.core.api.negotiation import JsonOnlyNegotiation
from apps.core.api.views import ActorMixin, ScopedModelViewSet
from apps.core.exceptions import InvalidInput
from apps.reports.delivery import schedule_send_now
from apps.reports.selectors import (
    OUTPUT_TYPES,
    report_get,
    report_list,
    report_output,
    report_render,
    run_file,
    run_list,
    schedule_get,
    schedule_list,
    schedule_preview,
)
from apps.reports.services import (
    report_create,
    report_delete,
    report_update,
    schedule_create,
    schedule_delete,
    schedule_update,
)

from .serializers import ReportRunSerializer, ReportScheduleSerializer, ReportSerializer


def query(name, description, enum=None, required=False):
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, description=description, enum=enum, required=required)


# `from` / `to`: a date, or a date and time (local to the user unless it carries an offset)
MOMENT = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}


def moment(name, description):
    return OpenApiParameter(name, MOMENT, OpenApiParameter.QUERY, description=description, required=True)


def path_id():
    return OpenApiParameter("id", int, OpenApiParameter.PATH)


def files(*kinds):
    """The 200 answer of a file download, in each of its real media types."""
    return {
        (200, OUTPUT_TYPES[kind].split(";")[0]): OpenApiTypes.OBJECT if kind == "json" else OpenApiTypes.BINARY
        for kind in kinds
    }


def file_response(content, content_type, filename, inline=True):
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ReportViewSet(ScopedModelViewSet):
    """Report definitions: reading needs can_cdr, writing can_reports_edit. `render` computes one for a period."""

    content_negotiation_class = JsonOnlyNegotiation  # `format` picks the file, not a renderer
    serializer_class = ReportSerializer
    required_flag = "can_cdr"
    error_statuses = dict.fromkeys(("create", "update", "partial_update"), (409,))  # the description is taken

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            self.actor.require("can_reports_edit")

    def get_queryset(self):
        return report_list(actor=self.actor)

    def get_object(self):
        return report_get(actor=self.actor, report_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = report_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = report_update(actor=self.actor, report=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        report_delete(actor=self.actor, report=instance)

    @extend_schema(
        responses=files("png", "json", "csv"),
        parameters=[
            path_id(),
            moment("from", "start: a date or date and time, in your time zone"),
            moment("to", "end: a date (that whole day) or a date and time; the period must follow `from`"),
            query("format", "png (default), json or csv", enum=["png", "json", "csv"]),
        ],
    )
    def render(self, request, pk=None):
        params = request.query_params
        content, content_type, filename = report_render(
            actor=self.actor,
            report=self.get_object(),
            value_from=params.get("from"),
            value_to=params.get("to"),
            fmt=params.get("format") or "png",
        )
        return file_response(content, content_type, filename)


class ReportScheduleViewSet(ScopedModelViewSet):
    """When a report is mailed, to whom and in which formats (can_reports_edit). `send` mails the last period now."""

    content_negotiation_class = JsonOnlyNegotiation  # `format` picks the file, not a renderer
    serializer_class = ReportScheduleSerializer
    required_flag = "can_reports_edit"
    # the report or a recipient user is not the tenant's (apps/core/api/schema.py)
    error_statuses = dict.fromkeys(("create", "update", "partial_update"), (404,))

    def get_queryset(self):
        return schedule_list(actor=self.actor)

    def get_object(self):
        return schedule_get(actor=self.actor, schedule_id=self.kwargs["pk"])

    def values(self, serializer):
        data = dict(serializer.validated_data)
        if "report_id" in data:
            data["report"] = data.pop("report_id")
        return data

    def perform_create(self, serializer):
        serializer.instance = schedule_create(actor=self.actor, **self.values(serializer))

    def perform_update(self, serializer):
        serializer.instance = schedule_update(actor=self.actor, schedule=serializer.instance, **self.values(serializer))

    def perform_destroy(self, instance):
        schedule_delete(actor=self.actor, schedule=instance)

    @extend_schema(request=None, responses={202: ReportRunSerializer}, parameters=[path_id()])
    def send(self, request, pk=None):
        run = schedule_send_now(actor=self.actor, schedule=self.get_object())
        return Response(ReportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses=files("html", "png", "json", "csv"),
        parameters=[
            path_id(),
            query("format", "html (default), png, json or csv", enum=["html", "png", "json", "csv"]),
        ],
    )
    def preview(self, request, pk=None):
        fmt = request.query_params.get("format") or "html"
        if fmt not in ("html", "png", "json", "csv"):
            raise InvalidInput(_("format must be html, png, json or csv, not %(value)s.") % {"value": fmt[:20]})
        schedule = self.get_object()
        document = schedule_preview(actor=self.actor, schedule=schedule)
        return file_response(*report_output(document, schedule.report, fmt))


class ReportRunViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reports sent by schedules, kept for the tenant's retention (can_reports_show_sent)."""

    content_negotiation_class = JsonOnlyNegotiation  # `format` picks the file, not a renderer
    serializer_class = ReportRunSerializer
    required_flag = "can_reports_show_sent"

    def get_queryset(self):
        return run_list(actor=self.actor)

    @extend_schema(
        responses=files("png", "csv", "json", "html"),
        parameters=[path_id(), query("format", "png, csv, json or html", enum=["png", "csv", "json", "html"])],
    )
    def download(self, request, pk=None):
        fmt = request.query_params.get("format") or "png"
        return file_response(*run_file(actor=self.actor, run_id=pk, fmt=fmt), inline=False)
