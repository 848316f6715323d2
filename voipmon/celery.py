"""The Celery app beside the settings. With no broker configured, tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voipmon.settings.local")

app = Celery("voipmon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
