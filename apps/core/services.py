"""Writes that belong to no single feature app."""

from .models import AuditLog

AUDIT_REASON_MAX = 2000


def audit_record(*, actor, task, reason):
    """Record that the actor ran `task`, with the reason the client gave (`auditReason`)."""
    return AuditLog.objects.create(
        tenant_id=actor.tenant_id, user_id=actor.user_id, task=str(task)[:100], reason=str(reason)[:AUDIT_REASON_MAX]
    )
