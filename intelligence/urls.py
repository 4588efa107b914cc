from django.urls import path

from intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("", views.start, name="start"),
    path("danger/", views.danger, name="danger"),
    path("call-999/", views.call_999, name="call_999"),
    path("add/", views.add, name="add"),
    path("add/more/", views.add_more, name="add_more"),
    path("add/done/", views.added, name="added"),
    path("<str:token>/check/", views.check, name="check"),
    path("<str:token>/elsewhere/<slug:slug>/", views.elsewhere, name="elsewhere"),
    path("<str:token>/<slug:slug>/", views.step, name="step"),
]
