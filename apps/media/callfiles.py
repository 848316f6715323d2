"""A call's pcaps as files to send: one leg, legs merged, legs zipped; and zip bundles of many calls.

No ORM here: calls and stream rows come from `selectors.py`. Every file is checked on disk before
the first byte is produced, so a missing one is a clear error instead of a cut-off download.
"""

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .access import MediaFile, MediaFileMissing, require_pcap, safe_filename, sip_only_for
from .bundle import zip_bundle_stream
from .pcapmerge import pcap_merge_stream
from .selectors import media_cdr_legs

PCAP_TYPE = "application/vnd.tcpdump.pcap"
PCAPNG_TYPE = "application/x-pcapng"
ZIP_TYPE = "application/zip"
READ_CHUNK = 64 * 1024


def pcap_path(cdr, *, sip_only=False) -> str:
    """The local path of a call's stored pcap (SIP only, or SIP with RTP), checked to exist."""
    name = cdr.pcap_sip if sip_only else cdr.pcap_full
    if not name or not default_storage.exists(name):
        raise MediaFileMissing(_("The capture of call %(id)s is not available on the server.") % {"id": cdr.pk})
    return default_storage.path(name)


def file_chunks(path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        yield from iter(lambda: handle.read(READ_CHUNK), b"")


def leg_name(cdr, suffix="pcap") -> str:
    return f"{cdr.pk}-{safe_filename(cdr.callid)}.{suffix}"


def zip_file(name, entries) -> MediaFile:
    return MediaFile(f"{name}.zip", ZIP_TYPE, zip_bundle_stream(entries))


def pcap_file(*, actor, cdr, sip_only=False, interval=None, merge=False, as_zip=False) -> MediaFile:
    """The call's pcap; with `interval`, its other legs too: merged into one capture, or zipped."""
    require_pcap(actor)
    sip_only = sip_only_for(actor, sip_only)
    legs = media_cdr_legs(actor=actor, cdr=cdr, interval=interval) if interval else [cdr]
    paths = [pcap_path(leg, sip_only=sip_only) for leg in legs]
    base = safe_filename(cdr.callid)
    if len(legs) > 1 and not merge:
        return zip_file(base, [(leg_name(leg), path) for leg, path in zip(legs, paths, strict=True)])
    if len(legs) == 1:
        single = MediaFile(f"{base}.pcap", PCAP_TYPE, file_chunks(paths[0]))
    else:
        kind, chunks = pcap_merge_stream(paths)
        single = MediaFile(f"{base}.{kind}", PCAPNG_TYPE if kind == "pcapng" else PCAP_TYPE, chunks)
    if as_zip:
        return zip_file(base, [(single.filename, single.chunks)])
    return single


def pcap_bundle_entries(*, actor, cdrs, sip_only=False) -> list:
    """(name, path) of each call's pcap for a zip, every file checked before the zip starts."""
    require_pcap(actor)
    sip_only = sip_only_for(actor, sip_only)
    return [(leg_name(cdr), pcap_path(cdr, sip_only=sip_only)) for cdr in cdrs]
