"""Binding the app's task queue to Huey: the delivery task, the sweep, periodic jobs."""
from __future__ import annotations

from flask import Flask

from lms.tasks import outbox
from lms.tasks.queue import TaskQueue, create_huey


def init_app(app: Flask, state) -> TaskQueue:
    """Build the app's queue and make outbox messages reach it after each commit."""
    queue = TaskQueue(huey=create_huey(app))
    _install_delivery(app, queue)
    outbox.listen_to(state.database.session_factories)
    queue.periodic("lms.sweep_outbox", outbox.sweep, minute="*")
    from lms.accounts.credential_sheets import delete_expired

    # Temporary passwords nobody downloaded: gone within minutes of their expiry.
    queue.periodic("lms.delete_expired_credential_sheets", delete_expired, minute="*/5")
    return queue


def _install_delivery(app: Flask, queue: TaskQueue) -> None:
    huey = queue.huey

    @huey.task(retries=3, retry_delay=30, name="lms.deliver")
    def deliver(message_id: int) -> None:
        with app.app_context():
            outbox.run_message(message_id)

    queue.deliver = deliver  # calling a Huey task enqueues it (runs it at once when immediate)


def install_periodic_jobs(app: Flask, queue: TaskQueue) -> None:
    """Register the periodic jobs with Huey; done by the worker command at start."""
    from huey import crontab

    from lms.db import unit_of_work

    for job in queue.periodic_jobs:
        def run(job=job) -> None:
            with app.app_context(), unit_of_work():
                job.handler()

        queue.huey.periodic_task(crontab(**job.schedule), name=job.name)(run)


def run_consumer(app: Flask, queue: TaskQueue, workers: int) -> None:
    """Run Huey's consumer in this process until interrupted (`flask lms worker`)."""
    install_periodic_jobs(app, queue)
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True,
        shutdown_timeout=app.config["LMS_TASK_SHUTDOWN_SECONDS"])
    consumer.run()
