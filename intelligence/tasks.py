from celery import shared_task
from django.utils import timezone

from intelligence.services import purge_expired_drafts


@shared_task
def delete_expired_drafts() -> int:
    return purge_expired_drafts(now=timezone.now())
