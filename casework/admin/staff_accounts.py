"""Staff accounts (Django's user admin, for system administrators): saving a
staff account that has no authenticator app says how its owner gets one."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from casework import authenticators
from casework.models import StaffMember

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    def response_add(self, request, obj, post_url_continue=None):
        self._say_how_to_set_up_an_app(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_how_to_set_up_an_app(request, obj)
        return super().response_change(request, obj)

    def _say_how_to_set_up_an_app(self, request, user) -> None:
        member = StaffMember.objects.filter(user=user).first()
        if member is None or not user.is_active:
            return
        if authenticators.has_authenticator(user):
            return
        messages.warning(
            request,
            format_html(
                _(
                    "The account {name} has no authenticator app yet. To set "
                    "one up its owner "
                    'needs a set-up link: <a href="{url}">create a set-up '
                    "link</a> and give it to them."
                ),
                name=user.get_username(),
                url=reverse(
                    "admin:casework_staffmember_reset_authenticator",
                    args=[member.pk],
                    current_app=self.admin_site.name,
                ),
            ),
        )
