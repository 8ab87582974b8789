"""The public site only reads: anything but GET and HEAD is a 405 that says what is allowed."""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view):
    """405 with ``Allow: GET, HEAD`` for every other method (POST, PUT, DELETE, OPTIONS, TRACE).

    Exempt from the CSRF check, which would otherwise answer a POST with a 403
    before the method is looked at: a view that never acts on a POST has
    nothing to protect.
    """
    return csrf_exempt(require_safe(view))
