"""Honest pages for the services that are not online yet.

The home page and header link to every public URL in DESIGN.md, and people
bookmark them. Until a service is built its URL says so plainly and gives the
other ways to get the same help, rather than a 404. Each issue that builds a
service removes its entry here.
"""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

NOT_YET_ONLINE = {
}


def _view_for(title):
    @require_safe
    def view(request):
        return render(request, "not_yet_online.html", {"title": title})

    return view


urlpatterns = [
    path(route, _view_for(title), name=name)
    for name, (route, title) in NOT_YET_ONLINE.items()
]
