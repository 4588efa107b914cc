from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.find, name="track"),
    path("report/", views.case_page, name="track_case"),
    path("add/", views.add_information, name="track_add"),
]
