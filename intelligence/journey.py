"""The pages of "Tell us about something", in order, and which apply when.

"Do you want to give your details?" comes before the upload page, so that
page can say which files it takes and what is kept of them: photos only,
nameless and with nothing but their pixels, for someone staying anonymous.
Nobody uploads a video only to be told at the end that it cannot be sent.
"""

from django.utils.translation import gettext_lazy as _

from hertsreport.journeys import Journey, Step, answer
from intelligence import forms

INFORMATION = _("Your information")
PEOPLE = _("People and vehicles")
YOU = _("About you")
YOUR_FILES = _("Photos and files")


def gives_details(answers: dict) -> bool:
    """Anything but a plain yes is anonymous."""
    return answer(answers, "identity", "give_details") == "yes"


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
        gives_details,
    ),
    Step("files", forms.IntelligenceFilesForm, YOUR_FILES, uploads=True),
]

JOURNEY = Journey(STEPS)
