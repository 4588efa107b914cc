"""What the authenticator tests do as a person would: open a set-up link,
sign in on the real form, read the key off the page and type the code an
app makes from it."""

import re
from base64 import b32decode

from django.utils import timezone
from django_otp.oath import totp

from casework.authenticators import reset_from_command_line

PASSWORD = "a-long-test-password"
ENROL = "/admin/authenticator/"
LINK = "/admin/authenticator/link/"


def setup_link_for(user, *, now=None) -> str:
    """The address of a new set-up link for `user`, as it is handed over."""
    token = reset_from_command_line(user=user, now=now or timezone.now()).token
    return f"{LINK}?token={token}"


def sign_in(client, user, code=""):
    return client.post(
        "/admin/login/?next=/admin/casework/case/",
        {"username": user.username, "password": PASSWORD, "otp_token": code},
        REMOTE_ADDR="192.0.2.10",
    )


def key_on(html: str) -> str:
    match = re.search(r'<p class="hr-key"><code[^>]*>([A-Z2-7 ]+)</code>', html)
    assert match, "no key shown as text"
    return match.group(1)


def link_on(html: str) -> str:
    """The set-up link a supervisor is shown after making it."""
    match = re.search(r'id="setup-link"[^>]* value="([^"]+)"', html)
    assert match, "no set-up link shown"
    return match.group(1)


def _secret(key: str) -> bytes:
    key = key.replace(" ", "")
    return b32decode(key + "=" * (-len(key) % 8))


def code_from(key: str) -> str:
    """What an authenticator app shows now for the key as typed from the page."""
    return str(totp(_secret(key))).zfill(6)


def wrong_code(key: str) -> str:
    """Not the code now, nor one step either side (the allowed clock drift)."""
    near = {totp(_secret(key), t0=drift * 30) % 1_000_000 for drift in (-1, 0, 1)}
    return next(str(n).zfill(6) for n in range(1_000_000) if n not in near)
