"""Every read of the media app. Calls come from `cdr_visible` (so `visible_to`), exports from `visible_to`."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.cdr.models import CdrDtmf, CdrRtp
from apps.cdr.selectors import cdr_get, cdr_visible
from apps.core.bounds import id_or_none
from apps.core.exceptions import NotFound

from .models import ExportJob

STREAM_FIELDS = ("cdr_id", "saddr", "sport", "daddr", "dport", "ssrc", "side", "payload", "received")


def media_cdr_get(*, actor, cdr_id):
    return cdr_get(actor=actor, cdr_id=cdr_id)


def media_cdrs_get(*, actor, cdr_ids):
    """The calls in the order asked; NotFound naming the first id the actor cannot see."""
    found = {cdr.pk: cdr for cdr in cdr_visible(actor=actor).filter(pk__in=set(cdr_ids))}
    for cdr_id in cdr_ids:
        if cdr_id not in found:
            raise NotFound(_("Call %(id)s not found.") % {"id": cdr_id})
    return [found[cdr_id] for cdr_id in cdr_ids]


def media_cdr_by_callid(*, actor, callid, start, end):
    """The first call with this Call-ID that began in [start, end)."""
    cdr = (
        cdr_visible(actor=actor)
        .filter(callid=callid, calldate__gte=start, calldate__lt=end)
        .order_by("calldate", "id")
        .first()
    )
    if cdr is None:
        raise NotFound(_("Call %(callid)s not found.") % {"callid": callid})
    return cdr


def media_cdr_legs(*, actor, cdr, interval):
    """The call and its other legs that began within `interval` seconds of it, oldest first.

    A leg is a call with the same Call-ID (a proxy or a second sensor), one linked by the match header
    (its value is the other leg's Call-ID, or both carry the same value), or, for a B2BUA that adds no
    such header, a call from the same caller number whose SIP goes out from the address the first leg
    went to (or came from the address the first leg came to)."""
    window = dt.timedelta(seconds=interval)
    linked = Q(callid=cdr.callid) | Q(match_header=cdr.callid)
    if cdr.match_header:
        linked |= Q(callid=cdr.match_header) | Q(match_header=cdr.match_header)
    if cdr.caller and cdr.sipcalledip:
        linked |= Q(caller=cdr.caller, sipcallerip=cdr.sipcalledip)
    if cdr.caller and cdr.sipcallerip:
        linked |= Q(caller=cdr.caller, sipcalledip=cdr.sipcallerip)
    queryset = cdr_visible(actor=actor).filter(
        linked, calldate__gte=cdr.calldate - window, calldate__lte=cdr.calldate + window
    )
    legs = {leg.pk: leg for leg in queryset.order_by("calldate", "id")[:100]}
    legs.setdefault(cdr.pk, cdr)
    return sorted(legs.values(), key=lambda leg: (leg.calldate, leg.pk))


def media_stream_rows(*, actor, cdr_ids):
    """{cdr id: [stream row, ...]} for calls already checked with `media_cdr_get` / `media_cdrs_get`."""
    rows = {cdr_id: [] for cdr_id in cdr_ids}
    queryset = CdrRtp.objects.visible_to(actor).filter(cdr_id__in=list(cdr_ids)).order_by("cdr_id", "firsttime")
    for row in queryset.values(*STREAM_FIELDS):
        rows[row["cdr_id"]].append(row)
    return rows


def media_call_streams(*, actor, cdr):
    """Every stored RTP stream of a call already checked with `media_cdr_get`, in order of first packet."""
    return list(CdrRtp.objects.visible_to(actor).filter(cdr_id=cdr.pk).order_by("firsttime", "id"))


def media_call_dtmf(*, actor, cdr):
    """The call's DTMF events in time order."""
    return list(CdrDtmf.objects.visible_to(actor).filter(cdr_id=cdr.pk).order_by("time", "id"))


def export_job_list(*, actor):
    """The actor's own exports: the calls in one were chosen with its owner's restrictions."""
    return ExportJob.objects.visible_to(actor).filter(created_by_id=actor.user_id)


def export_job_get(*, actor, job_id):
    try:
        return export_job_list(actor=actor).get(pk=id_or_none(job_id))
    except (ExportJob.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Export %(id)s not found.") % {"id": job_id}) from None
