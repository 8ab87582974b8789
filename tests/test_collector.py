"""The garbage collector's passes come between requests, not during one."""

import gc
import os
import subprocess
import sys
import weakref

import pytest
from django.conf import settings

from compare import collector


class Node:
    pass


def unreachable_cycle() -> weakref.ref:
    """An object only the collector can free (it refers to itself)."""
    node = Node()
    node.itself = node
    return weakref.ref(node)


@pytest.fixture
def no_automatic_passes():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def pile_of_young_objects() -> list:
    # Twice the mark: lists reused from Python's free list are not counted as new.
    return [[] for _ in range(2 * collector.COLLECT_AFTER_RESPONSE)]


def test_a_response_is_followed_by_a_pass_once_enough_young_objects_piled_up(
    no_automatic_passes,
):
    garbage = unreachable_cycle()
    collector.collect_after_response()
    assert garbage() is not None, "a few young objects are left for later"

    pile = pile_of_young_objects()
    collector.collect_after_response()
    assert garbage() is None
    assert gc.get_count()[0] < len(pile)


def cycle_in_an_older_generation() -> weakref.ref:
    node = Node()
    node.itself = node
    gc.collect(0)  # it survives one pass, into the next generation
    return weakref.ref(node)


def test_an_older_generation_that_is_due_is_collected_with_the_young(no_automatic_passes):
    garbage = cycle_in_an_older_generation()
    for _ in range(gc.get_threshold()[1]):  # enough young passes to make that one due
        gc.collect(0)
    assert garbage() is not None

    pile = pile_of_young_objects()
    collector.collect_after_response()
    assert garbage() is None, "the young pass alone would have left it"
    del pile


SERVED = """
import gc, io, sys, weakref

import compare.wsgi

class Node:
    pass

node = Node()
node.itself = node
garbage = weakref.ref(node)
del node
pile = [[] for _ in range(2 * compare.collector.COLLECT_AFTER_RESPONSE)]
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": "/not-a-page/", "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
}
body = compare.wsgi.application(environ, lambda status, headers: None)
print("frozen at start:", gc.get_freeze_count() > 0)
print("collected before the response closed:", garbage() is None)
body.close()  # what the server does once the last byte is out
print("collected after:", garbage() is None)
"""


def test_the_served_application_collects_after_a_response_not_during_it():
    environment = {**os.environ, "DJANGO_SECRET_KEY": "collector-" + "x" * 50}
    served = subprocess.run(
        [sys.executable, "-c", SERVED],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert served.stdout.splitlines() == [
        "frozen at start: True",
        "collected before the response closed: False",
        "collected after: True",
    ], served.stderr
