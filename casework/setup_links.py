"""One-time links for setting up an authenticator app.

The password alone does not let anyone set up an authenticator app: someone
who watched it being typed, or phished it after a reset, would register
their own app and have the account. A supervisor (or the operations team,
from the command line, for the first account) issues a set-up link for one
account; a session may set up an app only when it signed in with that
account's password and brought that account's live link, in either order.

A link is a random token, kept here only as its SHA-256 hash. It works for
AUTHENTICATOR_SETUP_LINK_VALID_FOR after it is issued, and once: the first
sign-in that brings it takes it, and from then on only that session may use
it, until it expires. A newer link for the account (a reset issues one) and
the app being set up end it. Issuing, using, refusing and expiring are in
the audit trail.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import audit

Action = audit.AuditEntry.Action

# In the session: the link it opened (before signing in, say), and the link
# it took, which it alone may set up an app with; and that it was refused
# for having no link, which the audit trail is told once a session.
OPENED = "hr_setup_link_opened"
TAKEN = "hr_setup_link_taken"
NO_LINK_RECORDED = "hr_setup_link_no_link_recorded"


def hash_token(token: str) -> str:
    # The token is 256 random bits: a plain hash cannot be reversed by guessing.
    return hashlib.sha256(token.encode()).hexdigest()


class SetupLink(models.Model):
    class Ended(models.TextChoices):
        SET_UP = "set-up", _("the app was set up with it")
        REPLACED = "replaced", _("a newer link was issued")
        EXPIRED = "expired", _("it expired before an app was set up with it")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued (UTC)"))
    # Empty when issued from the command line.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    expires_at = models.DateTimeField(_("expires (UTC)"))
    used_at = models.DateTimeField(_("used to sign in (UTC)"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended (UTC)"), null=True, blank=True)
    ended_because = models.CharField(
        _("ended because"), max_length=20, choices=Ended.choices, blank=True
    )

    class Meta:
        verbose_name = _("authenticator set-up link")
        verbose_name_plural = _("authenticator set-up links")
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=models.Q(ended_at__isnull=True),
                name="setup_link_live_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.issued_at:%Y-%m-%d %H:%M}"


class Refusal(models.TextChoices):
    """Why a link (or the lack of one) did not let a session set up an app.
    The labels go into the audit trail; the person is told in their words
    by the page (casework/admin/authenticator.py)."""

    NO_LINK = "no-link", "no set-up link was opened in this session"
    UNKNOWN = "unknown", "the link matches none issued"
    EXPIRED = "expired", "the link has expired"
    USED = "used", "the link was used already"
    REPLACED = "replaced", "a newer link was issued since"
    OTHER_ACCOUNT = "other-account", "the link is for another account"


class LinkRefused(Exception):
    def __init__(self, refusal: Refusal, link: SetupLink | None = None):
        super().__init__(refusal.label)
        self.refusal = refusal
        self.link = link


def _why_not_live(link: SetupLink | None, now: datetime) -> Refusal | None:
    if link is None:
        return Refusal.UNKNOWN
    if link.used_at is not None or link.ended_because == SetupLink.Ended.SET_UP:
        return Refusal.USED
    if link.ended_because == SetupLink.Ended.REPLACED:
        return Refusal.REPLACED
    if link.ended_at is not None or link.expires_at <= now:
        return Refusal.EXPIRED
    return None


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: its token is shown once and kept nowhere."""

    token: str
    expires_at: datetime


def lock_account(user) -> None:
    """Lock `user`'s row until the transaction ends. Whatever issues a link
    or sets up an app with one takes this lock first, then the links', then
    the devices': two of them for one account run one after the other (two
    clicks on "Create a set-up link" would otherwise each end the links
    before them, neither see the other's new one, and leave two live).
    FOR NO KEY UPDATE, so that rows which only refer to the account, such as
    its audit entries, can still be written meanwhile."""
    get_user_model().objects.select_for_update(no_key=True).filter(
        pk=user.pk
    ).values_list("pk").get()


def issue(*, user, by, now: datetime) -> IssuedLink:
    """A new link for `user`, ending any earlier one. Call inside the
    transaction of what it belongs to (a reset); `by` is None from the
    command line. Locks the account first (lock_account: a second time
    costs a query, not a wait, if the caller has)."""
    lock_account(user)
    earlier = SetupLink.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=now, ended_because=SetupLink.Ended.REPLACED
    )
    token = secrets.token_urlsafe(32)
    link = SetupLink.objects.create(
        user=user,
        token_hash=hash_token(token),
        issued_at=now,
        issued_by=by,
        expires_at=now + settings.AUTHENTICATOR_SETUP_LINK_VALID_FOR,
    )
    until = timezone.localtime(link.expires_at).strftime("%d %b %Y %H:%M %Z")
    detail = f"Issued an authenticator set-up link, valid until {until}"
    if earlier:
        detail += "; the earlier link no longer works"
    _record(by, user, Action.CHANGE, detail, now)
    return IssuedLink(token=token, expires_at=link.expires_at)


