"""Who may take which media, how ids and options are read, and the media core's errors at the Django edge.

Capabilities (docs/decisions.md, "Media"): `can_pcap` for pcaps; `can_download_audio` for audio files
(getVoiceRecording, REST /audio, audio exports); `can_play_audio` for the audio graphs and for REST
/audio?inline=1 (a player; `can_download_audio` also allows it); `no_rtp` takes every piece of RTP
away: pcaps hold SIP only, no audio, no graphs.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.bounds import id_text_valid, shown
from apps.core.exceptions import AppError, Forbidden, InvalidInput

from .errors import MediaError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class MediaUnavailable(AppError):
    """The call has no media of the kind asked (no audio, a codec we cannot decode)."""

    status = 422
    code = "media_unavailable"


class MediaFileMissing(AppError):
    status = 404
    code = "file_missing"


@dataclass
class MediaFile:
    """A file to send: its name, content type and bytes, produced lazily chunk by chunk."""

    filename: str
    content_type: str
    chunks: Iterable[bytes]
    inline: bool = False


def media_error(exc: MediaError) -> MediaUnavailable:
    """The core's untranslated template, translated here and then filled."""
    return MediaUnavailable(exc.translated(_))


def safe_filename(text: str, default: str = "call") -> str:
    return _UNSAFE.sub("_", str(text))[:100].strip("._") or default


def require_pcap(actor):
    actor.require("can_pcap")


def sip_only_for(actor, asked=False) -> bool:
    """no_rtp users get the SIP-only pcap whatever they ask."""
    return bool(asked) or actor.can("no_rtp")


def require_no_rtp_off(actor):
    if actor.can("no_rtp"):
        raise Forbidden(_("Permission denied: your account sees SIP only (no_rtp), not audio."))


def require_audio_download(actor):
    require_no_rtp_off(actor)
    actor.require("can_download_audio")


def require_graph(actor):
    require_no_rtp_off(actor)
    actor.require("can_play_audio")


def require_audio_inline(actor):
    """Playing in a browser's player: either audio flag will do."""
    require_no_rtp_off(actor)
    if not actor.can("can_download_audio"):
        actor.require("can_play_audio")


def cdr_ids_parse(value, *, name="cdrId") -> list[int]:
    """One id, a list of ids or a comma-separated text -> ids without repeats, in order; capped."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        parts = [value]
    ids = []
    for part in parts:
        text = str(part).strip()
        if isinstance(part, bool) or not id_text_valid(text):
            raise InvalidInput(
                _("%(name)s must be a call id (a number), not %(value)s.") % {"name": name, "value": shown(part)}
            )
        ids.append(int(text))
    if not ids:
        raise InvalidInput(_("%(name)s is required.") % {"name": name})
    limit = settings.VOIPMON_MEDIA_MAX_IDS
    if len(ids) > limit:
        raise InvalidInput(
            _("%(count)s calls asked; at most %(limit)s calls fit in one request.")
            % {"count": len(ids), "limit": limit}
        )
    return list(dict.fromkeys(ids))


def seconds_parse(value, *, name, maximum=86400) -> float:
    try:
        number = float(str(value))
    except ValueError:
        raise InvalidInput(
            _("%(name)s must be a number of seconds, not %(value)s.") % {"name": name, "value": value}
        ) from None
    if not 0 <= number <= maximum:
        raise InvalidInput(_("%(name)s must be between 0 and %(max)s seconds.") % {"name": name, "max": maximum})
    return number
