"""Background work on Celery: the app the workers and beat run, bound to the Flask app, and the beat schedule.

Each feature keeps its tasks next to its code (portal/<feature>/tasks.py), named after it
(`portal.notifications.send_email`), each calling the same function as the feature's Flask command. The web process
never imports them: it sends a task by name (`send_task`), so a page never loads worker code, and this module
imports no feature.

Every task is safe to run twice and takes ids, never personal data (what is in the broker is readable by whoever
runs it). A task is acknowledged only once it has run (`acks_late`), and given back to the broker when its worker
dies under it (`task_reject_on_worker_lost`): a worker killed with -9 loses nothing; RabbitMQ redelivers at once,
Redis after the visibility timeout.

Workers:  celery -A wsgi:celery_app worker --concurrency N   (as many machines as needed)
Beat:     celery -A wsgi:celery_app beat                     (exactly one in the whole deployment)
"""

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init
from flask import Flask

from portal.db import db, expect_writes

# The modules whose tasks the workers run. Strings: Celery imports them in the worker, the web process never does.
TASK_MODULES = [
    "portal.notifications.tasks",
    "portal.signalements.tasks",
    "portal.documents.tasks",
    "portal.representation.tasks",
    "portal.audit.tasks",
    "portal.sessions",
]

SEND_DUE_EMAILS = "portal.notifications.send_due"


def init_app(app: Flask) -> Celery:
    """A Celery app on this Flask app's settings, whose every task runs inside an app context of it."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                expect_writes()
                return self.run(*args, **kwargs)

    config = app.config
    broker_url = config["CELERY_BROKER_URL"] or "memory://"
    celery = Celery(app.import_name, task_cls=FlaskTask, include=TASK_MODULES)
    celery.conf.update(
        broker_url=broker_url,
        broker_connection_retry_on_startup=True,
        # A page that queues an e-mail must not hang on a broker that is down: a short try, then the outbox sweep.
        broker_connection_timeout=3,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        broker_transport_options=_transport_options(broker_url, config),
        task_default_queue=config["CELERY_QUEUE"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One task at a time per process: a task held in a prefetch buffer is a task another worker could run.
        worker_prefetch_multiplier=1,
        # No result backend: the outcome of a task is in the database (the outbox row, the audit trail).
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="Europe/Paris",
        enable_utc=True,
        beat_schedule=beat_schedule(config),
        worker_hijack_root_logger=False,
    )
    app.extensions["celery"] = celery

    @worker_process_init.connect(weak=False)
    def _fresh_connections_in_each_child(**_kwargs) -> None:
        # A prefork child inherits the parent's pooled database connections; two processes on one socket mix
        # their conversations. Each child opens its own.
        with app.app_context():
            db.engine.dispose(close=False)

    return celery


def _transport_options(broker_url: str, config) -> dict:
    if not broker_url.startswith(("redis://", "rediss://")):
        # RabbitMQ redelivers a dead worker's tasks as soon as its connection drops. The embedded broker's options
        # go to SQLAlchemy's create_engine: none to give.
        return {}
    visibility = config["CELERY_VISIBILITY_TIMEOUT_SECONDS"]
    return {
        # Redis gives an unacknowledged task to another worker after this long.
        "visibility_timeout": visibility,
        # How often a worker looks for such tasks (kombu's default, every 100 s, would leave a killed worker's task
        # waiting well past a short visibility timeout).
        "unacked_restore_interval": max(1, min(10, visibility // 3)),
        "unacked_restore_throttle": 1,
        # A Redis that stops answering without closing the connection must not hang the page that queues an
        # e-mail after its commit (nor a worker): give up, and leave the e-mail to the outbox sweep.
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }


def beat_schedule(config) -> dict:
    """The outbox sweep every NOTIFICATIONS_SWEEP_SECONDS; each daily job at its time of CELERY_DAILY_JOBS_AT."""
    schedule: dict = {
        SEND_DUE_EMAILS: {"task": SEND_DUE_EMAILS, "schedule": float(config["NOTIFICATIONS_SWEEP_SECONDS"])},
    }
    for task, at in config["CELERY_DAILY_JOBS_AT"].items():
        hour, minute = at.split(":")
        schedule[task] = {"task": task, "schedule": crontab(hour=int(hour), minute=int(minute))}
    return schedule
