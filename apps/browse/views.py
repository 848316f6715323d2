"""The call browser's pages: the search (whole page, or its results for htmx), the CSV of a search,
saved filters, and zips of the selected calls through the media app's export jobs. Thin: the search
is `cdr_search` (selectors.py), writes are services."""

import csv
import functools
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.cdr.filtersets import CUSTOM_HEADER_PREFIX
from apps.cdr.selectors import FilterInvalid
from apps.core.bounds import id_or_none
from apps.core.exceptions import AppError, Forbidden, InvalidInput, NotFound
from apps.media.models import ExportJob
from apps.media.selectors import export_job_get
from apps.media.services import export_create
from apps.users.actor import actor_for_user

from .search import COLUMN_BY_KEY, COLUMNS, PAGE_SIZES, fetched_fields, form_groups, search_parse
from .selectors import browse_header_names, browse_page, browse_rows_all, saved_filter_get, saved_filter_list
from .services import saved_filter_delete, saved_filter_save

EXPORT_KINDS = {ExportJob.PCAP: {"disable_rtp": False}, ExportJob.AUDIO: {"format": "wav"}}


def page(view):
    """Signed in, the actor built, times in its zone; a foreign object is 404 and a missing flag 403."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = actor_for_user(request.user)
        try:
            actor.require("can_cdr")
            with timezone.override(actor.timezone):
                return view(request, actor, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper


def calls_url(query):
    return f"{reverse('browse:calls')}?{query}" if query else reverse("browse:calls")


def untidy(params):
    """True when the URL carries empty fields or split columns (a plain form submission): then the page
    redirects to the canonical URL, so the address bar holds exactly the search and nothing else."""
    return any(v == "" for _k, values in params.lists() for v in values) or len(params.getlist("cols")) > 1


def error_summary(errors, groups):
    """Each refused parameter with the label of its field, linking to the field."""
    labels = {"sort": _("Sort"), "size": _("Rows per page"), "page": _("Page"), "cols": _("Columns")}
    for group in groups:
        for f in group.get("fields", []):
            labels[f.name] = f.label
        for section in group.get("quality", []):
            labels[section["mode"].name] = section["mode"].label
            for row in section["rows"]:
                labels.update({row["a"].name: row["a"].label, row["b"].name: row["b"].label})
    summary = []
    for name, texts in errors.items():
        label = "" if name == "__all__" else labels.get(name, name[len(CUSTOM_HEADER_PREFIX) :])
        summary.append({"name": name, "label": str(label), "texts": texts})
    return summary


def page_links(search, total):
    pages = max(1, math.ceil(total / search.size))
    link = lambda n: calls_url(search.query(page=n))  # noqa: E731
    return {
        "pages": pages,
        "first": link(1) if search.page > 1 else None,
        "prev": link(min(search.page - 1, pages)) if search.page > 1 else None,
        "next": link(search.page + 1) if search.page < pages else None,
        "last": link(pages) if search.page < pages else None,
        "from": (search.page - 1) * search.size + 1 if total else 0,
        "to": min(search.page * search.size, total),
    }


@page
@require_GET
def calls_view(request, actor):
    if not request.GET and settings.VOIPMON_BROWSE_DEFAULT_SEARCH:  # the bare /calls/: the recent calls
        return redirect(calls_url(settings.VOIPMON_BROWSE_DEFAULT_SEARCH))
    header_names = browse_header_names(actor=actor)
    search = search_parse(request.GET, header_names=header_names)
    if not request.htmx and untidy(request.GET) and not search.errors:
        return redirect(calls_url(search.query()))
    errors = {k: [str(t) for t in v] for k, v in search.errors.items()}
    rows, total = [], 0
    columns = [COLUMN_BY_KEY[key] for key in search.columns]
    if not errors:
        try:
            rows, total = browse_page(actor=actor, search=search, fields=fetched_fields(search.columns))
        except FilterInvalid as exc:
            errors = {k: [str(t) for t in v] for k, v in exc.errors.items()}
    groups = form_groups(dict(search.filters), errors, header_names)
    context = {
        "search": search,
        "query": search.query(),
        "query_first": search.query(page=1),  # what a saved search and the CSV keep: the search, not the page
        "groups": groups,
        "errors": error_summary(errors, groups),
        "columns": [
            {
                "key": c.key,
                "label": str(c.label),
                "sort": c.sort and search.sort_query(c.key),
                "state": sort_state(search, c),
            }
            for c in columns
        ],
        "all_columns": [{"key": c.key, "label": str(c.label), "on": c.key in search.columns} for c in COLUMNS],
        "rows": [row_html(row, columns, header_names) for row in rows],
        "total": total,
        "paging": page_links(search, total),
        "sizes": PAGE_SIZES,
        "saved": [
            {
                "id": s.pk,
                "name": s.name,
                "url": calls_url(s.query),
                "shared": s.shared,
                "mine": s.owner_id == actor.user_id,
            }
            for s in saved_filter_list(actor=actor)
        ],
        "can_pcap": actor.can("can_pcap"),
        "can_audio": actor.can("can_download_audio"),
        "timezone_name": actor.timezone,
        "is_admin": actor.is_admin,
    }
    partial = request.htmx and request.htmx.target == "results"
    response = render(
        request, "browse/_results.html" if partial else "browse/calls.html", context, status=400 if errors else 200
    )
    if request.htmx:
        response["HX-Push-Url"] = calls_url(search.query())
    return response


def row_html(row, columns, header_names):
    """One row of the table as HTML, built here rather than by template loops: fifty rows of nine cells
    through the template engine cost more server time than the search itself."""
    cells = [c.cell(row, header_names) for c in columns]
    link = format_html(
        '<td><a class="call-link" href="{}{}/">{}</a></td>', reverse("browse:calls"), row["id"], cells[0] or "—"
    )
    rest = format_html_join("", "<td>{}</td>", ((cell,) for cell in cells[1:]))
    select = format_html(
        '<td class="select"><input type="checkbox" name="cdr" value="{}" aria-label="{}"></td>',
        row["id"],
        _("Select call %(id)s") % {"id": row["id"]},
    )
    return format_html('<tr data-id="{}">{}{}{}</tr>', row["id"], select, link, rest)


def sort_state(search, column):
    if not column.sort or search.sort.lstrip("-") != column.key:
        return "none"
    return "descending" if search.sort.startswith("-") else "ascending"


class Echo:
    def write(self, value):
        return value


@page
@require_GET
def calls_csv_view(request, actor):
    header_names = browse_header_names(actor=actor)
    search = search_parse(request.GET, header_names=header_names)
    if search.errors:
        return HttpResponse(_("The search is not valid."), status=400, content_type="text/plain; charset=utf-8")
    columns = [COLUMN_BY_KEY[key] for key in search.columns]
    try:
        rows = browse_rows_all(actor=actor, search=search, fields=fetched_fields(search.columns))
    except FilterInvalid as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    writer = csv.writer(Echo())
    header = [
        str(c.label) if c.key not in ("calldate", "callend") else f"{c.label} ({actor.timezone})" for c in columns
    ]

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([c.cell(row, header_names) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="calls-{stamp}.csv"'
    return response


@page
@require_GET
def saved_filter_open_view(request, actor, filter_id):
    return redirect(calls_url(saved_filter_get(actor=actor, filter_id=filter_id).query))


@page
@require_POST
def saved_filter_save_view(request, actor):
    query = request.POST.get("query", "")
    try:
        saved = saved_filter_save(
            actor=actor, name=request.POST.get("name"), query=query, shared=request.POST.get("shared") == "on"
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The search is saved as %(name)s.") % {"name": saved.name})
    return redirect(calls_url(query))


@page
@require_POST
def saved_filter_delete_view(request, actor, filter_id):
    name = saved_filter_delete(actor=actor, filter_id=filter_id)
    messages.success(request, _("The saved filter %(name)s is deleted.") % {"name": name})
    return redirect(calls_url(request.POST.get("query", "")))


def export_context(job):
    return {
        "job": job,
        "finished": job.status in (ExportJob.DONE, ExportJob.FAILED),
        "download": reverse("export-download", args=[job.pk]) if job.status == ExportJob.DONE else None,
    }


@page
@require_POST
def export_create_view(request, actor):
    kind = request.POST.get("kind")
    ids = [id_or_none(value) for value in request.POST.getlist("cdr")]
    try:
        if kind not in EXPORT_KINDS:
            raise InvalidInput(_("Choose a zip of pcaps or of audio."))
        if not ids or None in ids:
            raise InvalidInput(_("Select at least one call."))
        if len(ids) > settings.VOIPMON_MEDIA_MAX_IDS:
            raise InvalidInput(_("Select at most %(n)s calls.") % {"n": settings.VOIPMON_MEDIA_MAX_IDS})
        job = export_create(actor=actor, kind=kind, cdr_ids=list(dict.fromkeys(ids)), options=EXPORT_KINDS[kind])
    except AppError as exc:
        return render(request, "browse/_export.html", {"error": exc.message}, status=exc.status)
    return render(request, "browse/_export.html", export_context(job), status=202 if not request.htmx else 200)


@page
@require_GET
def export_status_view(request, actor, job_id):
    return render(request, "browse/_export.html", export_context(export_job_get(actor=actor, job_id=job_id)))
