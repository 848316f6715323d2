"""The call page (/calls/<id>/) and the files it links to: SIP messages, pcap, audio, player strips.

The page needs `can_cdr` (403 without); a call of another tenant or outside the user's restrictions is
404, as in the API (one lookup: `media_cdr_get`). Each file checks its own flag as the REST endpoint
does. When the tenant requires an audit reason, the call and its files stay closed until the person
gives one for this call (recorded in the audit log; remembered for this session).
"""

import itertools

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.exceptions import AppError, InvalidInput, NotFound
from apps.core.pages import page_view
from apps.core.values import truthy

from .callaudit import audit_pending, audited_call_get, call_audit_record
from .callfiles import pcap_file
from .callpage import call_sides, stream_rows
from .history import ladder_title, sip_messages
from .http import media_response, media_response_ranged
from .ladder import brief_rows, ladder_svg
from .recordings import recording_file, strip_file
from .selectors import media_call_dtmf, media_call_streams, media_cdr_get, media_cdr_legs

LEG_WINDOW_SECONDS = 60  # other legs: calls linked to this one that began within this many seconds
REASON_MAX = 2000
SHARE_FLAGS = ("can_cdr_share_voipmonitor_org", "can_cdr_share_local_public", "can_cdr_share_local_private")


def media_rights(actor) -> dict:
    """What the page may offer; each file still checks its own flag."""
    rtp = not actor.can("no_rtp")
    return {
        "rtp": rtp,
        "pcap": actor.can("can_pcap"),
        "play": rtp and (actor.can("can_play_audio") or actor.can("can_download_audio")),
        "graphs": rtp and actor.can("can_play_audio"),
        "download_audio": rtp and actor.can("can_download_audio"),
        "share": any(actor.can(flag) for flag in SHARE_FLAGS),
    }


@require_GET
@page_view()
def call_page(request, actor, pk):
    cdr = media_cdr_get(actor=actor, cdr_id=pk)
    if audit_pending(request, actor, cdr):
        return render(request, "media/call_reason.html", {"call": cdr, "error": None})
    streams = media_call_streams(actor=actor, cdr=cdr)
    rights = media_rights(actor)
    try:
        messages = sip_messages(cdr=cdr)
        history_error = None
    except AppError as exc:  # a capture missing on disk: the call's figures still show
        messages, history_error = [], exc.message
    page = reverse("call-page", args=[cdr.pk])
    ladder = ladder_svg(messages, title=ladder_title(cdr), link=lambda n: f"{page}sip/{n}/") if messages else ""
    voice = [s for s in streams if s.received and s.payload not in (None, 1000, 1001)]
    context = {
        "call": cdr,
        "sides": call_sides(cdr),
        "streams": stream_rows(streams),
        "dtmf": media_call_dtmf(actor=actor, cdr=cdr),
        "legs": [leg for leg in media_cdr_legs(actor=actor, cdr=cdr, interval=LEG_WINDOW_SECONDS) if leg.pk != cdr.pk],
        "leg_window": LEG_WINDOW_SECONDS,
        "ladder": ladder,
        "history": brief_rows(messages, cdr_id=cdr.pk),
        "history_error": history_error,
        "rights": rights,
        "has_audio": bool(voice) and rights["play"],
        "share_accesses": [a for a, flag in SHARE_ACCESS if actor.can(flag)],
    }
    return render(request, "media/call.html", context)


SHARE_ACCESS = (
    ("public", "can_cdr_share_voipmonitor_org"),
    ("protected", "can_cdr_share_local_public"),
    ("login", "can_cdr_share_local_private"),
)


@require_POST
@page_view()
def call_reason(request, actor, pk):
    """Record the reason for opening the call, then show it. An empty reason changes nothing."""
    cdr = media_cdr_get(actor=actor, cdr_id=pk)
    reason = " ".join(str(request.POST.get("reason", "")).split())
    if not reason:
        error = _("Say why you open this call; the reason is kept in the audit log.")
        return render(request, "media/call_reason.html", {"call": cdr, "error": error}, status=400)
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("The reason is longer than %(max)s characters.") % {"max": REASON_MAX})
    call_audit_record(request, actor, cdr, reason)
    return redirect("call-page", pk=cdr.pk)


@require_GET
@page_view()
def call_sip_message(request, actor, pk, num):
    """One SIP message whole: a fragment for the page's panel (htmx), or a page of its own."""
    cdr = audited_call_get(request, actor, pk)
    messages = sip_messages(cdr=cdr)
    if not 1 <= num <= len(messages):
        raise NotFound(_("Call %(id)s has no SIP message %(num)s.") % {"id": cdr.pk, "num": num})
    message = messages[num - 1]
    context = {
        "call": cdr,
        "num": num,
        "count": len(messages),
        "message": message,
        "offset": message["time"] - messages[0]["time"],
    }
    template = "media/_sip_message.html" if request.headers.get("HX-Request") else "media/sip_message.html"
    return render(request, template, context)


@require_GET
@page_view(plain=True)
def call_pcap(request, actor, pk):
    cdr = audited_call_get(request, actor, pk)
    legs = truthy(request.GET.get("legs"))
    return media_response(pcap_file(actor=actor, cdr=cdr, interval=LEG_WINDOW_SECONDS if legs else None, merge=legs))


@require_GET
@page_view(plain=True)
def call_audio(request, actor, pk, fmt):
    """WAV or Ogg: inline for the player, as an attachment with ?download=1 (which needs can_download_audio)."""
    cdr = audited_call_get(request, actor, pk)
    download = truthy(request.GET.get("download"))
    media = recording_file(actor=actor, cdr=cdr, fmt=fmt, inline=not download)
    if fmt != "wav":
        return media_response(media)
    chunks = iter(media.chunks)
    header = next(chunks)  # a WAV starts with its header, which states the file's length (RIFF size + 8)
    media.chunks = itertools.chain([header], chunks)
    return media_response_ranged(media, int.from_bytes(header[4:8], "little") + 8, request.headers.get("Range"))


@require_GET
@page_view(plain=True)
def call_strip(request, actor, pk, kind):
    cdr = audited_call_get(request, actor, pk)
    response = media_response(strip_file(actor=actor, cdr=cdr, kind={"waveform": "P", "spectrogram": "S"}[kind]))
    response["Cache-Control"] = "private, max-age=3600"
    return response
