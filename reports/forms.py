"""One form per page of the report journey.

Each form knows its question (`title`), turns its cleaned data into a JSON
answer for the draft and back, and describes its answer for "Check your
answers" and for staff.
"""

from crispy_forms_gds.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f
from hertsreport.fields import YES_NO
from hertsreport.journeys import StepForm, choices_then_elsewhere
from reports.kinds import ELSEWHERE, REPORTABLE

# --- Before the details ---------------------------------------------------


class EmergencyForm(StepForm):
    title = _("Is this an emergency?")
    heading_field = "emergency"
    emergency = f.Choice(
        label=_("Is this an emergency?"),
        help_text=_(
            "It is an emergency if a crime is happening now, the person who did "
            "it is nearby, someone is in danger, or violence is being used or "
            "threatened."
        ),
        choices=[
            ("yes", _("Yes, at least one of these is happening")),
            ("no", _("No, none of these is happening")),
        ],
        required_message=_("Select yes if this is an emergency"),
    )


class KindForm(StepForm):
    title = _("What do you want to report?")
    heading_field = "kind"
    kind = f.Choice(
        label=_("What do you want to report?"),
        choices=choices_then_elsewhere(REPORTABLE, ELSEWHERE),
        required_message=_("Select what you want to report"),
    )


# --- When -----------------------------------------------------------------


class WhenForm(StepForm):
    title = _("When did it happen?")
    heading_field = "when"
    when = f.Choice(
        label=_("When did it happen?"),
        choices=[
            ("on", _("On a date I know")),
            ("between", _("Some time between two dates")),
            ("not_sure", _("I'm not sure")),
        ],
        required_message=_("Select when it happened"),
    )


class WhenDateForm(StepForm):
    title = _("What date did it happen?")
    heading_field = "date"
    date = f.PastDate(
        label=_("What date did it happen?"),
        name=_("the date it happened"),
        help_text=_("For example, 27 3 2026"),
    )
    time = f.TimeOfDay(
        name=_("the time"),
        label=_("What time did it happen? (optional)"),
        help_text=_("For example, 14:30 or 2:30pm. Leave it empty if you do not know."),
    )


