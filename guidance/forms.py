"""Forms for search and feedback, in GOV.UK Design System markup."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from guidance.journeys import JOURNEYS
from guidance.models import JourneyFeedback, PageFeedback
from hertsreport import fields as f

NO_PERSONAL_DETAILS = _(
    "Do not include personal information, such as your name, email address, "
    "phone number or a crime reference. We cannot reply to you here."
)
MAX_COMMENT = 1200


class SearchForm(forms.Form):
    q = f.Text(name=_("what you are looking for"), label=_("Search"), max_length=100)


class PageUsefulForm(forms.Form):
    useful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    next = forms.CharField(max_length=2000, required=False)


class _GdsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class WhatWentWrongForm(_GdsForm):
    reason = f.Choice(
        label=_("What went wrong?"),
        choices=PageFeedback.Reason.choices,
        required_message=_("Select what went wrong"),
    )
    details = f.LongText(
        name=_("more details"),
        label=_("Tell us more (optional)"),
        help_text=NO_PERSONAL_DETAILS,
        max_length=MAX_COMMENT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios(
                "reason", legend_size=Size.LARGE, legend_tag="h1", small=False
            ),
            Field.textarea("details", label_size=Size.SMALL, rows=5),
        )


class JourneyFeedbackForm(_GdsForm):
    journey = forms.ChoiceField(
        choices=[("", "")] + list(JOURNEYS.items()),
        required=False,
        widget=forms.HiddenInput,
    )
    satisfaction = f.Choice(
        label=_("Overall, how did you feel about the service you received today?"),
        choices=[
            (str(value), label) for value, label in JourneyFeedback.Satisfaction.choices
        ],
        required_message=_("Select how you feel about the service"),
    )
    comments = f.LongText(
        name=_("your comments"),
        label=_("How could we improve this service? (optional)"),
        help_text=NO_PERSONAL_DETAILS,
        max_length=MAX_COMMENT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "journey",
            Field.radios("satisfaction", legend_size=Size.MEDIUM),
            Field.textarea("comments", label_size=Size.MEDIUM, rows=5),
        )

    def clean_journey(self) -> str:
        return self.cleaned_data.get("journey") or ""

    def clean_satisfaction(self) -> int:
        return int(self.cleaned_data["satisfaction"])
