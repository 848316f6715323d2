"""Writing to the media storage so that a full disk leaves nothing half-written behind.

Django's FileSystemStorage leaves the partial file when a write fails (ENOSPC); here it is removed and
the failure becomes StorageFull, with the operator's message.
"""

from django.core.files.storage import default_storage

from .faults import storage_full, storage_full_error


def storage_save(name, content, *, replace=False, detail="") -> str:
    """Save `content` under `name` (replacing a leftover of an interrupted earlier run when `replace`);
    returns the stored name. On any failure the partial file is gone; a full disk raises StorageFull."""
    if replace:
        default_storage.delete(name)
    else:
        name = default_storage.get_available_name(name)  # a free name, so a partial file there is ours
    try:
        return default_storage.save(name, content)
    except BaseException as exc:
        default_storage.delete(name)
        if storage_full(exc):
            raise storage_full_error(exc, detail) from None
        raise
