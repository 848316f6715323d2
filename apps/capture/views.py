"""The uploads page (/uploads/): drop pcap files, watch them upload and import, read each import's summary.

The same service as REST's POST /api/v1/captures/ (`capture_upload_create`, the import in Celery) and the
same job status; `can_upload_pcap` guards the page and each upload (403 without). The page polls an
upload's fragment (htmx) while it is queued or running.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.exceptions import AppError, InvalidInput
from apps.core.pages import page_view
from apps.sensors.selectors import sensor_list

from .selectors import capture_upload_get, capture_upload_recent
from .services import capture_too_large_message, capture_upload_create

RECENT = 20


def _is_htmx(request):
    return bool(request.headers.get("HX-Request"))


@require_http_methods(["GET", "POST"])
@page_view()
def uploads_page(request, actor):
    uploads = capture_upload_recent(actor=actor, limit=RECENT)  # 403 without can_upload_pcap, before any read
    sensors = list(sensor_list(actor=actor))
    if request.method == "POST":
        try:
            upload = _upload_create(request, actor)
        except AppError as exc:
            if not _is_htmx(request):
                raise
            return render(request, "capture/_upload_error.html", {"message": exc.message}, status=exc.status)
        if _is_htmx(request):
            return render(request, "capture/_upload.html", {"upload": upload}, status=202)
        return redirect("uploads")
    context = {
        "uploads": uploads,
        "sensors": sensors,
        "max_bytes": settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES,
    }
    return render(request, "capture/uploads.html", context)


def _upload_create(request, actor):
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES + 64 * 1024:  # refused before the body is read
        raise AppError(capture_too_large_message(length), code="too_large", status=413)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise InvalidInput(_("Choose a pcap or pcapng file to upload."))
    sensor = str(request.POST.get("id_sensor", "")).strip()
    if not (sensor.isdigit() and len(sensor) <= 9):
        raise InvalidInput(_("Choose the sensor the capture was taken on."))
    return capture_upload_create(actor=actor, uploaded=uploaded, id_sensor=int(sensor))


@require_GET
@page_view()
def upload_status(request, actor, pk):
    """One upload's status, progress and summary: the fragment the page polls, or a page without htmx."""
    upload = capture_upload_get(actor=actor, upload_id=pk)
    template = "capture/_upload.html" if _is_htmx(request) else "capture/upload.html"
    return render(request, template, {"upload": upload})
