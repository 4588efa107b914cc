"""The staff admin site: two factors for every sign-in, and the dashboard.

Every page of admin (each app's ModelAdmins, and pages wrapped in
`admin.site.admin_view`, such as the web chat console) is open only to
active staff whose session was verified with a code from their
authenticator app (TOTP, django-otp), entered with their password on the
sign-in page. A wrong code counts as a failed sign-in for the lockout
(django-axes) as a wrong password does.

A member of staff with no authenticator app yet (new, or reset by a
supervisor) signs in with the password alone and is sent to set one up
(casework/admin/authenticator.py), which takes a set-up link from a
supervisor too; every other admin page sends them back there, except
signing out, until a code from the new app confirms it.
"""

from functools import update_wrapper

from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.authenticators import has_authenticator, needs_enrolment


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "spellcheck": "false",
                "aria-describedby": "id_otp_token_helptext",
            }
        ),
    )

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _(
            "The code is wrong or too old. Enter the code your authenticator "
            "app shows now."
        ),
        "device_required": _(
            "Your account has no authenticator app set up. Ask a system "
            "administrator to set one up for you."
        ),
    }

    def _chosen_device(self, user):
        # Staff have one authenticator app each: use it without asking.
        return super()._chosen_device(user) or (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )

    def clean_otp(self, user):
        if user is not None and not has_authenticator(user):
            # Signed in with the password alone: StaffAdminSite then opens
            # only the page that sets up their authenticator app.
            return
        try:
            super().clean_otp(user)
        except forms.ValidationError:
            # A right password with a wrong code is a failed sign-in too.
            if user is not None:
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
            raise


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"
    index_template = "admin/dashboard.html"

    def __init__(self, name="admin"):
        super().__init__(name)

    def get_urls(self):
        from casework.admin import authenticator

        def enrol(request):
            return authenticator.enrol(request, self)

        def open_setup_link(request):
            return authenticator.open_setup_link(request, self)

        return [
            path("authenticator/", enrol, name="enrol_authenticator"),
            path("authenticator/link/", open_setup_link, name="open_setup_link"),
            *super().get_urls(),
        ]

    def _to_enrolment(self, request):
        url = reverse("admin:enrol_authenticator", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME) or request.get_full_path()
        return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: wanted})}")

    def admin_view(self, view, cacheable=False):
        """Every admin page, except signing out, sends a member of staff who
        has no authenticator app yet to set one up."""
        checked = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if needs_enrolment(request.user):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return view(request, *args, **kwargs)
                return self._to_enrolment(request)
            return checked(request, *args, **kwargs)

        return update_wrapper(never_cache(inner), checked)

    def login(self, request, extra_context=None):
        if needs_enrolment(request.user):
            return self._to_enrolment(request)
        return super().login(request, extra_context)

    def each_context(self, request):
        # Every admin page's context lists the apps and models the member of
        # staff may open, for the navigation sidebar: a permission check and
        # a translated, sorted name per model (about a fifth of the case
        # list's time). Only pages that draw the sidebar need it, so it is
        # worked out when a template first reads it.
        request._hr_apps_when_read = True
        try:
            return super().each_context(request)
        finally:
            del request._hr_apps_when_read

    def get_app_list(self, request, app_label=None):
        if getattr(request, "_hr_apps_when_read", False) and app_label is None:
            return SimpleLazyObject(
                lambda: super(StaffAdminSite, self).get_app_list(request)
            )
        return super().get_app_list(request, app_label)

    def index(self, request, extra_context=None):
        from casework.admin.dashboard import dashboard_context

        context = {**dashboard_context(request), **(extra_context or {})}
        return super().index(request, extra_context=context)
