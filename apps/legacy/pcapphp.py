"""`/php/pcap.php` (a call's pcap) and `/php/pcap2text.php` (its SIP history), for a legacy session.

pcap.php answers a `text/html` message when the file is not available, as the GUI does; a missing
session is the usual `no_session` JSON. pcap2text.php answers JSON (brief_data) or HTML (brief, getMSC).
"""

import html
import logging

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.core.exceptions import AppError, InvalidInput
from apps.core.values import truthy
from apps.media.access import require_pcap
from apps.media.callfiles import pcap_file
from apps.media.history import ladder_file, sip_history_html, sip_history_rows
from apps.media.http import media_response
from apps.media.selectors import media_cdr_get

from . import envelope
from .parsing import request_fields
from .sessions import NoSession, session_actor
from .views import legacy_safe

log = logging.getLogger(__name__)
HTML = "text/html; charset=utf-8"


def html_message(text):
    return HttpResponse(f"<!DOCTYPE html><html><body><p>{html.escape(str(text))}</p></body></html>", content_type=HTML)


def call_of(actor, fields):
    if fields.get("id") in (None, ""):
        raise InvalidInput(_("id (the call id) is required."))
    return media_cdr_get(actor=actor, cdr_id=fields["id"])


@csrf_exempt
def pcap_php(request):
    fields = request_fields(request)
    try:
        actor = session_actor(request, fields)
        require_pcap(actor)
        media = pcap_file(actor=actor, cdr=call_of(actor, fields), sip_only=truthy(fields.get("disable_rtp")))
        return media_response(media)
    except NoSession:
        return envelope.no_session()
    except AppError as exc:
        return html_message(exc.message)
    except Exception:
        log.exception("pcap.php failed")
        return html_message(_("Internal error; the administrator can find it in the server log."))


def brief_data(actor, cdr, fields):
    rows = sip_history_rows(cdr=cdr, full=truthy(fields.get("full")))
    return envelope.ok({"total": len(rows), "errors": {}, "results": rows})


def brief(actor, cdr, fields):
    return HttpResponse(sip_history_html(cdr=cdr), content_type=HTML)


def get_msc(actor, cdr, fields):
    if str(fields.get("format") or "").lower() == "png":
        return media_response(ladder_file(cdr=cdr, fmt="png"))
    svg = b"".join(ladder_file(cdr=cdr, fmt="svg").chunks).decode()
    return HttpResponse(f'<div class="msc">{svg}</div>', content_type=HTML)


ACTIONS = {"brief_data": brief_data, "brief": brief, "getMSC": get_msc}


@legacy_safe
def pcap2text_php(request):
    fields = request_fields(request)
    action = ACTIONS.get(str(fields.get("action") or ""))
    actor = session_actor(request, fields)
    if action is None:
        raise InvalidInput(
            _("Unknown action: %(action)s (brief_data, brief or getMSC).") % {"action": fields.get("action") or "-"}
        )
    return action(actor, call_of(actor, fields), fields)
