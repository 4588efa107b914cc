"""Web chat pages inside Django admin: the agent console, the supervisor's
dashboard, and turning a chat into a crime report.

Each is wrapped in admin_view (signed-in, active staff, or the login page)
and checks its own permission here (403 without it).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from reports.services import IncompleteReport
from webchat import crime_reports, selectors, services
from webchat.admin_forms import ChatReportForm
from webchat.models import AgentPresence, Conversation, Message

ANSWER = "webchat.answer_chats"
SUPERVISE = "webchat.supervise_chats"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def console_strings() -> dict:
    """What agent-console.js says, translated here like chat.js's strings."""
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "forbidden": _("You do not have permission to answer chats."),
        "nobody_waiting": _("Nobody is waiting."),
        "minutes": _("{minutes} min"),
        "seconds": _("{seconds} s"),
        "no_name": _("No name given"),
        "agent": _("Agent"),
        "system": _("System"),
        "note": _("Internal note"),
        "sending": _("Sending…"),
        "typing": _("{name} is typing…"),
        "risk": _("Possible risk to life"),
        "flagged_done": _("Flagged for 999 dispatch"),
        "unread": _("{count} unread"),
        "status_active": _("In progress"),
        "status_ended": _("Ended"),
        "status_waiting": _("Back in the queue"),
        "ended_by_citizen": _("The person ended the chat."),
        "ended_by_timeout": _("The chat closed: the person did not reply."),
        "confirm_end": _("End this chat?"),
        "reference": _("Crime report {reference}"),
        "accepted": _("New chat: {name}"),
        "errors": {
            "queue_empty": _("Nobody is waiting."),
            "away": _("You are set to away. Set yourself available to take a chat."),
            "try_again": _("That did not work just now. Try again."),
            "at_capacity": _(
                "You have as many chats as you can take. End one, or raise "
                "your number of chats at once."
            ),
            "too_fast": _("Slow down: messages are being sent too quickly."),
            "too_long": _("That message is too long."),
            "empty": _("Write a message first."),
            "ended": _("This chat has ended."),
            "not_active": _("This chat is not in progress."),
            "not_yours": _("This chat is no longer yours."),
            "agent_unavailable": _(
                "That agent cannot take it now. Choose another, or the queue."
            ),
            "no_such_agent": _("That agent cannot take it now."),
            "forbidden": _("You do not have permission to answer chats."),
            "bad_request": _("Something went wrong. Try again."),
        },
    }


@never_cache
@require_safe
def console(request: HttpRequest) -> HttpResponse:
    _require(request, ANSWER)
    return TemplateResponse(
        request,
        "admin/webchat/console.html",
        _context(
            request,
            _("Web chat console"),
            statuses=AgentPresence.Status.choices,
            max_length=services.MAX_MESSAGE_LENGTH,
            console_strings=console_strings(),
            console_config={
                "socket_path": "/ws/agent/",
                "report_url": reverse("admin:webchat_conversation_report", args=[0]),
                "max_length": services.MAX_MESSAGE_LENGTH,
            },
        ),
    )


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": seconds}
    return _("%(minutes)s min") % {"minutes": seconds // 60}


@never_cache
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, SUPERVISE)
    now = timezone.now()
    stats = selectors.dashboard(now=now)
    return TemplateResponse(
        request,
        "admin/webchat/dashboard.html",
        _context(
            request,
            _("Web chat dashboard"),
            stats=stats,
            longest_wait=wait_text(stats["longest_wait_seconds"]),
            now=now,
            agents=selectors.agents_on_duty(),
            stats_url=reverse("admin:webchat_dashboard_stats"),
            dashboard_strings={
                "minutes": _("{minutes} min"),
                "seconds": _("{seconds} s"),
                "no_agents": _("No agents are on duty."),
                "updated": _("Figures at {time}. They refresh every 5 seconds."),
                "stale": _(
                    "The figures could not be refreshed. Reload the page, or "
                    "sign in again."
                ),
            },
        ),
    )


@never_cache
@require_safe
def dashboard_stats(request: HttpRequest) -> JsonResponse:
    """The dashboard's numbers, for the page to refresh itself every 5 s."""
    _require(request, SUPERVISE)
    return JsonResponse(
        {
            "stats": selectors.dashboard(now=timezone.now()),
            "agents": selectors.agents_on_duty(),
        }
    )


@never_cache
@require_http_methods(["GET", "POST"])
def create_report(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The agent's crime report form, filled in from the chat."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("case"), pk=conversation_id
    )
    try:
        crime_reports.check_can_report(agent=request.user, conversation=conversation)
    except services.ChatError:
        raise PermissionDenied from None
    report = crime_reports.report_for(conversation)
    here = reverse("admin:webchat_conversation_report", args=[conversation.pk])
    if report is not None and request.method == "POST":
        return redirect(here)  # a second submit: the report is made already
    form = None
    if report is None:
        form = ChatReportForm(
            request.POST if request.method == "POST" else None,
            initial={
                "description": crime_reports.citizen_words(conversation),
                "full_name": conversation.display_name,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = crime_reports.create_report_from_chat(
                    conversation_id=conversation.pk,
                    agent=request.user,
                    answers=form.to_answers(),
                    now=timezone.now(),
                )
            except IncompleteReport as missing:
                form.add_error(
                    None,
                    _("The report is missing an answer the online form needs: %s")
                    % missing,
                )
            except services.ChatError:
                raise PermissionDenied from None
            else:
                messages.success(
                    request,
                    _("Crime report %(reference)s created.")
                    % {"reference": report.case.reference},
                )
                return redirect(here)
    transcript = conversation.messages.exclude(sender=Message.Sender.NOTE).order_by(
        "seq"
    )
    return TemplateResponse(
        request,
        "admin/webchat/conversation/report.html",
        _context(
            request,
            _("Create crime report from chat %(id)s") % {"id": conversation.pk},
            conversation=conversation,
            opts=Conversation._meta,
            form=form,
            report=report,
            case_url=reverse("admin:casework_case_change", args=[report.case_id])
            if report
            else "",
            transcript=transcript,
        ),
    )
