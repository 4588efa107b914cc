"""Admin pages for staff authenticator apps: opening a set-up link, setting
an app up, resetting one.

The set-up link's page is open to anyone: it remembers the link in the
session and asks for the password. Setting up is the one admin page open to
a member of staff signed in with the password alone (StaffAdminSite sends
every other admin address here until they finish), and it shows a key only
to a session that brought a live link. Resetting, which issues the link, is
a page under each staff member, for supervisors. What is allowed, and the
audit, are in casework.authenticators and casework.setup_links.
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
from django.views.decorators.http import require_safe
from django_otp import login as otp_login
from django_ratelimit.core import is_ratelimited

from casework import authenticators, setup_links
from hertsreport.ratelimit import anonymous_client_key

Refusal = setup_links.Refusal


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


def _to_sign_in(request, next_url: str):
    query = urlencode({REDIRECT_FIELD_NAME: next_url})
    return redirect(f"{reverse('admin:login')}?{query}")


def _sign_out_keeping_the_link(request) -> None:
    opened = request.session.get(setup_links.OPENED)
    logout(request)
    if opened:
        request.session[setup_links.OPENED] = opened


TOO_MANY_TRIES = "too-many-tries"
# What the person is told, by why the set-up page or link was refused.
_REFUSAL_PAGES = {
    Refusal.NO_LINK: (
        403,
        gettext_lazy("Ask a supervisor for a set-up link"),
        gettext_lazy(
            "To set up an authenticator app you need a set-up link from a "
            "supervisor as well as your password. This stops anyone who has "
            "only your password from setting up an app for your account."
        ),
    ),
    Refusal.UNKNOWN: (
        404,
        gettext_lazy("This set-up link does not work"),
        gettext_lazy(
            "The link is not one we gave out. Check you copied all of it: it is long."
        ),
    ),
    Refusal.EXPIRED: (
        410,
        gettext_lazy("This set-up link has expired"),
        gettext_lazy("Set-up links work for %(hours)s hours after they are made."),
    ),
    Refusal.USED: (
        410,
        gettext_lazy("This set-up link has been used"),
        gettext_lazy(
            "Each set-up link works once. It was used to sign in already, "
            "perhaps in another browser or in a session that has since ended."
        ),
    ),
    Refusal.REPLACED: (
        410,
        gettext_lazy("This set-up link has been replaced"),
        gettext_lazy(
            "A newer set-up link was made for this account, so this one no "
            "longer works. Use the newest link you were given."
        ),
    ),
    Refusal.OTHER_ACCOUNT: (
        403,
        gettext_lazy("This set-up link is for another account"),
        gettext_lazy(
            "You are signed in with a different account from the one the "
            "link was made for. Sign out, then open the link again."
        ),
    ),
    TOO_MANY_TRIES: (
        429,
        gettext_lazy("Too many set-up links tried"),
        gettext_lazy("Wait an hour, then open your set-up link again."),
    ),
}


def _refused(request, site, refusal: str, *, status: int | None = None):
    """The page that says why; the set-up page answers 403 whatever the
    reason, the link's page a status for each (410 for a link that was)."""
    link_status, title, explanation = _REFUSAL_PAGES[refusal]
    hours = settings.AUTHENTICATOR_SETUP_LINK_VALID_FOR.total_seconds() / 3600
    return TemplateResponse(
        request,
        "admin/authenticator_link_refused.html",
        {
            **site.each_context(request),
            "title": title,
            "explanation": explanation % {"hours": f"{hours:g}"},
            "refusal": refusal,
        },
        status=status or link_status,
    )


# Refused links from one address in an hour after which the page stops
# checking (and so stops writing each refusal to the audit trail, which keeps
# every entry for good). A control room shares one address: room for mistakes.
REFUSED_LINKS_PER_ADDRESS = "30/h"


def _refusals_from(request, *, increment: bool) -> bool:
    return is_ratelimited(
        request,
        group="authenticator:setup-link",
        key=anonymous_client_key,
        rate=REFUSED_LINKS_PER_ADDRESS,
        increment=increment,
    )


