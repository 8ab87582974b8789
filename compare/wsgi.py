"""WSGI entry point, served by gunicorn (see compare/gunicorn.conf.py)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compare.settings")

application = get_wsgi_application()

# What start-up made (modules, the URLconf, settings) lives as long as the process:
# frozen, the cyclic garbage collector stops scanning it. A page makes thousands of
# short-lived objects that reference counting frees; at Python's default threshold
# (700) the collector still ran two to three times a page, about 1 ms of a 20 ms
# page, and now runs a few times in a hundred pages.
gc.freeze()
gc.set_threshold(50_000, 20, 100)