class WhenBetweenForm(StepForm):
    title = _("Between which dates did it happen?")
    date_from = f.PastDate(
        label=_("The earliest it could have happened"),
        name=_("the earliest date"),
        help_text=_("For example, 20 3 2026"),
    )
    date_to = f.PastDate(
        label=_("The latest it could have happened"),
        name=_("the latest date"),
        help_text=_("For example, 27 3 2026"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _("The latest date must be the same as or after the earliest"),
            )
        return cleaned


# --- Where and what -------------------------------------------------------


class WhereForm(StepForm):
    title = _("Where did it happen?")
    place = f.LongText(
        name=_("where it happened"),
        label=_("Address, or a description of the place"),
        help_text=_(
            "For example, 12 High Street, Hitchin, or the car park behind the "
            "leisure centre in Stevenage"
        ),
        max_length=500,
        required_message=_("Enter the address, or describe the place"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    postcode = f.Postcode(
        name=_("the postcode"),
        label=_("Postcode (if you know it)"),
        help_text=_("This helps us send your report to the right local team"),
    )


class WhatHappenedForm(StepForm):
    title = _("What happened?")
    heading_field = "description"
    description = f.LongText(
        name=_("what happened"),
        label=_("What happened?"),
        help_text=_(
            "Tell us in your own words: what happened, in what order, what was "
            "said, and anything else you remember. Do not worry about getting it "
            "perfect."
        ),
        required_message=_("Tell us what happened"),
    )


# --- Who is reporting -----------------------------------------------------


class ReporterRoleForm(StepForm):
    title = _("Who are you in this report?")
    heading_field = "role"
    role = f.Choice(
        label=_("Who are you in this report?"),
        choices=[
            ("victim", _("It happened to me")),
            ("witness", _("I saw it happen")),
            ("someone_else", _("I'm reporting for someone else")),
            ("business", _("I'm reporting for a business or organisation")),
        ],
        required_message=_("Select who you are in this report"),
    )


class VictimForm(StepForm):
    title = _("Who did it happen to?")
    victim_name = f.Text(
        name=_("the name of the person or business"),
        label=_("Name of the person or business it happened to"),
        required_message=_("Enter the name of the person or business it happened to"),
    )
    relationship = f.Text(
        name=_("how you know them"),
        label=_("How do you know them? (optional)"),
        help_text=_("For example, my mother, or I am the shop manager"),
    )


class YourDetailsForm(StepForm):
    title = _("Your details")
    full_name = f.Text(
        name=_("your full name"),
        label=_("Full name"),
        required_message=_("Enter your full name"),
    )
    email = f.Email(
        name=_("your email address"),
        label=_("Email address"),
        help_text=_("We will send your reference number and updates here"),
        required_message=_("Enter your email address"),
    )
    phone = f.Phone(
        name=_("your telephone number"),
        label=_("Telephone number (optional)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs.update(
            {"autocomplete": "name", "spellcheck": "false"}
        )


class ContactForm(StepForm):
    title = _("Contacting you safely")
    methods = f.Choices(
        label=_("How can we contact you?"),
        choices=[
            ("email", _("Email")),
            ("phone", _("Phone call")),
            ("text", _("Text message")),
        ],
        required_message=_("Select how we can contact you"),
    )
    voicemail = f.Choice(
        label=_("Is it safe for us to leave a voicemail?"),
        choices=YES_NO,
        required_message=_("Select yes if it is safe to leave a voicemail"),
    )
    safe_times = f.LongText(
        name=_("when it is safe to contact you"),
        label=_("When is it safe to contact you? (optional)"),
        help_text=_("For example, weekdays after 6pm, or never at work"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RepeatForm(StepForm):
    title = _("Has something like this happened before?")
    heading_field = "repeat"
    repeat = f.Choice(
        label=_("Has something like this happened before?"),
        help_text=_("To you or the person it happened to, in the last 12 months"),
        choices=[*YES_NO, ("not_sure", _("I'm not sure"))],
        required_message=_("Select yes if something like this has happened before"),
    )


class VulnerabilityForm(StepForm):
    title = _("Does the person it happened to need extra support?")
    heading_field = "vulnerable"
    vulnerable = f.Choice(
        label=_("Does the person it happened to need extra support?"),
        help_text=_(
            "For example, they are under 18, older and living alone, or have a "
            "disability, illness or mental health condition"
        ),
        choices=[*YES_NO, ("prefer_not", _("Prefer not to say"))],
        required_message=_("Select yes if they need extra support"),
    )


class HelpForm(StepForm):
    title = _("Do you need any help from us?")
    needs = f.Choices(
        label=_("Do you need any help from us?"),
        help_text=_("Select all that apply"),
        choices=[
            ("interpreter", _("An interpreter")),
            ("adjustments", _("Changes because of a disability or condition")),
            ("none", _("No help needed")),
        ],
        required_message=_("Select the help you need, or no help needed"),
    )
    language = f.Text(
        name=_("the language"),
        label=_("If you need an interpreter, which language?"),
        max_length=100,
    )
    adjustments = f.LongText(
        name=_("the changes you need"),
        label=_("If you need changes, tell us what would help"),
        help_text=_("For example, contact by email only, or large print letters"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    heading_field = "needs"

    def clean(self):
        cleaned = super().clean()
        needs = cleaned.get("needs") or []
        if "none" in needs and len(needs) > 1:
            self.add_error(
                "needs", _("Select the help you need, or no help needed, not both")
            )
        if "interpreter" in needs and not cleaned.get("language"):
            self.add_error("language", _("Enter the language you need"))
        if "adjustments" in needs and not cleaned.get("adjustments"):
            self.add_error("adjustments", _("Tell us what changes would help"))
        return cleaned


# --- People and things ----------------------------------------------------


class KnowsSuspectForm(StepForm):
    title = _("Do you know anything about who did it?")
    heading_field = "knows_suspect"
    knows_suspect = f.Choice(
        label=_("Do you know anything about who did it?"),
        help_text=_("For example, their name, or what they looked like"),
        choices=YES_NO,
        required_message=_("Select yes if you know anything about who did it"),
    )


class SuspectForm(StepForm):
    title = _("Who did it?")
    item_noun = _("person")
    name = f.Text(
        name=_("their name"),
        label=_("Their name, if you know it"),
        max_length=200,
    )
    description = f.LongText(
        name=_("the description"),
        label=_("Describe them"),
        help_text=_(
            "For example, age, height, build, hair, clothes, anything distinctive, "
            "and where they live or go if you know"
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("name") or cleaned.get("description")):
            self.add_error("name", _("Enter their name or describe them"))
        return cleaned


class VehiclesForm(StepForm):
    title = _("Were any vehicles involved?")
    heading_field = "vehicles_involved"
    vehicles_involved = f.Choice(
        label=_("Were any vehicles involved?"),
        help_text=_("Including your own vehicle, if it was stolen or damaged"),
        choices=YES_NO,
        required_message=_("Select yes if any vehicles were involved"),
    )


class VehicleForm(StepForm):
    title = _("Vehicles involved")
    item_noun = _("vehicle")
    registration = f.Text(
        name=_("the registration"),
        label=_("Registration number, if you know it"),
        max_length=10,
    )
    description = f.Text(
        name=_("the description"),
        label=_("Make, model and colour"),
        help_text=_("For example, a silver Ford Focus"),
        max_length=200,
    )
    whose = f.Choice(
        label=_("Whose vehicle is it?"),
        choices=[
            ("victim", _("Mine, or the person it happened to")),
            ("suspect", _("The person who did it")),
            ("other", _("Someone else, or I do not know")),
        ],
        required_message=_("Select whose vehicle it is"),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (
            cleaned.get("registration") or cleaned.get("description")
        ):
            self.add_error(
                "registration", _("Enter the registration or describe the vehicle")
            )
        return cleaned


class ItemForm(StepForm):
    title = _("What was stolen or damaged?")
    item_noun = _("item")
    description = f.Text(
        name=_("the description"),
        label=_("Describe the item"),
        help_text=_("For example, black Apple iPhone 15 in a red case"),
        max_length=300,
        required_message=_("Describe the item"),
    )
    value = f.Money(
        name=_("the value"),
        label=_("About how much is it worth, in pounds? (optional)"),
    )
    serial_number = f.Text(
        name=_("the serial number"),
        label=_("Serial number or other identifying marks (optional)"),
        help_text=_("For a bicycle, the frame number; for a phone, the IMEI"),
        max_length=100,
    )


class KnowsWitnessForm(StepForm):
    title = _("Did anyone else see what happened?")
    heading_field = "witnesses"
    witnesses = f.Choice(
        label=_("Did anyone else see what happened?"),
        choices=[*YES_NO, ("not_sure", _("I'm not sure"))],
        required_message=_("Select yes if anyone else saw what happened"),
    )


class WitnessForm(StepForm):
    title = _("Who saw what happened?")
    item_noun = _("witness")
    name = f.Text(name=_("their name"), label=_("Their name, if you know it"))
    contact = f.Text(
        name=_("their contact details"),
        label=_("How can we contact them? (optional)"),
        help_text=_("A phone number, email or address"),
        max_length=300,
    )
    saw = f.LongText(
        name=_("what they saw"),
        label=_("What did they see? (optional)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("name") or cleaned.get("contact")):
            self.add_error("name", _("Enter their name or how we can contact them"))
        return cleaned


class EvidenceForm(StepForm):
    title = _("Is there any evidence?")
    cctv = f.Choice(
        label=_("Is there any CCTV, doorbell or dashcam footage?"),
        choices=[*YES_NO, ("not_sure", _("I'm not sure"))],
        required_message=_("Select yes if there is any footage"),
    )
    evidence = f.LongText(
        name=_("the evidence"),
        label=_("Tell us about any evidence (optional)"),
        help_text=_(
            "For example, where the camera is and who owns it, or that you kept "
            "the messages. You can send photos, videos and documents on the next "
            "page."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the information I have given is true, to the best "
            "of my knowledge"
        ),
        error_messages={
            "required": _("Confirm that the information you have given is true")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(Field.checkbox("confirm"))