@require_safe
@never_cache
def open_setup_link(request, site):
    """A set-up link from a supervisor: remembered in this session, then the
    password (if not given already) leads to the set-up page."""
    if _refusals_from(request, increment=False):
        return _refused(request, site, TOO_MANY_TRIES)
    try:
        link = setup_links.open_link(
            token=request.GET.get("token", ""), by=request.user, now=timezone.now()
        )
    except setup_links.LinkRefused as refused:
        _refusals_from(request, increment=True)
        return _refused(request, site, refused.refusal)
    enrol_url = reverse("admin:enrol_authenticator", current_app=site.name)
    user = request.user
    if user.is_authenticated and not authenticators.needs_enrolment(user):
        # Their app is set up (or they passed its code): nothing to do.
        return redirect(reverse("admin:index", current_app=site.name))
    if user.is_authenticated and not authenticators.may_enrol(request.session):
        # Signed in before the reset: the password again, as on the set-up page.
        logout(request)
        user = request.user
    request.session[setup_links.OPENED] = link.pk
    # A new session key, so the link is this browser's alone: a session
    # cookie someone else set in it (they know the password, and sign in
    # with that cookie, or signed in before they set it) no longer has it.
    request.session.cycle_key()
    if user.is_authenticated:
        return redirect(enrol_url)
    # Not whose account: a link forwarded or scanned by someone else would
    # tell them a staff username. A sign-in with another account's password
    # is refused the link (setup_links.take).
    messages.info(
        request,
        _(
            "This is a set-up link for a staff account. Sign in with your own "
            "username and password and leave the code box empty: you are then "
            "shown how to set up your authenticator app."
        ),
    )
    return _to_sign_in(request, enrol_url)


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
        _sign_out_keeping_the_link(request)
        messages.info(
            request,
            _("Your authenticator app was reset. Sign in again to set up a new one."),
        )
        return _to_sign_in(request, _next_url(request))
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        # Locked since they signed in (wrong passwords elsewhere, say).
        logout(request)
        return TemplateResponse(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    try:
        setup_links.take(user=user, session=request.session, now=timezone.now())
    except setup_links.LinkRefused as refused:
        return _refused(request, site, refused.refusal, status=403)
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
        if check.link_ended:
            return _refused(request, site, Refusal.REPLACED, status=403)
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
    """Confirm, then reset a colleague's authenticator app (if they have one)
    and show the set-up link they need for a new one, once (supervisors)."""
    member = model_admin.get_object(request, object_id)
    if member is None:
        raise Http404
    colleague = get_user_model().objects.get(pk=member.user_id)
    name = colleague.get_full_name() or colleague.get_username()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": member,
        "colleague": colleague,
        "name": name,
        "change_url": reverse(
            f"{model_admin.admin_site.name}:casework_staffmember_change",
            args=[member.pk],
        ),
    }
    if request.method == "POST":
        had_app = authenticators.has_authenticator(colleague)
        # A refusal is audited by the service, then becomes the 403 page.
        issued = authenticators.reset_authenticator(
            user=colleague, by=request.user, now=timezone.now()
        )
        if had_app:
            messages.success(
                request,
                _("%(name)s's authenticator app has been reset.") % {"name": name},
            )
        link = reverse("admin:open_setup_link", current_app=model_admin.admin_site.name)
        return TemplateResponse(
            request,
            "admin/casework/staffmember/setup_link_issued.html",
            {
                **context,
                "title": _("Set-up link for %(name)s") % {"name": name},
                "link": request.build_absolute_uri(
                    f"{link}?{urlencode({'token': issued.token})}"
                ),
                "expires_at": issued.expires_at,
            },
        )
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    authenticators.check_can_reset(user=colleague, by=request.user)
    has_app = authenticators.has_authenticator(colleague)
    title = (
        _("Reset %(name)s's authenticator app")
        if has_app
        else _("Create a set-up link for %(name)s")
    )
    return TemplateResponse(
        request,
        "admin/casework/staffmember/reset_authenticator.html",
        {**context, "has_app": has_app, "title": title % {"name": name}},
    )
