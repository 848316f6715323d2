"""The task registry of /php/api.php: `task -> handler`, each with the capability it needs."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LegacyTask:
    name: str
    handler: Callable
    flag: str | None
    wants_request: bool = False  # the handler also takes `request` (a link built on the request's host)


TASKS: dict[str, LegacyTask] = {}


def legacy_task(name, *, flag=None, wants_request=False):
    def register(handler):
        TASKS[name] = LegacyTask(name=name, handler=handler, flag=flag, wants_request=wants_request)
        return handler

    return register


# /php/model/sql.php: (module, task) -> (handler(request, actor, fields), capability flag). task None: any task.
SQL_MODULES: dict[tuple, tuple] = {}


def sql_module(module, task=None, *, flag=None):
    def register(handler):
        SQL_MODULES[(module, task)] = (handler, flag)
        return handler

    return register
