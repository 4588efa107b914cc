from django.contrib import admin

from casework.models import District, PostcodeArea, StaffNotice, Team
from casework.services import post_staff_notice


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
