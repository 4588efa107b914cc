from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.start, name="start"),
    path("emergency/", views.emergency, name="emergency"),
    path("call-999/", views.call_999, name="call_999"),
    path("elsewhere/<slug:slug>/", views.elsewhere, name="elsewhere"),
    path("check/", views.check, name="check"),
    path("confirmation/", views.confirmation, name="confirmation"),
    path("copy/", views.copy, name="copy"),
    path("saved/", views.saved, name="saved"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("<slug:slug>/", views.step, name="step"),
]
