"""The one application error type. REST and the legacy shim each render it in their own shape."""

from django.utils.translation import gettext_lazy as _


class AppError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message=None, *, code=None, status=None):
        self.message = str(message) if message is not None else str(self.default_message)
        if code:
            self.code = code
        if status:
            self.status = status
        super().__init__(self.message)

    default_message = _("The request is invalid.")


class InvalidInput(AppError):
    status = 400
    code = "invalid"


class NotFound(AppError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class Conflict(AppError):
    """The object would clash with one that exists (a sensor number, a user name)."""

    status = 409
    code = "exists"


class NotAuthenticated(AppError):
    status = 401
    code = "not_authenticated"
    default_message = _("Authentication failed.")


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"
    default_message = _("Too many concurrent requests.")


class ServiceUnavailable(AppError):
    """A backing service (database, task queue) is down: nothing was changed; the client may retry."""

    status = 503
    code = "unavailable"
    default_message = _("The service is temporarily unavailable; nothing was changed. Try again shortly.")


class StorageFull(AppError):
    """The media disk (or the worker's temporary space) is full: what was being written is rolled back."""

    status = 507
    code = "storage_full"
    default_message = _("The server's storage is full; nothing of this request was kept. Free space and try again.")
