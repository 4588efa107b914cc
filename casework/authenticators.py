"""Staff authenticator apps (TOTP, django-otp): set up by the member of staff
themselves with a one-time link, reset by a supervisor.

A member of staff with no confirmed device who signs in with the right
password is signed in without the second factor and can open one admin page
only: the set-up page (casework/admin/authenticator.py). It shows a key, as a
QR code and as text, only to a session that also brought a live set-up link
for the account (casework/setup_links.py): the password alone is not enough,
since whoever has it would otherwise register their own app. The device is
confirmed, and the session marked as passed the second factor, only once
they type a code their app made from it.

A supervisor's reset deletes the devices and issues a new link, which ends
any earlier one. All of it is written to the audit trail.

Only a session that signed in with the password while the account had no
app may set one up: a session left open on a lost phone, signed in before
the reset, is sent back to sign in. Each such session is shown a key of its
own.
"""

import math
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import audit, setup_links
from casework.setup_links import IssuedLink

DEVICE_NAME = "Authenticator app"
Action = audit.AuditEntry.Action


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_enrolment(user) -> bool:
    """Signed in with a password, staff, and no authenticator app yet."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and not has_authenticator(user)
    )


# In the session: signed in with no app (so it may set one up), and the
# device whose key this session was shown.
MAY_ENROL = "hr_may_set_up_authenticator"
ENROLLING_DEVICE = "hr_authenticator_being_set_up"


@receiver(user_logged_in)
def _note_sign_in_without_app(sender, request, user, **kwargs) -> None:
    if request is not None and user.is_staff and not has_authenticator(user):
        request.session[MAY_ENROL] = True


def may_enrol(session) -> bool:
    return bool(session.get(MAY_ENROL))


def device_to_enrol(user, session) -> TOTPDevice:
    """The key this session is setting up: the same one each time the page is
    shown (a reload while scanning keeps it), and no other session's."""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=session.get(ENROLLING_DEVICE) or 0
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        session[ENROLLING_DEVICE] = device.pk
    return device


def key_as_text(device: TOTPDevice) -> str:
    """The base32 key in groups of four, as authenticator apps accept it."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, *, label: str) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (no script,
    no image request). Dark on white whatever the admin's colour theme."""
    svg = segno.make(device.config_url, error="m", micro=False).svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", svgclass="hr-qr", title=label
    )
    return mark_safe(  # noqa: S308 - segno writes the markup; the label is escaped
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


@dataclass
class CodeCheck:
    """What came of a code typed on the set-up page."""

    device: TOTPDevice | None = None
    wrong: bool = False
    wait_seconds: int = 0
    # Set up already, by this session's earlier request (a double click).
    done_before: bool = False
    # The session's set-up link was ended meanwhile (a newer one issued).
    link_ended: bool = False

    @property
    def confirmed(self) -> bool:
        return self.device is not None


def confirm_enrolment(*, user, session, token: str, now: datetime) -> CodeCheck:
    """Confirm the device this session is setting up if `token` is a code it
    makes now, and the set-up link the session took still stands.

    Locks the account's row, then the link's, then the device's: the order
    a reset takes them in (setup_links.lock_account). A wrong code is
    counted by django-otp's throttle (each failure doubles the wait before
    the next try); that count is committed, which is why the outcome is
    returned rather than raised inside the transaction.
    """
    with transaction.atomic():
        setup_links.lock_account(user)
        link = setup_links.live_link_for_update(user=user, session=session, now=now)
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=session.get(ENROLLING_DEVICE) or 0)
            .first()
        )
        if device is not None and device.confirmed:
            return CodeCheck(done_before=True)
        if link is None:
            return CodeCheck(link_ended=True)
        if device is None:
            return CodeCheck(wrong=True)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(wait_seconds=_seconds_to_wait(extra, now))
        if not device.verify_token(token.replace(" ", "")):
            return CodeCheck(wrong=True)
        device.confirmed = True
        device.name = DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        setup_links.finish(link, now=now)
        _record(user, user, Action.CHANGE, "Set up an authenticator app", now)
    session.pop(MAY_ENROL, None)
    return CodeCheck(device=device)


def _seconds_to_wait(extra: dict | None, now: datetime) -> int:
    if extra and extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        locked_until = extra.get("locked_until")
        if locked_until is not None:
            return max(1, math.ceil((locked_until - now).total_seconds()))
    return 1


def check_can_reset(*, user, by) -> None:
    """Supervisors (and superusers) reset a colleague's app and give them a
    set-up link, never their own (they would lock themselves out), and only
    a superuser resets a superuser's."""
    if not (by.is_active and by.has_perm("casework.reset_authenticator")):
        raise PermissionDenied(
            _("Only a supervisor can reset a colleague's authenticator app.")
        )
    if user.pk == by.pk:
        raise PermissionDenied(
            _("You cannot reset your own authenticator app. Ask a supervisor.")
        )
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied(
            _("Only a system administrator can reset this account's app.")
        )


def reset_authenticator(*, user, by, now: datetime, reason: str = "") -> IssuedLink:
    """Delete every authenticator of `user` (if they have any) and issue them
    a set-up link, ending any earlier one: with it and their password they
    set up a new app; their app and open sessions stop working at once.
    Audited, and so is a refusal (written outside the reset's transaction,
    so it stays)."""
    try:
        check_can_reset(user=user, by=by)
    except PermissionDenied as refused:
        _record(by, user, Action.DENIED, f"Reset the authenticator app: {refused}", now)
        raise
    return _start_again(user=user, by=by, now=now, reason=reason)


def reset_from_command_line(*, user, now: datetime) -> IssuedLink:
    """As a supervisor's reset, for the operations team on the server: the
    first account has no supervisor to ask, nor has the last superuser."""
    return _start_again(user=user, by=None, now=now, reason="")


@transaction.atomic
def _start_again(*, user, by, now: datetime, reason: str) -> IssuedLink:
    # The account, then its links, then its devices: the lock order of
    # confirm_enrolment. A second reset at once waits here, then finds the
    # first one's link and ends it.
    setup_links.lock_account(user)
    if has_authenticator(user):
        _record(by, user, Action.CHANGE, "Reset the authenticator app", now, reason)
    issued = setup_links.issue(user=user, by=by, now=now)
    TOTPDevice.objects.filter(user=user).delete()
    return issued


def _record(by, user, action: str, detail: str, now: datetime, reason: str = ""):
    return audit.record_about_account(
        by=by, account=user, action=action, detail=detail, now=now, reason=reason
    )
