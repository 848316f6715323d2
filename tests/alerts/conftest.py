import pytest

from apps.core.actor import system_actor


@pytest.fixture
def evaluate():
    """One round for a tenant at a given window end; returns the events created."""
    from apps.alerts.evaluation import tenant_evaluate

    def run(tenant, end):
        return tenant_evaluate(tenant=tenant, end=end)

    return run


@pytest.fixture
def rule_make():
    from apps.alerts.services import alert_rule_create

    counter = iter(range(1, 10**6))

    def make(tenant, kind, **fields):
        data = {"name": f"{kind} {next(counter)}", "kind": kind, "threshold": 1, "window_minutes": 5, **fields}
        return alert_rule_create(actor=system_actor(tenant), **data)

    return make
