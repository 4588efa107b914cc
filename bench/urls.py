"""The site's URLs plus /bench/floor/: one INSERT, the least a submit can do."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (payload, created_at) VALUES (%s, now())",
            [request.POST.get("payload", "")],
        )
    return HttpResponse("ok")


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("hertsreport.urls")),
]
