"""Every write of the capture pipeline: packets in, call records, streams, DTMF and per-call pcaps out.

Import is transactional per call and idempotent: a call already stored under the same key (tenant,
sensor, Call-ID, first INVITE time) is skipped, so importing a file twice, or an overlapping file,
creates no duplicates. A call's pcaps are written to storage inside its transaction and removed
again if the transaction fails, so no half-imported call is ever left behind; their names come
from the call's key, so the files of a run killed before its commit are replaced when the call is
imported again. A full disk stops the import at the call being written (that call rolled back)
with a clear error; importing the file again adds the rest.
"""

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cdr.models import Cdr, CdrDtmf, CdrRtp
from apps.cdr.services import cdr_written
from apps.core.actor import system_actor
from apps.core.exceptions import AppError, InvalidInput, StorageFull
from apps.core.faults import database_unavailable, storage_full, storage_full_error
from apps.core.jobs import CLAIMED, JobHeartbeat, job_claim, job_finish, jobs_requeue
from apps.core.queueing import task_enqueue
from apps.core.storage import storage_save
from apps.sensors.models import Sensor

from .analyzer import CaptureError, analyze_capture
from .models import CaptureSettings, CaptureUpload, SipMessageCount
from .tasks import capture_upload_process_task

log = logging.getLogger(__name__)

STAT_KEYS = {"packets", "bytes", "sip_messages", "calls", "orphan_streams", "errors", "truncated"}
CDR_FIELDS = {f.name: f for f in Cdr._meta.concrete_fields}
RTP_FIELDS = {f.name for f in CdrRtp._meta.concrete_fields} - {"id", "tenant", "cdr"}
DTMF_FIELDS = {f.name for f in CdrDtmf._meta.concrete_fields} - {"id", "tenant", "cdr"}


class CaptureRefused(InvalidInput):
    """The file is not a capture: nothing was written."""


def cdr_values(fields):
    """The analyzer's fields as model values: unknown keys dropped, NULL text stored as ''."""
    values = {}
    for name, value in fields.items():
        field = CDR_FIELDS.get(name)
        if field is None or name in ("id", "tenant"):
            continue
        if value is None and not field.null:
            value = "" if isinstance(field, models.CharField) else field.get_default()
        values[name] = value
    return values


def capture_settings_for(tenant):
    return CaptureSettings.objects.visible_to(system_actor(tenant)).first()


