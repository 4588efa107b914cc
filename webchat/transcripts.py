"""A chat as plain text, for the person who had it."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from webchat.models import Conversation, Message

SPEAKERS = {
    Message.Sender.CITIZEN: gettext_lazy("You"),
    Message.Sender.AGENT: gettext_lazy("Hertfordshire Police"),
    Message.Sender.SYSTEM: "",
}


def subject(chat: Conversation) -> str:
    return _("Your web chat with Hertfordshire Police")


def as_text(chat: Conversation) -> str:
    lines = [
        _("Web chat with Hertfordshire Police"),
        _("Started %(when)s")
        % {"when": timezone.localtime(chat.created_at).strftime("%-d %B %Y at %H:%M")},
    ]
    if chat.case_id:
        lines.append(_("Reference: %(ref)s") % {"ref": chat.case.reference})
    lines.append("")
    for message in chat.messages.exclude(sender=Message.Sender.NOTE).order_by("seq"):
        when = timezone.localtime(message.created_at).strftime("%H:%M")
        speaker = SPEAKERS.get(message.sender, "")
        prefix = f"[{when}] {speaker}: " if speaker else f"[{when}] "
        lines.append(prefix + message.body)
    lines += ["", _("In an emergency, call 999. For anything else, call 101.")]
    return "\n".join(lines) + "\n"
