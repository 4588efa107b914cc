"""Turning a web chat into a crime report, exactly as if it came in online.

The agent fills in what the chat told them (webchat/admin_forms.py gives the
journey-shaped answers); the pages of the online journey the agent was not
asked about get the answer that assumes least. Then the report goes through
reports.services like any other: a draft, its answers, one submit, so the
case, its reference, routing, priority and acknowledgement email are the same.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from reports import services as report_services
from reports.models import Report
from webchat import services
from webchat.models import Conversation, Message


def citizen_words(conversation: Conversation) -> str:
    """Everything the person wrote, in order: the start of "What happened?"."""
    bodies = conversation.messages.filter(sender=Message.Sender.CITIZEN).order_by("seq")
    return "\n\n".join(bodies.values_list("body", flat=True))


def check_can_report(*, agent, conversation: Conversation) -> None:
    """The agent holding the chat, or a supervisor, once an agent answered it."""
    services.check_can_answer(agent)
    if conversation.agent_id is None:
        raise services.ChatError("not_answered")
    if conversation.agent_id != agent.pk and not agent.has_perm(
        "webchat.supervise_chats"
    ):
        raise services.ChatError("not_yours")


def complete_answers(answers: dict) -> dict:
    """The agent's answers, with every page they were not asked about filled.

    Nothing is assumed that would raise or lower the report's priority, or
    claim something the person did not say: "not sure" where the journey
    offers it, otherwise "no" for the questions whose answer would have come
    up in the chat (a suspect, a vehicle), and contact by email (the address
    the acknowledgement goes to) plus phone if they gave a number.
    """
    completed = dict(answers)
    details = completed.get("your-details", {})
    methods = ["email", "phone"] if details.get("phone") else ["email"]
    defaults = {
        "when": {"when": "not_sure"},
        "contact": {"methods": methods, "voicemail": "no", "safe_times": ""},
        "repeat": {"repeat": "not_sure"},
        "vulnerability": {"vulnerable": "prefer_not"},
        "help": {"needs": ["none"], "language": "", "adjustments": ""},
        "suspect-known": {"knows_suspect": "no"},
        "vehicles-involved": {"vehicles_involved": "no"},
        "witness-known": {"witnesses": "not_sure"},
        "evidence": {"cctv": "not_sure", "evidence": ""},
        "files": {"files": []},
    }
    for slug, answer in defaults.items():
        completed.setdefault(slug, answer)
    return completed


def report_for(conversation: Conversation) -> Report | None:
    if conversation.case_id is None:
        return None
    return Report.objects.select_related("case").filter(case=conversation.case).first()


def create_report_from_chat(
    *, conversation_id: int, agent, answers: dict, now: datetime
) -> Report:
    """Submit a crime report for the chat, once, however often it is called.

    `answers` are journey answers keyed by page slug, as the online journey
    stores them. Locks the conversation row: a second submit (a double click,
    a second tab) waits for the first and then returns its report. Raises
    reports.services.IncompleteReport when a page the kind of crime needs is
    missing (the items stolen, the vehicle), and ChatError when the agent may
    not report this chat.
    """
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        check_can_report(agent=agent, conversation=conversation)
        existing = report_for(conversation)
        if existing is not None:
            return existing
        draft = report_services.start_draft(now=now)
        for slug, answer in complete_answers(answers).items():
            report_services.save_answer(
                draft_id=draft.pk, slug=slug, answer=answer, now=now
            )
        report = report_services.submit_report(draft_id=draft.pk, now=now)
        conversation.case = report.case
        conversation.save(update_fields=["case"])
        if conversation.status != Conversation.Status.ENDED:
            services.post_message(
                conversation_id=conversation.pk,
                sender=Message.Sender.SYSTEM,
                body=_("Your crime reference number is %(reference)s.")
                % {"reference": report.case.reference},
                now=now,
            )
    return report
