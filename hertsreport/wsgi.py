"""WSGI entry point: gunicorn serves pages and forms in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hertsreport.settings")

application = get_wsgi_application()
