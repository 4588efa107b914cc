from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    return render(request, "guidance/home.html")


@require_safe
def accessibility(request):
    return render(request, "guidance/accessibility.html")


@require_safe
def privacy(request):
    return render(request, "guidance/privacy.html")


@require_safe
def cookies(request):
    return render(request, "guidance/cookies.html")
