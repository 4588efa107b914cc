"""Staff sessions: ended after a while without activity, and two-factor on
websockets too.

Only signed-in staff are affected: the public's sessions (report drafts)
keep their own lifetimes. Staff activity moves the session's expiry on (at
most once a minute, since moving it writes the session), so the session
ends in the database and in the browser together; the next request after
that finds nobody signed in and admin asks for the password and code again.
Activity is a page request, or an action on a staff websocket (an agent
chatting all afternoon in the console is not idle).
"""

import time

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

REFRESH_EVERY = 60
SEEN_KEY = "staff_seen_at"


def note_staff_activity(session) -> bool:
    """Move the idle deadline on. True when the session changed (save it)."""
    idle = int(settings.STAFF_IDLE_TIMEOUT.total_seconds())
    now = int(time.time())
    stale = now - session.get(SEEN_KEY, 0) >= REFRESH_EVERY
    if stale or session.get("_session_expiry") != idle:
        session.set_expiry(idle)
        session[SEEN_KEY] = now
        return True
    return False


def passed_second_factor(user, session) -> bool:
    """Whether this staff session signed in with its TOTP code as well.

    django-otp's middleware answers this for page requests; websockets have
    no middleware of theirs, so staff consumers ask here.
    """
    device_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is not None and device.user_id == user.pk


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            note_staff_activity(request.session)
        return self.get_response(request)
