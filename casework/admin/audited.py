"""A ModelAdmin mixin that audits every look at a record, for any app.

    class ConversationAdmin(AuditedAdminMixin, admin.ModelAdmin):
        def audit_is_restricted(self, obj):   # optional: ask for a reason
            return obj.case_id is not None and obj.case.is_restricted

        def audit_reference(self, obj):       # optional: what the trail shows
            return obj.case.reference if obj.case_id else f"Chat {obj.pk}"

What it does to the ModelAdmin's change page (its "view" page too):

- A record outside ``get_queryset`` that exists (another team's case, say)
  is refused with 403 and the attempt is written to the audit trail.
- A restricted record asks for a reason first (at ``<id>/reason/``); the
  reason is remembered in the session for that record for
  AUDIT_REASON_VALID_FOR and written into every entry made meanwhile.
- Each GET of the page writes a "view" entry; each POST that saves writes a
  "change" entry.

Pages of one's own about a record (downloads, actions) call
``audited_object(request, object_id)`` and ``reason_redirect(request, obj)``
to get the same checks.
"""

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from casework import audit

Action = audit.AuditEntry.Action


class AuditReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this record?"),
        help_text=_(
            "For example, the task or enquiry you are working on. What you write "
            "is kept with your name in the record's audit trail."
        ),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={
            "required": _("Say why you need to open this record"),
            "min_length": _("Say why in a few words (at least 10 characters)"),
            "max_length": _("Say why in 1,000 characters or fewer"),
        },
    )


class AuditedAdminMixin:
    reason_template = "admin/audit_reason.html"

    def audit_is_restricted(self, obj) -> bool:
        return False

    def audit_reference(self, obj) -> str:
        return str(obj)

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reason/",
                self.admin_site.admin_view(self.audit_reason_view),
                name=self._url_name("reason"),
            ),
            *super().get_urls(),
        ]

    def audit(self, request, obj, action: str, *, detail: str = ""):
        return audit.record_for(
            request, obj, action, reference=self.audit_reference(obj), detail=detail
        )

    def _refuse(self, request, object_id, detail: str):
        audit.record(
            user=request.user,
            action=Action.DENIED,
            object_type=self.opts.label_lower,
            object_id=object_id,
            detail=detail,
        )
        raise PermissionDenied

    def audited_object(self, request, object_id, *, change: bool = False):
        """The record, if this person may see it (and change it, if asked).

        None when there is no such record; PermissionDenied, audited, when
        there is one they may not see.
        """
        object_id = unquote(str(object_id))
        obj = self.get_object(request, object_id)
        if obj is None:
            try:
                exists = self.model._default_manager.filter(pk=object_id).exists()
            except (ValidationError, ValueError):
                exists = False
            if exists:
                self._refuse(request, object_id, request.path)
            return None
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            self._refuse(request, object_id, request.path)
        return obj

    def reason_redirect(self, request, obj) -> HttpResponseRedirect | None:
        """Where to send someone who has not yet said why they open `obj`."""
        if not self.audit_is_restricted(obj) or audit.reason_given(request, obj):
            return None
        url = reverse(
            f"{self.admin_site.name}:{self._url_name('reason')}", args=[quote(obj.pk)]
        )
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.audited_object(request, object_id)
        if obj is None:
            return super().change_view(request, object_id, form_url, extra_context)
        if response := self.reason_redirect(request, obj):
            return response
        if request.method == "GET":
            self.audit(request, obj, Action.VIEW)
            return self.audited_change_view(
                request, obj, object_id, form_url, extra_context
            )
        with transaction.atomic():
            response = self.audited_change_view(
                request, obj, object_id, form_url, extra_context
            )
            if response.status_code in (301, 302, 303):
                self.audit(request, obj, Action.CHANGE, detail="Saved the form")
        return response

    def audited_change_view(self, request, obj, object_id, form_url, extra_context):
        """The page itself, once the checks pass. Override to draw your own."""
        return super().change_view(request, object_id, form_url, extra_context)

    def audit_reason_view(self, request, object_id):
        obj = self.audited_object(request, object_id)
        if obj is None:
            raise Http404
        change_url = reverse(
            f"{self.admin_site.name}:{self._url_name('change')}", args=[quote(obj.pk)]
        )
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}
        ) or not next_url.startswith("/"):
            next_url = change_url
        form = AuditReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"].strip()
            audit.remember_reason(request, obj, reason)
            self.audit(request, obj, Action.REASON)
            return redirect(next_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "reference": self.audit_reference(obj),
            "form": form,
            "next_url": next_url,
            "change_url": change_url,
            "title": _("Say why you need to open %(reference)s")
            % {"reference": self.audit_reference(obj)},
        }
        return TemplateResponse(request, self.reason_template, context)
