"""Admin pages for staff authenticator apps: setting one up, resetting one.

Setting up is the one admin page open to a member of staff signed in with
the password alone (StaffAdminSite sends every other admin address here
until they finish). Resetting is a page under each staff member, for
supervisors. What is allowed, and the audit, are in casework.authenticators.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from casework import authenticators


class ConfirmCodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("6 digits. The app shows a new code every 30 seconds."),
        max_length=12,
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code from your app"),
        },
    )
    # The template draws the box itself (the sign-in form's attributes, and
    # its hint and error tied to it with aria-describedby).

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the code as 6 digits, like 123456"))
        return token


def _next_url(request) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(
        REDIRECT_FIELD_NAME, ""
    )
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}
    ):
        return wanted
    return reverse("admin:index")


def _failed(request, form: ConfirmCodeForm, message: str):
    """A wrong code counts towards the account's lockout, as at sign-in."""
    form.add_error("token", message)
    user_login_failed.send(
        sender=ConfirmCodeForm,
        credentials={"username": request.user.get_username()},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        # Axes's middleware answers with the lockout page; the half-signed-in
        # session ends too, so the next try starts at the password.
        logout(request)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def enrol(request, site):
    """Show the key (QR code and text); confirm it with a code from the app."""
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}=/admin/")
    if not authenticators.needs_enrolment(user):
        return redirect(_next_url(request))
    if not authenticators.may_enrol(request.session):
        # Signed in before a supervisor reset the app (a session left open
        # on a lost phone, say): setting up a new one takes the password.
        logout(request)
        messages.info(
            request,
            _("Your authenticator app was reset. Sign in again to set up a new one."),
        )
        query = urlencode({REDIRECT_FIELD_NAME: _next_url(request)})
        return redirect(f"{reverse('admin:login')}?{query}")
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        # Locked since they signed in (wrong passwords elsewhere, say).
        logout(request)
        return TemplateResponse(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = authenticators.confirm_enrolment(
            user=user,
            session=request.session,
            token=form.cleaned_data["token"],
            now=timezone.now(),
        )
        if check.done_before:
            return redirect(_next_url(request))
        if check.confirmed:
            otp_login(request, check.device)
            # As a successful sign-in does (AXES_RESET_ON_SUCCESS): mistyped
            # codes while setting up do not count against the next sign-in.
            axes_reset(username=user.get_username())
            messages.success(
                request,
                _(
                    "Your authenticator app is set up. Each time you sign in, "
                    "enter the code it shows with your password."
                ),
            )
            return redirect(_next_url(request))
        if check.wait_seconds:
            form.add_error(
                "token",
                ngettext(
                    "There have been too many wrong codes. Wait %(seconds)s "
                    "second, then enter the code your app shows.",
                    "There have been too many wrong codes. Wait %(seconds)s "
                    "seconds, then enter the code your app shows.",
                    check.wait_seconds,
                )
                % {"seconds": check.wait_seconds},
            )
        else:
            _failed(
                request,
                form,
                _(
                    "The code is wrong or too old. Check the app shows this "
                    "account, then enter the code it shows now."
                ),
            )
    device = authenticators.device_to_enrol(user, request.session)
    return TemplateResponse(
        request,
        "admin/enrol_authenticator.html",
        {
            **site.each_context(request),
            "title": _("Set up your authenticator app"),
            "form": form,
            "qr_code": authenticators.qr_code_svg(
                device, label=_("QR code to scan with your authenticator app")
            ),
            "key": authenticators.key_as_text(device),
            "account": user.get_username(),
            "next": _next_url(request),
        },
    )


def reset(model_admin, request, object_id):
    """Confirm, then reset a colleague's authenticator app (supervisors)."""
    member = model_admin.get_object(request, object_id)
    if member is None:
        raise Http404
    colleague = get_user_model().objects.get(pk=member.user_id)
    change_url = reverse(
        f"{model_admin.admin_site.name}:casework_staffmember_change",
        args=[member.pk],
    )
    if request.method == "POST":
        # A refusal is audited by the service, then becomes the 403 page.
        authenticators.reset_authenticator(
            user=colleague, by=request.user, now=timezone.now()
        )
        messages.success(
            request,
            _(
                "%(name)s's authenticator app has been reset. They set up a new "
                "one the next time they sign in."
            )
            % {"name": colleague.get_full_name() or colleague.get_username()},
        )
        return redirect(change_url)
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    authenticators.check_can_reset(user=colleague, by=request.user)
    return TemplateResponse(
        request,
        "admin/casework/staffmember/reset_authenticator.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": member,
            "colleague": colleague,
            "has_app": authenticators.has_authenticator(colleague),
            "change_url": change_url,
            "title": _("Reset %(name)s's authenticator app")
            % {"name": colleague.get_full_name() or colleague.get_username()},
        },
    )