def open_link(*, token: str, by, now: datetime) -> SetupLink:
    """The live link `token` stands for, opened by `by` (whoever has the
    browser: often nobody signed in yet). Raises LinkRefused, audited: an
    unknown, used, replaced or expired link, or a link for an account other
    than the one signed in."""
    link = (
        SetupLink.objects.select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    refusal = _why_not_live(link, now)
    if refusal is None and by.is_authenticated and by.pk != link.user_id:
        refusal = Refusal.OTHER_ACCOUNT
    if refusal is not None:
        _refuse(by, link.user if link else None, refusal, now)
        raise LinkRefused(refusal, link)
    return link


def take(*, user, session, now: datetime) -> SetupLink:
    """The link this session may set up `user`'s app with: the one it took
    before, while it stands (not replaced, not expired), or else the one it
    opened, taken now so that no other session can use it. Raises
    LinkRefused, audited (having no link at all: once a session). Taking is
    one conditional UPDATE: of two sessions taking the same link at once,
    one wins, on any database."""
    taken = SetupLink.objects.filter(pk=session.get(TAKEN) or 0, user=user).first()
    if taken is not None and taken.ended_at is None and taken.expires_at > now:
        return taken
    session.pop(TAKEN, None)
    opened_id = session.pop(OPENED, None)
    if not opened_id:
        refusal = _why_taken_link_stopped(taken) if taken else Refusal.NO_LINK
        if refusal != Refusal.NO_LINK or not session.get(NO_LINK_RECORDED):
            _refuse(user, user, refusal, now)
        if refusal == Refusal.NO_LINK:
            # Every admin address leads here: each visit recorded would let
            # anyone with only the password write to the trail without end.
            session[NO_LINK_RECORDED] = True
        raise LinkRefused(refusal, taken)
    with transaction.atomic():
        won = SetupLink.objects.filter(
            pk=opened_id,
            user=user,
            used_at__isnull=True,
            ended_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now)
        if won:
            _record(user, user, Action.CHANGE, "Signed in with a set-up link", now)
    link = SetupLink.objects.select_related("user").filter(pk=opened_id).first()
    if won:
        session[TAKEN] = opened_id
        return link
    if link is not None and link.user_id != user.pk:
        refusal = Refusal.OTHER_ACCOUNT
    else:
        # Taken by another session between its read and ours, at the latest.
        refusal = _why_not_live(link, now) or Refusal.USED
    _refuse(user, user, refusal, now)
    raise LinkRefused(refusal, link)


def _why_taken_link_stopped(link: SetupLink) -> Refusal:
    if link.ended_because == SetupLink.Ended.REPLACED:
        return Refusal.REPLACED
    if link.ended_because == SetupLink.Ended.SET_UP:
        return Refusal.USED
    return Refusal.EXPIRED


def live_link_for_update(*, user, session, now: datetime) -> SetupLink | None:
    """The link this session took, locked, if it still stands (not ended,
    not expired). Call inside a transaction, before locking any of `user`'s
    devices."""
    return (
        SetupLink.objects.select_for_update(of=("self",))
        .filter(
            pk=session.get(TAKEN) or 0,
            user=user,
            ended_at__isnull=True,
            expires_at__gt=now,
        )
        .first()
    )


def finish(link: SetupLink, *, now: datetime) -> None:
    """The app was set up with `link`: it ends."""
    link.ended_at = now
    link.ended_because = SetupLink.Ended.SET_UP
    link.save(update_fields=["ended_at", "ended_because"])


def end_expired(*, now: datetime) -> int:
    """End the links that expired before an app was set up with them (used
    to sign in or not), each in the audit trail. Returns how many."""
    ended = 0
    expired = SetupLink.objects.filter(
        ended_at__isnull=True, expires_at__lte=now
    ).values_list("pk", flat=True)
    for link_id in list(expired):
        with transaction.atomic():
            link = (
                SetupLink.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=link_id, ended_at__isnull=True)
                .first()
            )
            if link is None:
                continue
            link.ended_at = now
            link.ended_because = SetupLink.Ended.EXPIRED
            link.save(update_fields=["ended_at", "ended_because"])
            detail = (
                "A set-up link expired unused"
                if link.used_at is None
                else "A set-up link expired before an app was set up with it"
            )
            _record(None, link.user, Action.CHANGE, detail, now)
            ended += 1
    return ended


def _refuse(by, account, refusal: Refusal, now: datetime) -> None:
    # Written outside any transaction that fails: the refusal stays.
    _record(by, account, Action.DENIED, f"Set-up link refused: {refusal.label}", now)


def _record(by, account, action: str, detail: str, now: datetime) -> None:
    audit.record_about_account(
        by=by, account=account, action=action, detail=detail, now=now
    )
