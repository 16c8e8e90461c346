"""The Celery application. Start a worker with ``celery -A config worker``."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("coaching_cycles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One static schedule, in code; run exactly one beat process.
app.conf.beat_schedule = {
    # Hourly: each job checks the organisation's local time and HR's settings
    # itself, so a missed hour or day is caught up by the next run.
    "reviews-month-end-generation": {
        "task": "reviews.tasks.month_end_generation",
        "schedule": crontab(minute=5),
    },
    "reviews-reminders": {
        "task": "reviews.tasks.reminders",
        "schedule": crontab(minute=15),
    },
    "reviews-weekly-digest": {
        "task": "reviews.tasks.weekly_digest",
        "schedule": crontab(minute=25),
    },
    "reviews-exports-purge": {
        "task": "reviews.tasks.exports_purge",
        "schedule": crontab(minute=45),
    },
    "accounts-outbox-send": {
        # Every message that leaves: what a commit's wake-up missed (broker down) and the
        # retries that are due (README, "Outgoing messages").
        "task": "accounts.tasks.outbox_send",
        "schedule": 60.0,
    },
    "accounts-outbox-purge": {
        "task": "accounts.tasks.outbox_purge",
        "schedule": crontab(minute=50),
    },
    "reviews-exports-sweep": {
        # Export jobs whose task was lost (broker down) or whose worker was killed.
        "task": "reviews.tasks.exports_sweep",
        "schedule": 120.0,
    },
    "accounts-invitations-sweep": {
        # Picks up invitations whose enqueue failed (broker down) or never ran.
        "task": "accounts.tasks.invitations_sweep",
        "schedule": crontab(minute="*/10"),
    },
}
