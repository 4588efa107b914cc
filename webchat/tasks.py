import logging

from celery import shared_task
from django.utils import timezone

from webchat.timeouts import close_idle_chats as sweep_idle_chats

logger = logging.getLogger(__name__)


# Runs every minute (CELERY_BEAT_SCHEDULE). No retries: a pass that fails is
# simply the next minute's work.
@shared_task(ignore_result=True)
def close_idle_chats() -> dict:
    sweep = sweep_idle_chats(now=timezone.now())
    if sweep.warned or sweep.ended:
        logger.info("Idle chats: warned %s, ended %s", sweep.warned, sweep.ended)
    return {"warned": len(sweep.warned), "ended": len(sweep.ended)}
