"""The agent's form for turning a chat into a crime report (inside admin)."""

from django import forms
from django.contrib.admin.widgets import AdminRadioSelect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f
from reports.forms import RepeatForm, ReporterRoleForm, VulnerabilityForm
from reports.kinds import BY_SLUG, REPORTABLE

# The reporter's role, repeat and vulnerability questions, worded as online.
ROLE_CHOICES = ReporterRoleForm.base_fields["role"].choices
REPEAT_CHOICES = RepeatForm.base_fields["repeat"].choices
VULNERABLE_CHOICES = VulnerabilityForm.base_fields["vulnerable"].choices
ROLES_NAMING_A_VICTIM = {"someone_else", "business"}


def _date(label, help_text=""):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ChatReportForm(forms.Form):
    required_css_class = "required"  # admin shows these labels in bold

    kind = forms.ChoiceField(
        label=_("Kind of crime"),
        choices=[("", "---------")] + [(k.slug, k.label) for k in REPORTABLE],
        error_messages={"required": _("Select the kind of crime")},
    )
    role = forms.ChoiceField(
        label=_("Who is the person in this report?"),
        choices=ROLE_CHOICES,
        widget=AdminRadioSelect,
        error_messages={"required": _("Select who the person is in this report")},
    )
    victim_name = f.Text(
        name=_("the name of the person or business"),
        label=_("Name of the person or business it happened to"),
        help_text=_("Only when they are reporting for someone else or a business"),
    )
    occurred_on = _date(
        _("Date it happened"),
        _("Or the earliest it could have happened. Leave empty if not known."),
    )
    occurred_until = _date(
        _("Latest date it could have happened"),
        _("Only if the exact date is not known"),
    )
    occurred_time = f.TimeOfDay(
        name=_("the time"), label=_("Time it happened"), help_text=_("Like 14:30")
    )
    place = f.LongText(
        name=_("where it happened"),
        label=_("Where it happened"),
        max_length=500,
        required_message=_("Enter where it happened"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    postcode = f.Postcode(name=_("the postcode"), label=_("Postcode"))
    description = f.LongText(
        name=_("what happened"),
        label=_("What happened"),
        help_text=_("What the person wrote in the chat. Edit it into an account."),
        max_length=20000,
        required_message=_("Enter what happened"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    items = f.LongText(
        name=_("what was stolen or damaged"),
        label=_("What was stolen or damaged"),
        help_text=_("One item a line. Needed for thefts and damage."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vehicle_registration = f.Text(
        name=_("the registration"), label=_("Vehicle registration"), max_length=10
    )
    vehicle_description = f.Text(
        name=_("the vehicle"), label=_("Vehicle make, model and colour")
    )
    suspect = f.LongText(
        name=_("what is known about who did it"),
        label=_("What is known about who did it"),
        help_text=_("Leave empty if nothing is known"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # No answer chosen to begin with: both change the report's priority.
    repeat = forms.ChoiceField(
        label=_("Has something like this happened before?"),
        choices=[("", "---------"), *REPEAT_CHOICES],
        error_messages={
            "required": _("Select whether something like this happened before")
        },
    )
    vulnerable = forms.ChoiceField(
        label=_("Does the person it happened to need extra support?"),
        choices=[("", "---------"), *VULNERABLE_CHOICES],
        error_messages={"required": _("Select whether they need extra support")},
    )
    full_name = f.Text(
        name=_("the reporter's full name"),
        label=_("Reporter's full name"),
        required_message=_("Enter the reporter's full name"),
    )
    email = f.Email(
        name=_("the reporter's email address"),
        label=_("Reporter's email address"),
        help_text=_("The reference and updates are sent here"),
        required_message=_("Enter the reporter's email address"),
    )
    phone = f.Phone(name=_("the telephone number"), label=_("Telephone number"))

    fieldsets = [
        (
            _("The crime"),
            [
                "kind",
                "occurred_on",
                "occurred_until",
                "occurred_time",
                "place",
                "postcode",
                "description",
            ],
        ),
        (
            _("What was involved"),
            ["items", "vehicle_registration", "vehicle_description", "suspect"],
        ),
        (
            _("The person reporting"),
            [
                "role",
                "victim_name",
                "full_name",
                "email",
                "phone",
                "repeat",
                "vulnerable",
            ],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Admin's own sizes for text boxes.
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["class"] = "vLargeTextField"
            elif isinstance(field.widget, forms.TextInput | forms.EmailInput):
                field.widget.attrs["class"] = "vTextField"

    def grouped(self) -> list[tuple[str, list]]:
        """The bound fields of each fieldset, in the fieldset's order."""
        return [
            (title, [self[name] for name in names]) for title, names in self.fieldsets
        ]

    def clean(self):
        cleaned = super().clean()
        kind = BY_SLUG.get(cleaned.get("kind", ""))
        start, end = cleaned.get("occurred_on"), cleaned.get("occurred_until")
        today = timezone.localdate()
        for name in ("occurred_on", "occurred_until"):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, _("The date must be today or in the past"))
        if end and not start:
            self.add_error("occurred_on", _("Enter the earliest date too"))
        if start and end and end < start:
            self.add_error(
                "occurred_until", _("The latest date must be on or after the first")
            )
        if cleaned.get("role") in ROLES_NAMING_A_VICTIM and not cleaned.get(
            "victim_name"
        ):
            self.add_error(
                "victim_name",
                _("Enter the name of the person or business it happened to"),
            )
        if kind and kind.asks_items and not self.item_lines():
            self.add_error("items", _("Enter what was stolen or damaged"))
        if (
            kind
            and kind.asks_vehicle
            and not (
                cleaned.get("vehicle_registration")
                or cleaned.get("vehicle_description")
            )
        ):
            self.add_error(
                "vehicle_registration",
                _("Enter the registration or describe the vehicle"),
            )
        return cleaned

    def item_lines(self) -> list[str]:
        text = self.cleaned_data.get("items") or ""
        return [line.strip()[:300] for line in text.splitlines() if line.strip()]

    def to_answers(self) -> dict:
        """The answers, keyed by page of the online journey, as it stores them."""
        data = self.cleaned_data
        kind = BY_SLUG[data["kind"]]
        answers = {
            "kind": {"kind": kind.slug},
            "where": {"place": data["place"], "postcode": data["postcode"] or ""},
            "what-happened": {"description": data["description"]},
            "role": {"role": data["role"]},
            "your-details": {
                "full_name": data["full_name"],
                "email": data["email"],
                "phone": data["phone"] or "",
            },
            "repeat": {"repeat": data["repeat"]},
            "vulnerability": {"vulnerable": data["vulnerable"]},
        }
        answers.update(self._when())
        if data["role"] in ROLES_NAMING_A_VICTIM:
            answers["victim"] = {
                "victim_name": data["victim_name"],
                "relationship": "",
            }
        if kind.asks_items:
            answers["items"] = {
                "items": [
                    {"description": line, "value": "", "serial_number": ""}
                    for line in self.item_lines()
                ]
            }
        registration = data.get("vehicle_registration") or ""
        vehicle = data.get("vehicle_description") or ""
        if registration or vehicle:
            answers["vehicles"] = {
                "items": [
                    {
                        "registration": registration.upper(),
                        "description": vehicle,
                        # A stolen or damaged vehicle is the victim's own.
                        "whose": "victim" if kind.asks_vehicle else "other",
                    }
                ]
            }
            if not kind.asks_vehicle:
                answers["vehicles-involved"] = {"vehicles_involved": "yes"}
        if data.get("suspect"):
            answers["suspect-known"] = {"knows_suspect": "yes"}
            answers["suspects"] = {
                "items": [{"name": "", "description": data["suspect"]}]
            }
        return answers

    def _when(self) -> dict:
        start = self.cleaned_data.get("occurred_on")
        end = self.cleaned_data.get("occurred_until")
        if start and end and end != start:
            return {
                "when": {"when": "between"},
                "when-between": {
                    "date_from": start.isoformat(),
                    "date_to": end.isoformat(),
                },
            }
        if start:
            return {
                "when": {"when": "on"},
                "when-date": {
                    "date": start.isoformat(),
                    "time": self.cleaned_data.get("occurred_time") or "",
                },
            }
        return {"when": {"when": "not_sure"}}
