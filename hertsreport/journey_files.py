"""The "upload files" page of a public journey: its form and what a POST does.

Shared by the crime report and the intelligence journeys. The form only
carries the files and their errors: each file is checked on its own by the
journey's service (the checks live in casework.uploads), so one refused file
does not stop the others, and nothing else the person answered is touched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from casework.uploads import EVIDENCE, UploadRejected, UploadRules, size_text
from casework.uploads import upload_handlers as capped_upload_handlers
from hertsreport import fields as f
from hertsreport.journeys import StepForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        # Every file is kept for the service to check; a browser sends an
        # empty part when nothing was chosen, which is no file at all.
        files = data if isinstance(data, list | tuple) else [data]
        return [item for item in files if isinstance(item, UploadedFile)]


def _takes_only_photos(rules: UploadRules) -> bool:
    return all(kind.pillow_format for kind in rules.kinds)


class FilesForm(StepForm):
    title = gettext_lazy("Upload photos, videos or documents (optional)")
    photos_title = gettext_lazy("Upload photos or screenshots (optional)")
    # The question in "Check your answers".
    summary_label = gettext_lazy("Photos, videos or documents")
    files = MultipleFileField(label=gettext_lazy("Upload files"), required=False)

    def __init__(self, *args, rules: UploadRules = EVIDENCE, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        limits = settings.EVIDENCE_MAX_BYTES
        field = self.fields["files"]
        if _takes_only_photos(rules):
            self.title = self.photos_title
            field.help_text = _(
                "You can upload up to %(count)s photos or screenshots (JPG, PNG "
                "or HEIC), each smaller than %(image)s."
            ) % {
                "count": settings.EVIDENCE_MAX_FILES,
                "image": size_text(limits["image"]),
            }
        else:
            field.help_text = _(
                "You can upload up to %(count)s files. Photos (JPG, PNG or HEIC) "
                "and documents (PDF) must be smaller than %(image)s, videos (MP4 "
                "or MOV) smaller than %(video)s."
            ) % {
                "count": settings.EVIDENCE_MAX_FILES,
                "image": size_text(limits["image"]),
                "video": size_text(limits["video"]),
            }
        # crispy-forms-gds styles Django's own file inputs by their class name;
        # ours is a subclass, so it gets the GOV.UK classes here.
        field.widget.attrs.update(
            {"class": "govuk-file-upload", "accept": rules.accept}
        )
        self.helper = f.form_helper(
            Field("files", context={"label_size": Size.for_label(Size.MEDIUM)})
        )

    def uploads(self) -> list[UploadedFile]:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("files", [])

    def reject(self, message: str) -> None:
        """Show why one file was refused, beside the field and in the summary."""
        self.add_error("files", message)
        self.fields["files"].widget.attrs["class"] = (
            "govuk-file-upload govuk-file-upload--error"
        )

    @classmethod
    def initial_from(cls, answer: dict | None) -> dict:
        return {}

    @classmethod
    def describe(cls, answer: dict) -> list[tuple[str, str]]:
        names = [item["name"] for item in answer.get("files", [])]
        return [
            (
                str(cls.summary_label),
                "\n".join(names) if names else _("None uploaded"),
            )
        ]


@dataclass
class FilesOutcome:
    """What a POST to the upload page decided.

    `then` is "again" (a file was added or removed, or the draft changed
    meanwhile: show the page afresh, which works out where to go), "errors"
    (show `form` with why files were refused), "next" (carry on) or "save"
    (save for later).
    """

    then: str
    form: FilesForm | None = None


def post_files(
    request,
    *,
    form: FilesForm,
    draft_id,
    add: Callable[..., object],
    remove: Callable[..., object],
    record_answer: Callable[..., object],
    draft_gone: type[Exception],
) -> FilesOutcome:
    """Handle a POST to an upload page. Choosing files and pressing Continue
    uploads them and goes on; a refused file keeps the person on the page
    with the reason, and the files that passed are kept.

    `add(draft_id=, upload=, now=)`, `remove(draft_id=, attachment_id=, now=)`
    and `record_answer(draft_id=, now=)` are the journey's own services; `add`
    raises UploadRejected for a refused file, and any of them `draft_gone`
    when the draft was sent, expired or changed in another tab meanwhile.
    """
    now = timezone.now()
    action = request.POST.get("action", "continue")
    try:
        if action.startswith("remove-"):
            remove(
                draft_id=draft_id,
                attachment_id=action.removeprefix("remove-"),
                now=now,
            )
            return FilesOutcome("again")
        uploads = form.uploads()
        for upload in uploads:
            try:
                add(draft_id=draft_id, upload=upload, now=now)
            except UploadRejected as rejection:
                form.reject(rejection.message)
        if action == "add" and not uploads:
            form.reject(_("Select a file to upload"))
        if form.errors:
            return FilesOutcome("errors", form)
        record_answer(draft_id=draft_id, now=now)
    except draft_gone:
        return FilesOutcome("again")
    return FilesOutcome({"add": "again", "save": "save"}.get(action, "next"), form)


def takes_uploads(is_upload_page: Callable[..., bool]):
    """Decorate a journey's page view so its upload page stops writing a file
    to disk once it is too big (casework.uploads.upload_handlers).

    The handlers must be in place before anything reads the body, and the
    CSRF check reads it: so the check runs after them, on the view itself
    (csrf_protect), Django's documented way to do it. `is_upload_page` is
    given the view's arguments.
    """

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def with_handlers(request, *args, **kwargs):
            if request.method == "POST" and is_upload_page(*args, **kwargs):
                request.upload_handlers = capped_upload_handlers(request)
            return protected(request, *args, **kwargs)

        return with_handlers

    return decorate
