"""The contract's own guarantees: a new task, module or endpoint without a case fails, by name."""

import pytest
from django.urls import path

from apps.legacy.registry import SQL_MODULES, TASKS, LegacyTask

from . import test_legacy_contract, test_rest_contract


def test_a_new_api_task_without_a_case_is_named(monkeypatch):
    monkeypatch.setitem(TASKS, "brandNewTask", LegacyTask(name="brandNewTask", handler=lambda **kw: {}, flag="can_cdr"))
    with pytest.raises(AssertionError, match="brandNewTask"):
        test_legacy_contract.test_every_api_task_has_a_contract_case()


def test_a_new_sql_module_without_a_case_is_named(monkeypatch):
    monkeypatch.setitem(SQL_MODULES, ("NEWMOD", "LISTING"), (lambda **kw: {}, "can_cdr"))
    with pytest.raises(AssertionError, match="NEWMOD"):
        test_legacy_contract.test_every_sql_module_has_a_contract_case()


def test_a_task_without_a_flag_fails(monkeypatch):
    monkeypatch.setitem(TASKS, "openTask", LegacyTask(name="openTask", handler=lambda **kw: {}, flag=None))
    with pytest.raises(AssertionError):
        test_legacy_contract.test_every_task_and_module_declares_a_flag()


def test_a_new_rest_endpoint_without_a_case_is_named():
    patterns = [path("api/v1/widgets/", lambda request: None, name="widget-list")]
    assert test_rest_contract.rest_endpoint_names(patterns) == {"widget-list"}
    assert "widget-list" not in test_rest_contract.REST_CASES


def test_a_new_method_on_an_endpoint_without_a_case_is_named():
    from rest_framework import viewsets
    from rest_framework.response import Response

    class WidgetViewSet(viewsets.ViewSet):
        def list(self, request):
            return Response([])

        def create(self, request):
            return Response({})

    patterns = [path("api/v1/sensors/", WidgetViewSet.as_view({"get": "list", "post": "create"}), name="sensor-list")]
    served = test_rest_contract.rest_endpoints(patterns)
    assert served == {"sensor-list": {"get", "post"}}
    served["sensor-list"].add("delete")
    assert test_rest_contract.uncovered_methods(served) == ["DELETE sensor-list"]
