"""The audit trail of staff access: who looked at or did what, when, and why.

Every staff view of a record, every change, export and evidence download
writes one `AuditEntry`. Entries are append-only: the model refuses to be
saved a second time or deleted, its queryset refuses bulk updates and
deletes, its admin has no add, change or delete permission for anyone
(superusers included), and on PostgreSQL a trigger refuses UPDATE and DELETE
whatever the client (migration 0007).

Restricted records (intelligence, hate crime, anything marked sensitive)
open only once the member of staff has said why: the Data Protection Act
2018, section 62, asks for the justification of each consultation. The
reason is kept in the entry, and remembered in the session for that record
for a short while so that each click does not ask again.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "audit_reasons"


class AuditEntryIsPermanent(Exception):
    """An audit entry cannot be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEntryIsPermanent("Audit entries cannot be changed.")

    def _raw_delete(self, using):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CHANGE = "change", _("Changed")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded evidence")
        REASON = "reason", _("Gave a reason to open")
        DENIED = "denied", _("Refused access")

    at = models.DateTimeField(_("when (UTC)"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Staff accounts are deactivated, never deleted, while they have an
        # audit trail.
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as written, so the entry reads the same if the account is renamed.
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type of record"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_reference = models.CharField(_("reference"), max_length=64, blank=True)
    reason = models.TextField(_("reason given"), blank=True)
    detail = models.TextField(_("detail"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # Only "view": there is no permission to add, change or delete one.
        default_permissions = ("view",)
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "at"], name="audit_record_at"
            ),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} "
            f"{self.get_action_display()} {self.object_reference or self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryIsPermanent("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsPermanent("Audit entries cannot be deleted.")


def object_type_of(obj) -> str:
    return obj._meta.label_lower


def record(
    *,
    user,
    action: str,
    object_type: str,
    object_id="",
    reference: str = "",
    reason: str = "",
    detail: str = "",
    now: datetime | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it in the transaction of what it records."""
    return AuditEntry.objects.create(
        at=now or timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_reference=reference,
        reason=reason,
        detail=detail,
    )


def record_about_account(
    *, by, account, action: str, detail: str, now: datetime, reason: str = ""
) -> AuditEntry:
    """An entry about a staff account (its authenticator app, its set-up
    links), by `by`: a member of staff, someone not signed in, or None for
    the system or the command line. `account` may be None when the record
    asked for matches no account (an unknown set-up link)."""
    return record(
        user=by,
        action=action,
        object_type="auth.user",
        object_id=account.pk if account is not None else "",
        reference=account.get_username() if account is not None else "",
        reason=reason,
        detail=detail,
        now=now,
    )


def record_for(
    request, obj, action: str, *, reference: str = "", detail: str = ""
) -> AuditEntry:
    """An entry about `obj` by the person making `request`, with the reason
    they gave for it if it is restricted."""
    return record(
        user=request.user,
        action=action,
        object_type=object_type_of(obj),
        object_id=obj.pk,
        reference=reference or str(obj),
        reason=reason_given(request, obj) or "",
        detail=detail,
    )


def trail_of(object_type: str, object_id) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).order_by("-at", "-pk")


def _key(obj) -> str:
    return f"{object_type_of(obj)}:{obj.pk}"


def reason_given(request, obj) -> str | None:
    """The reason given in this session to open `obj`, while it holds."""
    remembered = request.session.get(SESSION_KEY, {}).get(_key(obj))
    if not remembered:
        return None
    given_at = datetime.fromisoformat(remembered["at"])
    if timezone.now() - given_at > settings.AUDIT_REASON_VALID_FOR:
        return None
    return remembered["reason"]


def remember_reason(request, obj, reason: str) -> None:
    now = timezone.now()
    reasons = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if now - datetime.fromisoformat(value["at"]) <= settings.AUDIT_REASON_VALID_FOR
    }
    reasons[_key(obj)] = {"reason": reason, "at": now.isoformat()}
    request.session[SESSION_KEY] = reasons
