"""The tenant's audit-reason rule for pages that open a call (the call page, its files, its share button).

When the tenant requires it (`Tenant.audit_reason_required`), a person gives a reason before a call's
page shows it; the reason goes to the audit log (`audit_record`, the same log as the legacy
`auditReason`) and the session remembers the call, so its files and messages open without asking again.
"""

from django.utils.translation import gettext as _

from apps.core.exceptions import Forbidden
from apps.core.services import audit_record
from apps.tenants.selectors import tenant_audit_reason_required

from .selectors import media_cdr_get

AUDITED = "audited-calls"  # session key: ids of the calls this session gave a reason for
AUDITED_MAX = 500


def audit_pending(request, actor, cdr) -> bool:
    return tenant_audit_reason_required(actor=actor) and cdr.pk not in request.session.get(AUDITED, [])


def audited_call_get(request, actor, pk):
    """The call (404 when not visible), once the tenant's audit rule is met; 403 while a reason is owed."""
    cdr = media_cdr_get(actor=actor, cdr_id=pk)
    if audit_pending(request, actor, cdr):
        raise Forbidden(_("Give a reason for opening call %(id)s on its page first.") % {"id": cdr.pk})
    return cdr


def call_audit_record(request, actor, cdr, reason):
    audit_record(actor=actor, task=f"call page {cdr.pk}", reason=reason)
    audited = [cid for cid in request.session.get(AUDITED, []) if cid != cdr.pk][-(AUDITED_MAX - 1) :]
    request.session[AUDITED] = [*audited, cdr.pk]