def call_store(*, tenant, id_sensor, call):
    """Store one analysed call with its streams, DTMF and pcaps. Returns the Cdr, or None if it exists."""
    values = cdr_values(call.fields)
    values["id_sensor"] = id_sensor
    values["custom_headers"] = call.custom_headers or {}
    key = {"id_sensor": id_sensor, "callid": values["callid"], "calldate": values["calldate"]}
    if Cdr.objects.visible_to(system_actor(tenant)).filter(**key).exists():
        return None
    saved = []
    try:
        with transaction.atomic():
            cdr = Cdr.objects.create(tenant=tenant, **values)
            CdrRtp.objects.bulk_create(
                CdrRtp(tenant=tenant, cdr=cdr, **{k: v for k, v in s.items() if k in RTP_FIELDS}) for s in call.streams
            )
            CdrDtmf.objects.bulk_create(
                CdrDtmf(tenant=tenant, cdr=cdr, **{k: v for k, v in d.items() if k in DTMF_FIELDS}) for d in call.dtmf
            )
            stem = call_file_stem(tenant=tenant, id_sensor=id_sensor, callid=cdr.callid, calldate=cdr.calldate)
            files = (("pcap_sip", call.pcap_sip_path, "sip"), ("pcap_full", call.pcap_full_path, "full"))
            for attr, source, suffix in files:
                if source:
                    with open(source, "rb") as handle:
                        name = storage_save(f"{stem}.{suffix}.pcap", File(handle), replace=True)
                    saved.append(name)
                    setattr(cdr, attr, name)
            cdr.save(update_fields=["pcap_sip", "pcap_full"])
            cdr_written(tenant_id=tenant.pk, ids=[cdr.pk])  # summaries, in this transaction
        return cdr
    except IntegrityError:
        # the same call stored meanwhile by a concurrent import: still no duplicate (its files carry the
        # same names and belong to the call that was stored, so they stay)
        return None
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def calls_store(*, tenant, id_sensor, calls):
    """Store many analysed calls in one transaction (the live listener's calls that ended together):
    the rows and files ``call_store`` writes one call at a time, in a few round trips. Returns, per
    call, its Cdr or None (already stored, or twice in ``calls``). A duplicate stored meanwhile by a
    concurrent import fails the batch; it is then stored call by call."""
    if len(calls) == 1:
        return [call_store(tenant=tenant, id_sensor=id_sensor, call=calls[0])]
    prepared = []
    for call in calls:
        values = cdr_values(call.fields)
        values["id_sensor"] = id_sensor
        values["custom_headers"] = call.custom_headers or {}
        prepared.append(values)
    callids = sorted({v["callid"] for v in prepared})
    seen = set(
        Cdr.objects.visible_to(system_actor(tenant))
        .filter(id_sensor=id_sensor, callid__in=callids)
        .values_list("callid", "calldate")
    )
    saved, out, new = [], [], []
    try:
        with transaction.atomic():
            for call, values in zip(calls, prepared, strict=True):
                key = (values["callid"], values["calldate"])
                if key in seen:
                    out.append(None)
                    continue
                seen.add(key)
                stem = call_file_stem(tenant=tenant, id_sensor=id_sensor, callid=key[0], calldate=key[1])
                for attr, source, suffix in (
                    ("pcap_sip", call.pcap_sip_path, "sip"),
                    ("pcap_full", call.pcap_full_path, "full"),
                ):
                    if source:
                        with open(source, "rb") as handle:
                            values[attr] = storage_save(f"{stem}.{suffix}.pcap", File(handle), replace=True)
                        saved.append(values[attr])
                cdr = Cdr(tenant=tenant, **values)
                new.append((cdr, call))
                out.append(cdr)
            Cdr.objects.bulk_create([cdr for cdr, _call in new])
            CdrRtp.objects.bulk_create(
                CdrRtp(tenant=tenant, cdr=cdr, **{k: v for k, v in s.items() if k in RTP_FIELDS})
                for cdr, call in new
                for s in call.streams
            )
            CdrDtmf.objects.bulk_create(
                CdrDtmf(tenant=tenant, cdr=cdr, **{k: v for k, v in d.items() if k in DTMF_FIELDS})
                for cdr, call in new
                for d in call.dtmf
            )
            if new:
                cdr_written(tenant_id=tenant.pk, ids=[cdr.pk for cdr, _call in new])  # summaries, in this transaction
        return out
    except IntegrityError:
        for name in saved:
            default_storage.delete(name)
        return [call_store(tenant=tenant, id_sensor=id_sensor, call=call) for call in calls]
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def call_file_stem(*, tenant, id_sensor, callid, calldate):
    """Where a call's pcaps go: named after its import key, so a re-import writes the same names."""
    digest = hashlib.sha256(f"{id_sensor}|{callid}|{calldate.isoformat()}".encode()).hexdigest()[:24]
    return f"pcaps/{tenant.pk}/{calldate:%Y-%m-%d}/{id_sensor}-{digest}"


def sip_counts_store(*, tenant, id_sensor, stats, day):
    counts = SipMessageCount.objects.visible_to(system_actor(tenant))
    for method, count in stats.items():
        if method in STAT_KEYS or not isinstance(count, int) or count <= 0:
            continue
        row, _created = counts.get_or_create(tenant=tenant, id_sensor=id_sensor, day=day, method=method.upper()[:20])
        counts.filter(pk=row.pk).update(count=models.F("count") + count)


def capture_import_file(*, tenant, id_sensor, path, progress=None, heartbeat=None):
    """Analyse a pcap/pcapng file and store its calls for a tenant's sensor. Returns a summary dict.

    Raises CaptureRefused when the file is not a capture (nothing written). A truncated file imports
    what it holds and says so; garbled packets are counted and skipped.
    """
    if not Sensor.objects.visible_to(system_actor(tenant)).filter(id_sensor=id_sensor).exists():
        raise InvalidInput(_("Sensor %(id)s does not exist in this tenant.") % {"id": id_sensor})
    config = capture_settings_for(tenant)
    work = tempfile.mkdtemp(prefix="voipmon-import-")
    try:
        try:
            result = analyze_capture(
                str(path),
                out_dir=work,
                custom_headers=config.header_names() if config else (),
                match_header=(config.match_header or None) if config else None,
                progress=progress,
            )
        except CaptureError as exc:
            raise CaptureRefused(_("Not a pcap or pcapng capture: %(error)s") % {"error": exc}) from None
        except OSError as exc:
            if storage_full(exc):
                raise storage_full_error(exc) from None
            raise
        imported = duplicates = 0
        for call in result.calls:
            try:
                stored = call_store(tenant=tenant, id_sensor=id_sensor, call=call)
            except StorageFull as exc:
                detail = _(
                    "%(imported)s of %(calls)s calls were imported before the disk filled up, the call being "
                    "written was rolled back; importing the file again adds the rest."
                ) % {"imported": imported + duplicates, "calls": len(result.calls)}
                raise StorageFull(f"{exc.message} {detail}") from None
            if stored is None:
                duplicates += 1
            else:
                imported += 1
            if heartbeat:
                heartbeat()
        sip_counts_store(tenant=tenant, id_sensor=id_sensor, stats=result.stats, day=timezone.now().date())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats = result.stats
    return {
        "packets": stats["packets"],
        "calls": stats["calls"],
        "imported": imported,
        "duplicates": duplicates,
        "orphan_streams": stats["orphan_streams"],
        "orphans": result.orphan_streams,
        "errors": stats["errors"],
        "truncated": bool(stats["truncated"]),
        "other_sip": {k: v for k, v in stats.items() if k not in STAT_KEYS},
    }


