"""The "upload photos, videos or documents" page: its form.

The form only carries the files and their errors: each file is checked on
its own by `services.add_evidence` (the checks live in casework.uploads), so
one refused file does not stop the others.
"""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.uploads import ACCEPT, size_text
from hertsreport import fields as f
from reports.forms import StepForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        # Every file is kept for the service to check; a browser sends an
        # empty part when nothing was chosen, which is no file at all.
        files = data if isinstance(data, list | tuple) else [data]
        return [item for item in files if isinstance(item, UploadedFile)]


class FilesForm(StepForm):
    title = gettext_lazy("Upload photos, videos or documents (optional)")
    files = MultipleFileField(label=gettext_lazy("Upload files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = settings.EVIDENCE_MAX_BYTES
        field = self.fields["files"]
        field.help_text = _(
            "You can upload up to %(count)s files. Photos (JPG or PNG) and "
            "documents (PDF) must be smaller than %(image)s, videos (MP4 or MOV) "
            "smaller than %(video)s."
        ) % {
            "count": settings.EVIDENCE_MAX_FILES,
            "image": size_text(limits["image"]),
            "video": size_text(limits["video"]),
        }
        # crispy-forms-gds styles Django's own file inputs by their class name;
        # ours is a subclass, so it gets the GOV.UK classes here.
        field.widget.attrs.update({"class": "govuk-file-upload", "accept": ACCEPT})
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
                _("Photos, videos or documents"),
                "\n".join(names) if names else _("None uploaded"),
            )
        ]
