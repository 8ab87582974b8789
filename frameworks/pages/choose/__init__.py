"""Which framework fits? A visitor's needs, and the published frameworks ranked against them.

The query string, short and stable so that a result can be shared:

    ?must=orm&must=admin-panel:built_in    must-haves; after a colon, what counts as support:
                                           any (the default: a named package counts too),
                                           official (built in or an official extension),
                                           built_in (built in only)
    &nice=websockets:high&nice=openapi     nice-to-haves; after a colon, the weight:
                                           low (1 point), medium (the default, 2), high (3)
    &category=microframework               only frameworks in that category
    &interface=asgi                        speaks WSGI or ASGI: a must-have on that feature
    &lifecycle=maintained                  active (the default, also ``lifecycle=``),
                                           maintained (active or maintenance only), any
    &python=3.12                           runs on that Python, where a source says which

    &find=sessions&group=security          for the form only: list the features a search finds,
                                           or a group's; left out of the ranking's address

A feature ticked as both a must-have and a nice-to-have is a must-have (each row of
the form has both). Blank values (a form's "not needed") are dropped; the same
feature twice with different choices is an error, and so are more than
``MAX_NEEDS`` needs.

The rule, written out with a worked example in docs/data.md ("How /choose/ ranks
frameworks"): a framework is ranked when it meets every must-have and constraint;
ranked frameworks are ordered by the points of the nice-to-haves they meet, then by
how many needs they meet built in, then by name. Unknown never counts as met.

Two modules: ``needs`` reads what a visitor asks for (the form, the presets, the
form's rows); ``ranking`` holds the rule, each framework's explanation and the order.

Bounded, whatever the size of the data. The page lists the chosen features and the first
groups' (``MAX_LISTED`` features), a group asked for and what a search finds, and names at
most ``RESULTS_LISTED`` ranked frameworks (``RESULTS_IN_FULL`` of them explained) and
``RULED_OUT_LISTED`` ruled out, each list with its total; the exports hold every framework.
Every framework is placed from the published values it has, but only those shown are
explained point by point. Queries: the reference lists (categories, features as rows), the
published frameworks, the verdicts on the chosen features and the constraints, the claims
behind the results shown in full, and their advice; claims on cells where sources disagree
on how add one more.
"""

from frameworks.pages.choose.needs import (
    MAX_LISTED,
    MAX_NEEDS,
    PRESETS,
    Catalogue,
    ChooseForm,
    Need,
    Preset,
    Weight,
    current_preset,
    picker,
)
from frameworks.pages.choose.ranking import (
    RESULTS_IN_FULL,
    RESULTS_LISTED,
    RULED_OUT_LISTED,
    Choice,
    Outcome,
    Point,
    Result,
    assess,
    assess_category,
    assess_lifecycle,
    assess_python,
    build_choice,
)

__all__ = [
    "MAX_LISTED",
    "MAX_NEEDS",
    "PRESETS",
    "RESULTS_IN_FULL",
    "RESULTS_LISTED",
    "RULED_OUT_LISTED",
    "Catalogue",
    "ChooseForm",
    "Choice",
    "Need",
    "Outcome",
    "Point",
    "Preset",
    "Result",
    "Weight",
    "assess",
    "assess_category",
    "assess_lifecycle",
    "assess_python",
    "build_choice",
    "current_preset",
    "picker",
]
