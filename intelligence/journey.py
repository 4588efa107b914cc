"""The pages of "Tell us about something", in order, and which apply when."""

from django.utils.translation import gettext_lazy as _

from hertsreport.journeys import Journey, Step, answer
from intelligence import forms

INFORMATION = _("Your information")
PEOPLE = _("People and vehicles")
YOU = _("About you")

STEPS = [
    Step("about", forms.TopicForm, INFORMATION),
    Step("what", forms.WhatForm, INFORMATION),
    Step("where", forms.WhereForm, INFORMATION),
    Step("when", forms.WhenForm, INFORMATION),
    Step("people-known", forms.PeopleKnownForm, PEOPLE),
    Step(
        "people",
        forms.PersonForm,
        PEOPLE,
        lambda a: answer(a, "people-known", "people_known") == "yes",
        collection=True,
    ),
    Step("vehicles-known", forms.VehiclesKnownForm, PEOPLE),
    Step(
        "vehicles",
        forms.VehicleForm,
        PEOPLE,
        lambda a: answer(a, "vehicles-known", "vehicles_known") == "yes",
        collection=True,
    ),
    Step("how-known", forms.HowKnownForm, INFORMATION),
    Step("identity", forms.IdentityForm, YOU),
    Step(
        "your-details",
        forms.InformantForm,
        YOU,
        lambda a: answer(a, "identity", "give_details") == "yes",
    ),
]

JOURNEY = Journey(STEPS)
