"""When the cyclic garbage collector runs in a serving process: between requests.

What start-up made (modules, settings, middleware) lives as long as the process:
frozen, the collector stops scanning it. A page makes thousands of short-lived
objects that reference counting frees; at Python's default threshold (700) the
collector ran two to three times a page, about 1 ms of a 20 ms page. With a high
threshold it runs a few times in a hundred pages, but each pass then scans up to
that many young objects: the facts reloaded after an edit, at 100 times today's
data, made it 20 to 40 ms, taken from the first visitor after the edit.

So the passes are made after a response has gone, once enough young objects have
piled up, choosing the generation as Python would; the threshold stays as the
backstop for a request that makes more than it on its own.
"""

import gc

YOUNG_THRESHOLD = 50_000
# Past this many young objects, the next response is followed by a pass.
COLLECT_AFTER_RESPONSE = YOUNG_THRESHOLD // 4


def settle_after_start() -> None:
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 20, 100)


def collect_after_response(**kwargs) -> None:
    """A ``request_finished`` receiver: the server sends it once the last byte is out."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] < COLLECT_AFTER_RESPONSE:
        return
    # As Python's own trigger does: the oldest generation that is due, with the younger.
    generation = next((g for g in (2, 1) if counts[g] >= thresholds[g]), 0)
    gc.collect(generation)
