"""The one place that filters tenant-owned data for an actor.

Every query on a tenant-owned model starts from `Model.objects.visible_to(actor)`. This module alone
filters by tenant, by the user's sensor list and by the user's number / domain / IP / VLAN
restrictions. A model states which of its fields carry those facts; the rules live here.
"""

from functools import reduce
from operator import and_, or_

from django.db import models
from django.db.models import Q
from django.db.models.functions import Left
from django.db.models.lookups import Exact

HEAD_LENGTH = 2  # the characters a model's prefix-head index holds (`prefix_head_fields`)


def value_match(field, value, head_fields=()):
    """Exact match, or the legacy wildcard match when the value holds `%`.

    For a field in `head_fields` (indexed as tenant, its first two characters, calldate), a pattern that
    starts with two literal characters also states them as `left(field, 2) = 'xy'` (alone for `xy%`,
    which is the same test). That index answers it inside a date window, where the prefix index must
    read the prefix's entries of every day ever stored.
    """
    if "%" not in value:
        return Q(**{field: value})
    like = Q(**{f"{field}__like": value})
    literal = value.split("%", 1)[0]
    if field not in head_fields or len(literal) < HEAD_LENGTH:
        return like
    head = Q(Exact(Left(field, HEAD_LENGTH), literal[:HEAD_LENGTH]))
    return head if value == literal[:HEAD_LENGTH] + "%" else head & like


def either_side(fields, values, both_sides, make):
    """One rule kind: a call matches when caller or called matches (both with `both_sides`)."""
    per_side = [reduce(or_, (make(field, value) for value in values)) for field in fields]
    return reduce(and_ if both_sides else or_, per_side)


def restriction_q(model, restrictions):
    spec = getattr(model, "scope_restriction_fields", None)
    if not spec or not restrictions:
        return Q()
    parts = []
    both = restrictions.both_sides
    if restrictions.numbers:
        heads = getattr(model, "prefix_head_fields", ())
        parts.append(either_side(spec["numbers"], restrictions.numbers, both, lambda f, v: value_match(f, v, heads)))
    if restrictions.domains:
        parts.append(either_side(spec["domains"], restrictions.domains, both, value_match))
    if restrictions.ips:
        parts.append(either_side(spec["ips"], restrictions.ips, both, lambda f, v: Q(**{f"{f}__in_cidr": v})))
    if restrictions.vlans:
        parts.append(Q(**{f"{spec['vlan']}__in": restrictions.vlans}))
    # Every configured kind must hold: a restriction only ever narrows what a user sees.
    return reduce(and_, parts)


def scope_queryset(queryset, actor):
    if actor is None or actor.tenant_id is None:
        return queryset.none()
    model = queryset.model
    queryset = queryset.filter(**{model.scope_tenant_field: actor.tenant_id})
    sensor_field = getattr(model, "scope_sensor_field", None)
    if sensor_field and actor.sensor_ids is not None:
        queryset = queryset.filter(**{f"{sensor_field}__in": actor.sensor_ids})
    return queryset.filter(restriction_q(model, actor.restrictions))


class TenantQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return scope_queryset(self, actor)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class TenantOwned(models.Model):
    """Abstract base: a row that belongs to one tenant."""

    scope_tenant_field = "tenant_id"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True
