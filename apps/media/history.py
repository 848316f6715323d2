"""A call's SIP history (legacy pcap2text.php, REST sip-history and ladder): read from its stored SIP pcap."""

from django.utils.translation import gettext as _

from .access import MediaFile
from .callfiles import pcap_path
from .ladder import brief_html, brief_rows, ladder_png, ladder_svg
from .siphistory import sip_messages_read


def sip_messages(*, cdr) -> list[dict]:
    """The call's SIP messages oldest first (the SIP-only pcap holds exactly the call's signalling)."""
    messages = sip_messages_read(pcap_path(cdr, sip_only=True))
    return sorted(messages, key=lambda m: m["time"])


def sip_history_rows(*, cdr, full=False) -> list[dict]:
    """brief_data rows; with `full`, each row also carries the whole message text."""
    messages = sip_messages(cdr=cdr)
    rows = brief_rows(messages, cdr_id=cdr.pk)
    if full:
        for row, message in zip(rows, messages, strict=True):
            row["full"] = message["full"]
    return rows


def sip_history_html(*, cdr) -> str:
    return brief_html(brief_rows(sip_messages(cdr=cdr), cdr_id=cdr.pk))


def ladder_title(cdr) -> str:
    return _("Call %(id)s: %(caller)s to %(called)s") % {"id": cdr.pk, "caller": cdr.caller, "called": cdr.called}


def ladder_file(*, cdr, fmt="svg") -> MediaFile:
    messages = sip_messages(cdr=cdr)
    if fmt == "png":
        return MediaFile(f"{cdr.pk}-ladder.png", "image/png", [ladder_png(messages, title=ladder_title(cdr))], True)
    svg = ladder_svg(messages, title=ladder_title(cdr)).encode()
    return MediaFile(f"{cdr.pk}-ladder.svg", "image/svg+xml", [svg], True)
