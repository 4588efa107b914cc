from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from casework.authenticators import reset_from_command_line


class Command(BaseCommand):
    help = (
        "Reset a staff account's authenticator app, if it has one, and print a "
        "one-time link to set up a new one (with the account's password). For "
        "the first account, which has no supervisor to ask, and for a system "
        "administrator who lost their phone. Recorded in the audit trail."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not (user.is_active and user.is_staff):
            raise CommandError(f"No active staff account is called {username!r}.")
        issued = reset_from_command_line(user=user, now=timezone.now())
        path = reverse("admin:open_setup_link")
        until = timezone.localtime(issued.expires_at).strftime("%d %b %Y %H:%M %Z")
        self.stdout.write(
            f"Set-up link for {username}, for use once until {until}:\n"
            f"  {settings.SITE_URL}{path}?{urlencode({'token': issued.token})}"
        )
