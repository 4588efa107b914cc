"""The staff admin site: two factors for every sign-in, and the dashboard.

Every page of admin (each app's ModelAdmins, and pages wrapped in
`admin.site.admin_view`, such as the web chat console) is open only to
active staff whose session was verified with a code from their
authenticator app (TOTP, django-otp), entered with their password on the
sign-in page. A wrong code counts as a failed sign-in for the lockout
(django-axes) as a wrong password does.
"""

from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice


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

    def index(self, request, extra_context=None):
        from casework.admin.dashboard import dashboard_context

        context = {**dashboard_context(request), **(extra_context or {})}
        return super().index(request, extra_context=context)
