"""What a share link shows: the call's figures, its ladder, pcap and audio, anonymised when asked.

Reads go through the media app with the tenant's system actor, limited to the calls the link names
(checked against the creator's view when the link was made). The packet rewrite itself is `anon.py`.
"""

from django.utils.translation import gettext as _

from apps.capture.pcapio import CaptureFormatError, pcap_iter_file
from apps.core.actor import system_actor
from apps.media.access import MediaFile
from apps.media.callfiles import PCAP_TYPE, PCAPNG_TYPE, pcap_path
from apps.media.history import sip_messages
from apps.media.ladder import brief_rows, ladder_svg
from apps.media.pcapmerge import pcap_merge_stream
from apps.media.recordings import graph_file, recording_file
from apps.media.selectors import media_cdrs_get

from .anon import AddressMap, Anonymizer, NumberMask, anonymize_records, rules_parse
from .anonpcap import anonymized_pcap_chunks
from .models import ShareLink
from .selectors import share_policy


class SharedCall:
    """One link's call, legs and anonymiser, built once per request."""

    def __init__(self, link: ShareLink):
        self.link = link
        self.actor = system_actor(link.tenant)
        self.cdrs = media_cdrs_get(actor=self.actor, cdr_ids=link.cdr_ids or [link.cdr_id])
        self.cdr = next((cdr for cdr in self.cdrs if cdr.pk == link.cdr_id), self.cdrs[0])
        self.sip_only = link.content != ShareLink.SIP_RTP
        self.anonymizer = self._anonymizer() if (link.anonymise or link.mask_digits is not None) else None

    def _anonymizer(self):
        link = self.link
        numbers = (
            NumberMask([value for cdr in self.cdrs for value in (cdr.caller, cdr.called)], keep=link.mask_digits or 0)
            if link.mask_digits is not None
            else None
        )
        if link.anonymise:
            rules = rules_parse(share_policy(tenant_id=link.tenant_id).anon_rules)
            anonymizer = Anonymizer(AddressMap(rules, salt=link.salt.encode()), numbers)
            for cdr in self.cdrs:  # learn the call's addresses and SDP before the first packet goes out
                anonymizer.prescan(pcap_iter_file(pcap_path(cdr, sip_only=True)))
            return anonymizer
        return Anonymizer(AddressMap(keep_all=True), numbers)

    def text(self, value) -> str:
        if value in (None, ""):
            return "" if value is None else value
        return self.anonymizer.text(str(value)) if self.anonymizer else str(value)

    # ---- figures and ladder -------------------------------------------------------------------
    def figures(self) -> dict:
        cdr, t = self.cdr, self.text
        sides = []
        for prefix, label in (("a_", _("caller -> callee")), ("b_", _("callee -> caller"))):
            received = getattr(cdr, f"{prefix}received", None)
            if received is None and getattr(cdr, f"{prefix}saddr", None) is None:
                continue
            mos = getattr(cdr, f"{prefix}mos_f1_mult10", None)
            loss = getattr(cdr, f"{prefix}packet_loss_perc_mult1000", None)
            jitter = getattr(cdr, f"{prefix}avgjitter_mult10", None)
            sides.append(
                {
                    "label": label,
                    "source": t(getattr(cdr, f"{prefix}saddr", "") or ""),
                    "received": received,
                    "lost": getattr(cdr, f"{prefix}lost", None),
                    "loss": None if loss is None else loss / 1000,
                    "jitter": None if jitter is None else jitter / 10,
                    "maxjitter": getattr(cdr, f"{prefix}maxjitter", None),
                    "mos": None if mos is None else mos / 10,
                }
            )
        return {
            "caller": t(cdr.caller),
            "called": t(cdr.called),
            "caller_ip": t(cdr.sipcallerip),
            "called_ip": t(cdr.sipcalledip),
            "callid": t(cdr.callid),
            "start": cdr.calldate,
            "end": cdr.callend,
            "duration": cdr.duration,
            "connect_duration": cdr.connect_duration,
            "response": self.response(),
            "whohanged": cdr.whohanged,
            "legs": len(self.cdrs),
            "sides": sides,
        }

    def response(self) -> str:
        code, text = self.cdr.lastSIPresponseNum, self.text(self.cdr.lastSIPresponse or "")
        return text if not code or text.startswith(str(code)) else f"{code} {text}".strip()

    def messages(self) -> list:
        messages = []
        for cdr in self.cdrs:
            messages.extend(sip_messages(cdr=cdr))
        messages.sort(key=lambda message: message["time"])
        if self.anonymizer is not None:
            for message in messages:
                for key in ("src", "dst", "first_line", "full"):
                    message[key] = self.text(message[key])
        return messages

    def history_rows(self) -> list:
        rows = brief_rows(self.messages(), cdr_id=self.cdr.pk)
        return rows

    def ladder(self) -> MediaFile:
        title = _("Call from %(caller)s to %(called)s") % {
            "caller": self.text(self.cdr.caller),
            "called": self.text(self.cdr.called),
        }
        svg = ladder_svg(self.messages(), title=title).encode()
        return MediaFile(f"share-{self.link.pk}-ladder.svg", "image/svg+xml", [svg], inline=True)

    # ---- files --------------------------------------------------------------------------------
    def pcap(self) -> MediaFile:
        paths = [pcap_path(cdr, sip_only=self.sip_only) for cdr in self.cdrs]
        anonymizer = self.anonymizer
        transform = (lambda records: anonymize_records(records, anonymizer)) if anonymizer else None
        kind, chunks = "pcap", None
        if anonymizer and len(paths) == 1:
            try:  # one classic pcap: rewritten record by record, headers kept (the fast path)
                chunks = anonymized_pcap_chunks(paths[0], anonymizer)
            except CaptureFormatError:
                chunks = None
        if chunks is None:
            kind, chunks = pcap_merge_stream(paths, transform)
        name = f"shared-call-{self.link.pk}{'-anonymised' if self.link.anonymise else ''}.{kind}"
        return MediaFile(name, PCAPNG_TYPE if kind == "pcapng" else PCAP_TYPE, chunks)

    def audio(self, *, inline=True) -> MediaFile:
        media = recording_file(actor=self.actor, cdr=self.cdr, fmt="wav", inline=inline)
        media.filename = f"shared-call-{self.link.pk}.wav"
        return media

    def waveform(self, side="L") -> MediaFile:
        return graph_file(actor=self.actor, cdr=self.cdr, kind="P", side=side)
