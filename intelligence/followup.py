"""Forms for adding to a submission later, with its reference and passphrase."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.references import normalise_reference
from hertsreport import fields as f


class FollowUpForm(forms.Form):
    reference = f.Text(
        name=_("the reference number"),
        label=_("Reference number"),
        help_text=_("For example, IN-26-000123-K"),
        max_length=30,
        required_message=_("Enter the reference number"),
    )
    passphrase = f.Text(
        name=_("the passphrase"),
        label=_("Passphrase"),
        help_text=_("The passphrase we showed you, like ABCD-EFGH-JKMN-PQRS"),
        max_length=40,
        required_message=_("Enter the passphrase"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs.update(
                {
                    "spellcheck": "false",
                    "autocomplete": "off",
                    "autocapitalize": "characters",
                }
            )
        self.helper = f.form_helper(
            Field.text("reference", label_size=Size.SMALL, field_width=20),
            Field.text("passphrase", label_size=Size.SMALL, field_width=20),
        )

    def clean_reference(self):
        normalised = normalise_reference(self.cleaned_data["reference"])
        if not normalised:
            raise forms.ValidationError(
                _("Check the reference number: it looks like IN-26-000123-K"),
                code="invalid",
            )
        return normalised


class MoreInformationForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    information = f.LongText(
        name=_("the information"),
        label=_("What else do you want to tell us?"),
        required_message=_("Tell us what you want to add"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(
            "token",
            Field.textarea(
                "information", label_size=Size.LARGE, label_tag="h1", rows=6
            ),
        )
