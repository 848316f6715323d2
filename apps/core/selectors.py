"""Reads that belong to no single feature app."""

from .models import AuditLog


def audit_list(*, actor):
    actor.require("can_audit")
    return AuditLog.objects.visible_to(actor)
