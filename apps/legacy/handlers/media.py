"""getPCAP, getVoiceRecording, getAudioGraph: read the legacy keys, call the media app, answer the file.

Options may come inside `params` or as top-level fields beside it (`cidMerge`, `zip`, ...); `params`
wins when both carry one. A failure answers the legacy JSON error (never a half file).
"""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from apps.core.bounds import date_check
from apps.core.exceptions import InvalidInput
from apps.media.access import cdr_ids_parse
from apps.media.callfiles import pcap_file
from apps.media.http import media_response
from apps.media.recordings import graph_file, recording_file, recordings_zip
from apps.media.selectors import media_cdr_by_callid, media_cdr_get, media_cdrs_get

from ..params import AUDIO_KEYS, GRAPH_KEYS, PCAP_KEYS, media_options, seconds_or_none, switch
from ..registry import legacy_task


def day_window(actor, value):
    """[start, end) of the day `value` names (a date or a datetime) in the actor's time zone; today by default."""
    zone = zoneinfo.ZoneInfo(actor.timezone)
    if value in (None, ""):
        day = timezone.now().astimezone(zone).date()
    else:
        moment = parse_datetime(str(value).replace("T", " ")) if len(str(value)) > 10 else None
        day = moment.date() if moment else parse_date(str(value)[:10]) if len(str(value)) >= 10 else None
        if day is None:
            raise InvalidInput(_("calldate must be a date (YYYY-MM-DD), not %(value)s.") % {"value": value})
        date_check(day, name="calldate")
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def call_from(actor, options, *, allow_list=False):
    """The call (or calls, for a list of cdrId) the options name: cdrId, or callId on `calldate`'s day."""
    if options.get("cdrId") not in (None, ""):
        value = options["cdrId"]
        ids = cdr_ids_parse(value)
        if allow_list and (isinstance(value, list) or len(ids) > 1):
            return media_cdrs_get(actor=actor, cdr_ids=ids)
        if len(ids) > 1:
            raise InvalidInput(_("cdrId takes one call here, not %(count)s.") % {"count": len(ids)})
        return media_cdr_get(actor=actor, cdr_id=ids[0])
    if options.get("callId") not in (None, ""):
        start, end = day_window(actor, options.get("calldate"))
        return media_cdr_by_callid(actor=actor, callid=str(options["callId"]), start=start, end=end)
    raise InvalidInput(_("cdrId or callId is required."))


@legacy_task("getPCAP", flag="can_pcap")
def get_pcap(*, actor, params, fields):
    options = media_options(params, fields, PCAP_KEYS)
    interval = seconds_or_none(options, "cidInterval")  # a bad value is refused before the call is looked up
    media = pcap_file(
        actor=actor,
        cdr=call_from(actor, options),
        sip_only=switch(options, "disable_rtp"),
        interval=interval,
        merge=switch(options, "cidMerge"),
        as_zip=switch(options, "zip"),
    )
    return media_response(media)


@legacy_task("getVoiceRecording", flag="can_download_audio")
def get_voice_recording(*, actor, params, fields):
    options = media_options(params, fields, AUDIO_KEYS)
    fmt = "ogg" if switch(options, "ogg") else "wav"
    after_connect = switch(options, "saveaudio_afterconnect")
    calls = call_from(actor, options, allow_list=True)
    if isinstance(calls, list):
        return media_response(recordings_zip(actor=actor, cdrs=calls, fmt=fmt, after_connect=after_connect))
    media = recording_file(actor=actor, cdr=calls, fmt=fmt, after_connect=after_connect, as_zip=switch(options, "zip"))
    return media_response(media)


@legacy_task("getAudioGraph", flag="can_play_audio")
def get_audio_graph(*, actor, params, fields):
    options = media_options(params, fields, GRAPH_KEYS)
    kind, side = str(options.get("type") or "S"), str(options.get("side") or "L")
    return media_response(graph_file(actor=actor, cdr=call_from(actor, options), kind=kind, side=side))
