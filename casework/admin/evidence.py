"""Evidence files, downloaded by staff through a checked, audited view.

Files have no URL (casework.attachments.EvidenceStorage refuses to make
one). This view checks that the person may see the case and download
evidence, asks for a reason first on a restricted case, refuses files the
virus scan did not pass, writes the audit entry, then streams the file as
a download the browser must not render or sniff.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from casework import audit
from casework.attachments import Attachment

REFUSED = {Attachment.ScanStatus.INFECTED, Attachment.ScanStatus.QUARANTINED}


def download(case_admin, request, attachment_id):
    attachment = (
        Attachment.objects.filter(pk=attachment_id, case__isnull=False)
        .select_related("case")
        .first()
    )
    if attachment is None:
        raise Http404
    case = case_admin.audited_object(request, attachment.case_id)
    if case is None:
        raise Http404
    if not request.user.has_perm("casework.download_evidence"):
        audit.record(
            user=request.user,
            action=audit.AuditEntry.Action.DENIED,
            object_type=audit.object_type_of(attachment),
            object_id=attachment.pk,
            reference=case.reference,
            detail=f"Download of {attachment.original_name}",
        )
        raise PermissionDenied
    if ask_reason := case_admin.reason_redirect(request, case):
        return ask_reason
    case_page = redirect(
        f"{case_admin.admin_site.name}:{case_admin._url_name('change')}", case.pk
    )
    if attachment.scan_status in REFUSED:
        messages.error(
            request,
            _("%(name)s cannot be downloaded: %(status)s.")
            % {
                "name": attachment.original_name,
                "status": attachment.get_scan_status_display().lower(),
            },
        )
        return case_page
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        messages.error(
            request,
            _("The file %(name)s is missing from the evidence store.")
            % {"name": attachment.original_name},
        )
        return case_page
    audit.record(
        user=request.user,
        action=audit.AuditEntry.Action.DOWNLOAD,
        object_type=audit.object_type_of(attachment),
        object_id=attachment.pk,
        reference=case.reference,
        reason=audit.reason_given(request, case) or "",
        detail=f"{attachment.original_name} ({attachment.sha256[:16]})",
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
