"""Staff sessions end after a while without a request.

Only signed-in staff are affected: the public's sessions (report drafts)
keep their own lifetimes. Each staff request moves the session's expiry on,
so the session ends in the database and in the browser at the same moment;
the next request after that finds nobody signed in and admin asks for the
password and code again.
"""

from django.conf import settings


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(int(settings.STAFF_IDLE_TIMEOUT.total_seconds()))
        return self.get_response(request)
