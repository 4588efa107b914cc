"""Staff sessions end after a while without a request.

Only signed-in staff are affected: the public's sessions (report drafts)
keep their own lifetimes. Staff requests move the session's expiry on (at
most once a minute, since moving it writes the session), so the session
ends in the database and in the browser together; the next request after
that finds nobody signed in and admin asks for the password and code again.
"""

import time

from django.conf import settings

REFRESH_EVERY = 60
SEEN_KEY = "staff_seen_at"


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            session = request.session
            idle = int(settings.STAFF_IDLE_TIMEOUT.total_seconds())
            now = int(time.time())
            stale = now - session.get(SEEN_KEY, 0) >= REFRESH_EVERY
            if stale or session.get("_session_expiry") != idle:
                session.set_expiry(idle)
                session[SEEN_KEY] = now
        return self.get_response(request)
