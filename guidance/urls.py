from django.urls import path

from guidance import feedback_views, views

app_name = "guidance"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("services/", views.services_index, name="services"),
    path("services/search/", views.search, name="search"),
    path("services/contacts/", views.contacts, name="contacts"),
    path("services/contacts/<slug:slug>/", views.department, name="department"),
    path("services/preview/<slug:slug>/", views.preview, name="preview"),
    path("services/<slug:slug>/", views.services_entry, name="services_entry"),
    path("help/", views.help_index, name="help"),
    path("help/<slug:topic>/", views.help_topic, name="help_topic"),
    path("feedback/", feedback_views.feedback, name="feedback"),
    path("feedback/thanks/", feedback_views.feedback_thanks, name="feedback_thanks"),
    path("feedback/page/", feedback_views.page_feedback, name="page_feedback"),
    path(
        "feedback/page/what-went-wrong/<str:token>/",
        feedback_views.what_went_wrong,
        name="what_went_wrong",
    ),
]
