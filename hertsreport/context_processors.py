from django.conf import settings


def site(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "force_name": settings.FORCE_NAME,
        "govuk_frontend_version": settings.GOVUK_FRONTEND_VERSION,
    }