def capture_import_demo(*, tenant, folder):
    """Import every public capture into the demo tenant's first sensor (idempotent)."""
    sensor = Sensor.objects.visible_to(system_actor(tenant)).order_by("id_sensor").first()
    totals = {"files": 0, "imported": 0, "duplicates": 0, "refused": 0}
    for path in sorted(Path(folder).glob("*.pcap*")):
        try:
            summary = capture_import_file(tenant=tenant, id_sensor=sensor.id_sensor, path=path)
        except AppError:
            totals["refused"] += 1
            continue
        totals["files"] += 1
        totals["imported"] += summary["imported"]
        totals["duplicates"] += summary["duplicates"]
    return totals


def capture_upload_create(*, actor, uploaded, id_sensor):
    """Store an uploaded file and queue its import (after commit). The tenant comes from the actor."""
    actor.require("can_upload_pcap")
    if not Sensor.objects.visible_to(actor).filter(id_sensor=id_sensor).exists():
        raise InvalidInput(_("Sensor %(id)s does not exist in this tenant.") % {"id": id_sensor})
    if uploaded.size > settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES:
        raise AppError(capture_too_large_message(uploaded.size), code="too_large", status=413)
    stamp = timezone.now()
    stored = storage_save(f"uploads/{actor.tenant_id}/{stamp:%Y-%m-%d}/{uploaded.name[-100:]}", uploaded)
    try:
        with transaction.atomic():
            upload = CaptureUpload.objects.create(
                tenant_id=actor.tenant_id,
                id_sensor=id_sensor,
                original_name=uploaded.name[:255],
                stored_name=stored,
                size=uploaded.size,
                created_by_id=actor.user_id,
            )
            task_enqueue(capture_upload_process_task, upload.pk)
    except BaseException:
        default_storage.delete(stored)  # refused (queue down, database lost): no file without its upload
        raise
    return upload


def capture_too_large_message(size):
    limit = settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES
    return _("The file is %(size)s bytes; uploads are limited to %(limit)s bytes.") % {"size": size, "limit": limit}


def capture_upload_process(*, upload_id):
    """Run one queued upload's import, recording progress, the summary or a clear error.

    Returns the job's outcome: "missing" or "busy" ask the task to come back later; a run after a killed
    one imports what is missing (import is idempotent per call)."""
    outcome, attempt = job_claim(model=CaptureUpload, pk=upload_id)
    if outcome != CLAIMED:
        return outcome
    upload = CaptureUpload.objects.select_related("tenant").get(pk=upload_id)
    beat = JobHeartbeat(model=CaptureUpload, pk=upload_id)
    last = [0.0]

    def progress(done, total):
        percent = round(100.0 * done / total, 1) if total else 100.0
        if percent - last[0] >= 5 or percent >= 100:
            last[0] = percent
            beat(progress=min(percent, 99.9))
        else:
            beat()

    try:
        summary = capture_import_file(
            tenant=upload.tenant,
            id_sensor=upload.id_sensor,
            path=default_storage.path(upload.stored_name),
            progress=progress,
            heartbeat=beat,
        )
    except AppError as exc:
        finish = {"status": CaptureUpload.FAILED, "error": exc.message}
    except Exception as exc:
        if database_unavailable(exc):
            raise  # the database went away: the task resumes the job once it is back
        log.exception("capture upload %s failed", upload_id)
        finish = {"status": CaptureUpload.FAILED, "error": _("The import failed; the server log has the details.")}
    else:
        summary.pop("orphans", None)
        finish = {"status": CaptureUpload.DONE, "progress": 100.0, "summary": summary}
    job_finish(model=CaptureUpload, pk=upload_id, attempt=attempt, **finish)
    return finish["status"]


def capture_uploads_requeue() -> int:
    """Queue again the uploads whose message may have been lost (see apps.core.jobs.jobs_requeue)."""
    return jobs_requeue(model=CaptureUpload, task=capture_upload_process_task)
