"""Evidence files sent by the public, and where they are kept.

An attachment belongs to a draft (by the draft's id, whatever the channel)
until the draft is submitted, then to its case. Files are stored under
server-made names in EVIDENCE_ROOT, a folder no URL serves; `EvidenceStorage`
refuses to make a URL for them at all. Deleting a row deletes its file once
the transaction commits, however the row was deleted (a cascade too).
"""

import os
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import TypeVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.scanning import scanner_from_settings
from casework.uploads import (
    EVIDENCE,
    CheckedUpload,
    UploadRejected,
    UploadRules,
    check_upload,
    display_name,
)

Draft = TypeVar("Draft")


class EvidenceStorage(FileSystemStorage):
    """Files on disk in EVIDENCE_ROOT (read each time, so tests can move it)."""

    def __init__(self):
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return settings.EVIDENCE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(
            "Evidence files have no URL: staff download them through a view."
        )


@cache
def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()


class Attachment(models.Model):
    class ScanStatus(models.TextChoices):
        CLEAN = "clean", _("No virus found")
        INFECTED = "infected", _("Virus found")
        QUARANTINED = "quarantined", _("Quarantined: the virus scanner was unavailable")
        NOT_SCANNED = "not_scanned", _("Not scanned: no virus scanner configured")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to="%Y/%m/", max_length=200
    )
    original_name = models.CharField(
        _("name given by the sender"),
        max_length=255,
        help_text=_("Shown to people; never used to store or open the file."),
    )
    content_type = models.CharField(_("type, from its content"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the stored file"), max_length=64)
    scan_status = models.CharField(
        _("virus scan"), max_length=20, choices=ScanStatus.choices
    )
    scan_detail = models.CharField(_("scan details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received"))
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("case"),
    )
    # The id of the draft (report or intelligence) it was sent with, until the
    # draft becomes a case.
    draft_key = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False)
                | models.Q(draft_key__isnull=False),
                name="attachment_has_a_case_or_a_draft",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def awaits_scan(self) -> bool:
        return self.scan_status == self.ScanStatus.QUARANTINED


@receiver(post_delete, sender=Attachment)
def _delete_file_with_row(sender, instance: Attachment, **kwargs) -> None:
    name = instance.file.name
    if name:
        # After commit: a rolled-back delete must not lose the file.
        transaction.on_commit(lambda: evidence_storage().delete(name), robust=True)


def store_attachment(
    *, checked: CheckedUpload, draft_key: uuid.UUID, now: datetime
) -> Attachment:
    """Write a checked file under a new name, then its row; no row, no file."""
    attachment = Attachment(
        original_name=checked.original_name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_status=checked.scan_status,
        scan_detail=checked.scan_detail[:300],
        created_at=now,
        draft_key=draft_key,
    )
    name = f"{attachment.pk}.{checked.kind.extension}"
    attachment.file.save(name, checked.content, save=False)
    try:
        attachment.save(force_insert=True)
    except BaseException:
        evidence_storage().delete(attachment.file.name)
        raise
    return attachment


def attachments_of_draft(draft_key: uuid.UUID) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(draft_key=draft_key, case__isnull=True)


def _too_many_files(name: str) -> UploadRejected:
    return UploadRejected(
        gettext("“%(name)s” was not uploaded: you can upload up to %(count)s files")
        % {"name": name, "count": settings.EVIDENCE_MAX_FILES}
    )


def add_to_draft(
    *,
    upload,
    draft_key: uuid.UUID,
    lock_draft: Callable[[], Draft],
    then: Callable[[Draft], object],
    now: datetime,
    rules: UploadRules = EVIDENCE,
) -> Attachment:
    """Check one uploaded file and keep it with a draft, whatever the channel.

    Raises UploadRejected (with the message for the person) when the file is
    refused. The checks and the virus scan run before the draft is locked:
    they can take a while and need nothing from it. Then, in one transaction,
    `lock_draft()` locks the draft's row (raising if it can no longer take
    files), the file is stored and `then(draft)` records it in the answers.
    The same file sent twice (a double click, a retry) is kept once.
    """
    name = display_name(upload.name)
    if attachments_of_draft(draft_key).count() >= settings.EVIDENCE_MAX_FILES:
        raise _too_many_files(name)
    checked = check_upload(upload, scanner=scanner_from_settings(), rules=rules)
    attachment = None
    try:
        with transaction.atomic():
            draft = lock_draft()
            kept = attachments_of_draft(draft_key)
            same = kept.filter(sha256=checked.sha256).first()
            if same is not None:
                return same
            count = kept.count()
            if count >= settings.EVIDENCE_MAX_FILES:
                raise _too_many_files(name)
            if not rules.keep_names:
                # Named before the row is written: the name sent never is.
                checked.original_name = neutral_name(count + 1, checked.kind.extension)
            attachment = store_attachment(checked=checked, draft_key=draft_key, now=now)
            then(draft)
    except BaseException:
        if attachment is not None:
            # The row was rolled back; its file must not outlive it.
            evidence_storage().delete(attachment.file.name)
        raise
    return attachment


def neutral_name(number: int, extension: str) -> str:
    return f"image-{number}.{extension}"


def give_neutral_names(draft_key: uuid.UUID) -> None:
    """Name a draft's files image-1.jpg, image-2.png… in the order they came.
    Call it holding the draft's row lock."""
    for number, attachment in enumerate(attachments_of_draft(draft_key), start=1):
        extension = attachment.file.name.rsplit(".", 1)[-1]
        name = neutral_name(number, extension)
        if attachment.original_name != name:
            attachment.original_name = name
            attachment.save(update_fields=["original_name"])


def files_answer(draft_key: uuid.UUID) -> dict:
    """A draft's files as the answer of its upload page, for "Check your
    answers", the printable copy and staff."""
    return {
        "files": [
            {"id": str(attachment.pk), "name": attachment.original_name}
            for attachment in attachments_of_draft(draft_key)
        ]
    }


def remove_from_draft(*, draft_key: uuid.UUID, attachment_id: str) -> None:
    """Delete one of the draft's own files; an id of another draft's, or no
    id at all, removes nothing. Call it holding the draft's row lock."""
    try:
        attachment_uuid = uuid.UUID(str(attachment_id))
    except ValueError:
        return
    attachments_of_draft(draft_key).filter(pk=attachment_uuid).delete()


def move_to_case(*, draft_key: uuid.UUID, case) -> int:
    """Give a submitted draft's attachments to its case. Call it in the submit's
    transaction, so they move with the case or not at all."""
    return attachments_of_draft(draft_key).update(case=case, draft_key=None)


def delete_for_drafts(draft_keys) -> int:
    """Delete the attachments of drafts being thrown away: rows, then files.

    `draft_keys` may be a queryset of ids. The post_delete receiver above
    runs for each row (a queryset delete sends it too), so each file goes.
    """
    deleted = Attachment.objects.filter(
        draft_key__in=draft_keys, case__isnull=True
    ).delete()
    return deleted[1].get(Attachment._meta.label, 0)
