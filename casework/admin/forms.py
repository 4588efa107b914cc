"""Forms for the staff actions on a case. They check only what was typed;
what is allowed is decided by casework.workflow, in one place."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Team
from casework.thrive import FACTORS, Grade
from casework.workflow import TRANSITIONS


class ThriveForm(forms.Form):
    """One grade and one note for each part of THRIVE."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in FACTORS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=Grade.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Grade %(factor)s") % {"factor": str(label).lower()}
                },
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("%(factor)s: why") % {"factor": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
            )

    def factors(self):
        """(grade field, note field) for each part, for the template."""
        return [(self[name], self[f"{name}_note"]) for name, _label in FACTORS]

    def grades(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in FACTORS}

    def notes(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"{name}_note"] for name, _label in FACTORS}


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Case.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome")},
    )
    crime_number = forms.CharField(
        label=_("Crime number"),
        help_text=_("When a crime was recorded."),
        required=False,
        max_length=30,
    )
    duplicate_of = forms.CharField(
        label=_("Reference of the case this duplicates"),
        help_text=_("When it is a duplicate, for example CR-26-004217-K."),
        required=False,
        max_length=20,
    )
    reason = forms.CharField(
        label=_("Reason the reporter will see"),
        help_text=_(
            "Shown on the track page and emailed to the reporter. Write it for "
            "them: plain words, no internal details."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": _("Give the reason the reporter will see")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (staff only)"),
        help_text=_("Never shown to the reporter."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Write the note")},
    )


class PublicUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Update to the reporter"),
        help_text=_(
            "The reporter sees this on the track page and we email it to them. "
            "Write it for them."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Write the update")},
    )


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(case.status, set()) - {Case.Status.CLOSED}
        self.fields["to"].choices = [
            (value, label) for value, label in Case.Status.choices if value in allowed
        ]


def _staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _staff_label(obj)


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False
    )
    user = StaffChoiceField(
        label=_("Officer or member of staff"),
        queryset=get_user_model().objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True)
            .order_by("first_name", "last_name", "username")
        )
