from django.urls import path

from webchat import views

app_name = "webchat"

urlpatterns = [
    path("", views.start, name="start"),
    path("conversation/", views.conversation, name="conversation"),
    path("ended/", views.ended, name="ended"),
    path("transcript/", views.transcript, name="transcript"),
]
