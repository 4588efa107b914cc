"""One form per page of the intelligence journey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f
from hertsreport.fields import YES_NO
from hertsreport.journey_files import FilesForm
from hertsreport.journeys import StepForm, choices_then_elsewhere
from intelligence.topics import ELSEWHERE, TOPICS


class DangerForm(StepForm):
    title = _("Is anyone in danger right now?")
    heading_field = "danger"
    danger = f.Choice(
        label=_("Is anyone in danger right now?"),
        help_text=_(
            "For example, someone is being hurt or threatened, a child is at risk, "
            "or a crime is happening now."
        ),
        choices=[
            ("yes", _("Yes, someone is in danger now")),
            ("no", _("No")),
        ],
        required_message=_("Select yes if anyone is in danger right now"),
    )


class TopicForm(StepForm):
    title = _("What is your information about?")
    heading_field = "topic"
    topic = f.Choice(
        label=_("What is your information about?"),
        choices=choices_then_elsewhere(TOPICS, ELSEWHERE),
        required_message=_("Select what your information is about"),
    )


class WhatForm(StepForm):
    title = _("What do you want to tell us?")
    heading_field = "information"
    information = f.LongText(
        name=_("your information"),
        label=_("What do you want to tell us?"),
        help_text=_(
            "Tell us what is happening, in as much detail as you can. Do not "
            "include anything about yourself unless you want to."
        ),
        required_message=_("Tell us what you know"),
    )


class PeopleKnownForm(StepForm):
    title = _("Do you know who is involved?")
    heading_field = "people_known"
    people_known = f.Choice(
        label=_("Do you know who is involved?"),
        help_text=_("Their names, nicknames, what they look like, or where they live"),
        choices=YES_NO,
        required_message=_("Select yes if you know who is involved"),
    )


class PersonForm(StepForm):
    title = _("Who is involved?")
    item_noun = _("person")
    name = f.Text(name=_("their name"), label=_("Name, if you know it"))
    nickname = f.Text(
        name=_("the nickname"), label=_("Nickname or street name (optional)")
    )
    description = f.LongText(
        name=_("the description"),
        label=_("What do they look like? (optional)"),
        help_text=_("Age, height, build, hair, clothes, anything distinctive"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    age = f.Text(
        name=_("their age"), label=_("Age or rough age (optional)"), max_length=20
    )
    address = f.LongText(
        name=_("the address"),
        label=_("Where do they live or spend time? (optional)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    social_media = f.Text(
        name=_("the social media names"),
        label=_("Social media or gaming names (optional)"),
        max_length=300,
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            cleaned.get(name) for name in ("name", "nickname", "description", "address")
        ):
            self.add_error("name", _("Enter their name, a nickname, or describe them"))
        return cleaned


class WhereForm(StepForm):
    title = _("Where is it happening?")
    place = f.LongText(
        name=_("where it is happening"),
        label=_("Address, or a description of the place (optional)"),
        help_text=_("For example, the flats above the shops on Queensway, Hatfield"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    postcode = f.Postcode(name=_("the postcode"), label=_("Postcode (if you know it)"))


class WhenForm(StepForm):
    title = _("When is it happening?")
    heading_field = "when"
    when = f.Choice(
        label=_("When is it happening?"),
        choices=[
            ("regularly", _("It happens regularly")),
            ("once_recent", _("It happened once, recently")),
            ("past", _("It happened some time ago")),
            ("future", _("It is going to happen")),
            ("not_sure", _("I'm not sure")),
        ],
        required_message=_("Select when it is happening"),
    )
    details = f.Text(
        name=_("when or how often"),
        label=_("When, or how often? (optional)"),
        help_text=_("For example, most evenings after 9pm, or last Saturday"),
        max_length=300,
    )


class VehiclesKnownForm(StepForm):
    title = _("Are any vehicles involved?")
    heading_field = "vehicles_known"
    vehicles_known = f.Choice(
        label=_("Are any vehicles involved?"),
        choices=YES_NO,
        required_message=_("Select yes if any vehicles are involved"),
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
        help_text=_("For example, a black BMW 3 Series with tinted windows"),
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


class HowKnownForm(StepForm):
    title = _("How do you know this?")
    heading_field = "how_known"
    how_known = f.Choice(
        label=_("How do you know this?"),
        help_text=_("This helps us judge the information. It does not identify you."),
        choices=[
            ("saw", _("I saw or heard it myself")),
            ("told_by_witness", _("Someone who saw it told me")),
            ("heard", _("I heard it from other people")),
            ("online", _("I saw it online")),
        ],
        required_message=_("Select how you know this"),
    )


class IdentityForm(StepForm):
    title = _("Do you want to give your details?")
    heading_field = "give_details"
    give_details = f.Choice(
        label=_("Do you want to give your details?"),
        help_text=_(
            "You do not have to. If you say no, we will not ask who you are and "
            "we will not keep anything that could identify you."
        ),
        choices=[
            ("no", _("No, I want to stay anonymous")),
            ("yes", _("Yes, you can contact me")),
        ],
        required_message=_("Select yes if you want to give your details"),
    )


class InformantForm(StepForm):
    title = _("Your details")
    full_name = f.Text(
        name=_("your name"), label=_("Name"), required_message=_("Enter your name")
    )
    email = f.Email(name=_("your email address"), label=_("Email address (optional)"))
    phone = f.Phone(
        name=_("your telephone number"), label=_("Telephone number (optional)")
    )
    safe = f.Choice(
        label=_("Is it safe for us to contact you?"),
        choices=[
            ("yes", _("Yes, at any time")),
            ("sometimes", _("Only at certain times")),
            ("no", _("No, do not contact me")),
        ],
        required_message=_("Select whether it is safe to contact you"),
    )
    safe_times = f.Text(
        name=_("when it is safe"),
        label=_("When is it safe? (optional)"),
        max_length=200,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("safe") in {"yes", "sometimes"} and not (
            cleaned.get("email") or cleaned.get("phone")
        ):
            self.add_error("email", _("Enter an email address or telephone number"))
        return cleaned


class IntelligenceFilesForm(FilesForm):
    """Photos, screenshots and (from someone who gives their details) other
    files; which the page takes is decided by the view, from the answers."""

    title = _("Upload photos, screenshots, videos or documents (optional)")
    summary_label = _("Files you uploaded")
