"""Casework tasks: thin, take ids, own their retry policy."""

from celery import shared_task
from redis.exceptions import RedisError

from casework import services
from casework.models import StaffNotice


@shared_task(
    # redis-py's errors are not ConnectionError/OSError subclasses.
    autoretry_for=(ConnectionError, OSError, RedisError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def broadcast_staff_notice(notice_id: int) -> None:
    notice = StaffNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        return
    services.broadcast_notice(notice=notice)


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_email(email_id: int) -> None:
    from django.utils import timezone

    from casework.cases import deliver

    deliver(email_id=email_id, now=timezone.now())


@shared_task
def retry_unsent_emails() -> int:
    """Queue again the outbox emails that were not sent (broker down, bug)."""
    from datetime import timedelta

    from django.utils import timezone

    from casework.models import OutboundEmail

    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, created_at__lt=stale, attempts__lt=20
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        deliver_email.delay(email_id)
    return len(ids)


@shared_task
def alert_overdue_cases() -> int:
    from django.utils import timezone

    from casework.workflow import alert_overdue

    return alert_overdue(now=timezone.now())


@shared_task
def end_expired_setup_links() -> int:
    from django.utils import timezone

    from casework.setup_links import end_expired

    return end_expired(now=timezone.now())
