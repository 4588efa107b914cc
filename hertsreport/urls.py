from django.contrib import admin
from django.urls import include, path

from hertsreport import views

admin.site.site_header = "Hertfordshire Police — staff"
admin.site.site_title = "Hertfordshire Police staff"
admin.site.index_title = "Control room"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("guidance.urls")),
    path("report/", include("reports.urls")),
    path("tell-us/", include("intelligence.urls")),
    path("chat/", include("webchat.urls")),
    path("track/", include("casework.urls")),
]

handler400 = "hertsreport.views.bad_request"
handler403 = "hertsreport.views.permission_denied"
handler404 = "hertsreport.views.page_not_found"
handler500 = "hertsreport.views.server_error"
