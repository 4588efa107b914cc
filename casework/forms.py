from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.references import normalise_reference
from hertsreport import fields as f


class TrackForm(forms.Form):
    reference = f.Text(
        name=_("your reference number"),
        label=_("Reference number"),
        help_text=_("For example, CR-26-004217-K. It is in the email we sent you."),
        max_length=30,
        required_message=_("Enter your reference number"),
    )
    secret = f.Text(
        name=_("your email address or passphrase"),
        label=_("Email address, or your passphrase"),
        help_text=_(
            "The email address you gave us with your report. If you told us "
            "something anonymously, the passphrase we gave you."
        ),
        max_length=254,
        required_message=_("Enter your email address or passphrase"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["secret"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off", "autocapitalize": "none"}
        )
        self.helper = f.form_helper(
            Field.text("reference", label_size=Size.SMALL, field_width=20),
            Field.text("secret", label_size=Size.SMALL),
        )

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        normalised = normalise_reference(reference)
        if not normalised:
            # A format and check-letter test: says nothing about which exist.
            raise forms.ValidationError(
                _("Check the reference number: it looks like CR-26-004217-K"),
                code="invalid",
            )
        return normalised


class AddInformationForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    information = f.LongText(
        name=_("the information"),
        label=_("Add information or reply to an update"),
        help_text=_(
            "For example, something you have remembered, or a new photo's description."
        ),
        max_length=5000,
        required_message=_("Enter the information you want to add"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(
            "token",
            # A heading among the page's headings (GOV.UK: a label that looks
            # like a heading is wrapped in one, so screen readers list it).
            Field.textarea(
                "information", label_size=Size.MEDIUM, label_tag="h2", rows=5
            ),
        )
