from django.utils.translation import gettext as _

from apps.core.bounds import id_or_none
from apps.core.exceptions import NotFound

from .models import CaptureUpload


def capture_upload_list(*, actor):
    actor.require("can_upload_pcap")
    return CaptureUpload.objects.visible_to(actor)


def capture_upload_get(*, actor, upload_id):
    try:
        return capture_upload_list(actor=actor).get(pk=id_or_none(upload_id))
    except (CaptureUpload.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Upload %(id)s not found.") % {"id": upload_id}) from None


def capture_upload_recent(*, actor, limit=20):
    """The tenant's latest uploads, newest first (the uploads page)."""
    return list(capture_upload_list(actor=actor).order_by("-created_at", "-id")[:limit])
