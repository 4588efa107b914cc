"""Casework tasks: thin, take ids, own their retry policy."""

from celery import shared_task

from casework import services
from casework.models import StaffNotice


@shared_task(
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def broadcast_staff_notice(notice_id: int) -> None:
    notice = StaffNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        return
    services.broadcast_notice(notice=notice)
