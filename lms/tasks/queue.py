"""The task queue of one app: a Huey instance, the registry of task handlers, periodic jobs.

Huey was chosen over hand-written polling and over Celery/RQ: it has an embedded
SQLite storage (zero set-up, `make run` needs nothing else), a Redis storage for several
servers, periodic tasks in the same consumer, retries, and an immediate mode for tests.
Its task decorators normally bind tasks to a module-level instance; here each app builds
its own instance and registers two generic tasks on it, so two apps in one process
share nothing (STYLE.md, practice 1).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask


#: Handler of a task: receives the message payload as keyword arguments, runs inside an
#: app context, uses ``lms.db.get_session()``; the worker commits when it returns.
TaskHandler = Callable[..., None]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    #: Cron fields as Huey's ``crontab`` takes them, e.g. {"minute": "*/5"}.
    schedule: dict
    handler: Callable[[], None]


@dataclass
class TaskQueue:
    """What ``app.extensions["lms"].tasks`` holds."""

    huey: object
    handlers: dict[str, TaskHandler] = field(default_factory=dict)
    periodic_jobs: list[PeriodicJob] = field(default_factory=list)
    #: Set by :func:`lms.tasks.worker.install`: hands one message id to Huey.
    deliver: Callable[[int], None] | None = None

    def register(self, name: str, handler: TaskHandler) -> None:
        """Make ``name`` a task that :func:`lms.tasks.outbox.enqueue` can ask for."""
        if name in self.handlers:
            raise ValueError(f"task {name!r} is registered already")
        self.handlers[name] = handler

    def periodic(self, name: str, handler: Callable[[], None], **schedule: str) -> None:
        """Run ``handler`` on a schedule in the worker (``minute="*/5"`` …)."""
        self.periodic_jobs.append(PeriodicJob(name, schedule, handler))


def create_huey(app: Flask):
    """Huey on Redis when ``LMS_TASK_QUEUE_URL`` is a redis:// URL, else SQLite storage in
    the instance folder; immediate mode (tasks run at once, in memory) when configured."""
    from huey import RedisHuey, SqliteHuey

    url = app.config["LMS_TASK_QUEUE_URL"]
    immediate = bool(app.config["LMS_TASK_QUEUE_IMMEDIATE"])
    name = app.config["LMS_TASK_QUEUE_NAME"]
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    if url and not url.startswith("sqlite:///"):
        raise ValueError(f"LMS_TASK_QUEUE_URL must be redis://… or sqlite:///…, not {url!r}")
    path = url[len("sqlite:///"):] if url else os.path.join(app.instance_path, "lms-tasks.sqlite3")
    if not immediate:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey(name, filename=path, immediate=immediate, results=False)
