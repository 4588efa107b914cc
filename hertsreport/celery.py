"""The Celery app. Without a broker (embedded default) tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hertsreport.settings")

app = Celery("hertsreport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
