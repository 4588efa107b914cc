"""Reference data in admin: districts, teams, who is in which team, notices,
and the outbox of emails to the public."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.admin import authenticator
from casework.models import (
    District,
    OutboundEmail,
    PostcodeArea,
    StaffMember,
    StaffNotice,
    Team,
)
from casework.services import post_staff_notice
from casework.setup_links import SetupLink


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "postcode_areas__outward_code"]
    inlines = [PostcodeAreaInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    """Which team each member of staff works in: their "my team" queue."""

    list_filter = ["team"]
    list_select_related = ["user", "team"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["team"]
    list_display = ["user", "team", "authenticator_app"]
    change_form_template = "admin/casework/staffmember/change_form.html"

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
        live_link = SetupLink.objects.filter(
            user=OuterRef("user"),
            ended_at__isnull=True,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(has_app=Exists(confirmed), has_live_link=Exists(live_link))
        )

    @admin.display(description=_("authenticator app"))
    def authenticator_app(self, member: StaffMember) -> str:
        if member.has_app:
            return _("Set up")
        if member.has_live_link:
            return _("Not set up: set-up link not used yet")
        return _("Not set up")

    def get_urls(self):
        def reset(request, object_id):
            return authenticator.reset(self, request, object_id)

        return [
            path(
                "<path:object_id>/reset-authenticator/",
                self.admin_site.admin_view(reset),
                name="casework_staffmember_reset_authenticator",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "can_reset_authenticator": request.user.has_perm(
                "casework.reset_authenticator"
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)


@admin.register(StaffNotice)
class StaffNoticeAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "created_at", "broadcast_at"]
    list_filter = ["level"]
    readonly_fields = ["created_at", "broadcast_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new notice goes through the service so that it is broadcast.
        notice = post_staff_notice(text=obj.text, level=obj.level, link=obj.link)
        obj.pk = notice.pk


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "sent_at", "attempts"]
    readonly_fields = [
        "idempotency_key",
        "case",
        "to",
        "subject",
        "body",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
