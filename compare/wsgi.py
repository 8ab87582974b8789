"""WSGI entry point, served by gunicorn (see compare/gunicorn.conf.py)."""

import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

from compare.collector import collect_after_response, settle_after_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compare.settings")

application = get_wsgi_application()

settle_after_start()
request_finished.connect(collect_after_response)
