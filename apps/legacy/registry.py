"""The task registry of /php/api.php: `task -> handler`, each with the capability it needs."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LegacyTask:
    name: str
    handler: Callable
    flag: str | None


TASKS: dict[str, LegacyTask] = {}


def legacy_task(name, *, flag=None):
    def register(handler):
        TASKS[name] = LegacyTask(name=name, handler=handler, flag=flag)
        return handler

    return register
