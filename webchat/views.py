"""Public chat pages. The chat itself runs over a websocket (consumers.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from casework.cases import queue_email
from hertsreport.templatetags.govuk import clock_time
from webchat import selectors, services, transcripts
from webchat.forms import ChatFeedbackForm, StartChatForm, TranscriptEmailForm
from webchat.models import Conversation

CHAT_SESSION_KEY = "chat_token"


def chat_strings() -> dict:
    """What chat.js says, translated here so every string is translatable."""
    return {
        "you_said": _("You said"),
        "agent_said": _("Agent said"),
        "queue": _(
            "You are number {position} in the queue. Estimated wait: about "
            "{minutes} minutes."
        ),
        "joined": _("An agent has joined. You are connected."),
        "requeued": _("You are back in the queue."),
        "ended": _("The chat has ended."),
        "typing": _("The agent is typing…"),
        "too_fast": _("You are sending messages too quickly. Wait a moment."),
        "too_long": _("That message is too long."),
        "unavailable": _(
            "This chat is not available. Start a new one from the chat page."
        ),
        "reconnecting": _("Reconnecting…"),
        "confirm_end": _("End the chat?"),
    }


def _opening_hours() -> list[dict]:
    return [
        {
            "day": hours.get_day_display(),
            "opens": clock_time(hours.opens),
            "closes": clock_time(hours.closes),
        }
        for hours in selectors.opening_hours()
    ]


def _conversation(request) -> Conversation | None:
    return services.conversation_for_token(request.session.get(CHAT_SESSION_KEY, ""))


def _bound(form_class, request):
    return form_class(request.POST if request.method == "POST" else None)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    current = _conversation(request)
    if current is not None and current.status != Conversation.Status.ENDED:
        return redirect("webchat:conversation")
    availability = selectors.chat_availability(now=timezone.now())
    form = _bound(StartChatForm, request)
    if request.method == "POST" and availability.is_open and form.is_valid():
        conversation, token = services.start_conversation(
            topic=form.cleaned_data["topic"],
            display_name=form.cleaned_data["name"],
            now=timezone.now(),
        )
        request.session.cycle_key()
        request.session[CHAT_SESSION_KEY] = token
        return redirect("webchat:conversation")
    return render(
        request,
        "webchat/start.html",
        {
            "form": form,
            "availability": availability,
            "opening_hours": _opening_hours(),
            "error_title": bool(form.errors),
            "exit_this_page": True,
        },
    )


@never_cache
@require_safe
def conversation(request: HttpRequest) -> HttpResponse:
    chat = _conversation(request)
    if chat is None:
        return redirect("webchat:start")
    if chat.status == Conversation.Status.ENDED:
        return redirect("webchat:ended")
    history = services.messages_after(conversation_id=chat.pk, after_seq=0)
    return render(
        request,
        "webchat/conversation.html",
        {
            "chat": chat,
            "chat_messages": history,
            "last_seq": history[-1]["seq"] if history else 0,
            "chat_strings": chat_strings(),
            "max_length": services.MAX_MESSAGE_LENGTH,
            "exit_this_page": True,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ended(request: HttpRequest) -> HttpResponse:
    chat = _conversation(request)
    if chat is None:
        return redirect("webchat:start")
    if chat.status != Conversation.Status.ENDED:
        return redirect("webchat:conversation")
    which = request.POST.get("form") if request.method == "POST" else None
    feedback = ChatFeedbackForm(request.POST if which == "feedback" else None)
    email_form = TranscriptEmailForm(request.POST if which == "email" else None)
    emailed_to = ""
    if which == "feedback" and feedback.is_valid() and chat.satisfaction is None:
        services.record_feedback(
            conversation_id=chat.pk,
            satisfaction=int(feedback.cleaned_data["satisfaction"]),
            comment=feedback.cleaned_data["comment"],
        )
        chat.refresh_from_db()
    if which == "email" and email_form.is_valid():
        emailed_to = email_form.cleaned_data["email"]
        now = timezone.now()
        queue_email(
            key=f"chat-transcript:{chat.pk}:{emailed_to}",
            to=emailed_to,
            subject=transcripts.subject(chat),
            body=transcripts.as_text(chat),
            case=chat.case,
            now=now,
        )
    return render(
        request,
        "webchat/ended.html",
        {
            "chat": chat,
            "feedback_form": feedback,
            "email_form": email_form,
            "emailed_to": emailed_to,
            "error_title": bool(feedback.errors or email_form.errors),
        },
    )


@never_cache
@require_safe
def transcript(request: HttpRequest) -> HttpResponse:
    chat = _conversation(request)
    if chat is None:
        return redirect("webchat:start")
    response = HttpResponse(
        transcripts.as_text(chat), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hertfordshire-police-chat-{chat.pk}.txt"'
    )
    return response
