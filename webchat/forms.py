from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f
from webchat.models import Conversation


class StartChatForm(forms.Form):
    topic = f.Choice(
        label=_("What do you want to talk about?"),
        choices=Conversation.Topic.choices,
        required_message=_("Select what you want to talk about"),
    )
    name = f.Text(
        name=_("your name"),
        label=_("What should we call you? (optional)"),
        help_text=_("A first name is enough. You do not have to give one."),
        max_length=60,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"autocomplete": "given-name", "spellcheck": "false"}
        )
        self.helper = f.form_helper(
            Field.radios("topic", legend_size=Size.MEDIUM),
            Field.text("name", field_width=20),
        )


class ChatFeedbackForm(forms.Form):
    satisfaction = f.Choice(
        label=_("Overall, how did you feel about the chat?"),
        choices=[
            ("5", _("Very satisfied")),
            ("4", _("Satisfied")),
            ("3", _("Neither satisfied nor dissatisfied")),
            ("2", _("Dissatisfied")),
            ("1", _("Very dissatisfied")),
        ],
        required_message=_("Select how you felt about the chat"),
    )
    comment = f.LongText(
        name=_("your comments"),
        label=_("How could we improve it? (optional)"),
        help_text=_("Do not include personal details."),
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(
            Field.radios("satisfaction", legend_size=Size.MEDIUM),
            Field.textarea("comment", rows=4),
        )


class TranscriptEmailForm(forms.Form):
    email = f.Email(
        name=_("your email address"),
        label=_("Email address"),
        required_message=_("Enter your email address"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(Field.text("email", label_size=Size.SMALL))
