"""/choose/: needs in the address, frameworks ranked against them (frameworks/pages/choose.py)."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from frameworks.pages import choose as builder
from frameworks.pages.facts import current_index
from frameworks.views import opendata
from frameworks.views.table import bad_request_text, is_htmx

NO_NEEDS = "State at least one must-have or nice-to-have (must=… or nice=…)."
# What narrows the form's list of features, not the needs: never part of a shared link.
PICKER_PARAMETERS = ("find", "group")


def stated_query(data: QueryDict) -> str:
    """The needs and constraints as asked, without blanks or the picker's narrowing.

    A form sends every field, empty ones too; the canonical link and the export
    links are the same for the same question however it was asked.
    """
    stated = QueryDict(mutable=True)
    for name, values in data.lists():
        if name not in PICKER_PARAMETERS:
            stated.setlist(name, [value for value in values if value])
    return stated.urlencode()


def choose(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    categories = current_index().categories
    features = builder.Catalogue.load()  # rows: the page makes instances of the few it shows
    form = builder.ChooseForm(request.GET, categories=categories, features=features)
    valid = form.is_valid()
    if fmt != "html":
        if not valid:
            return bad_request_text(form.errors)
        if not form.needs:
            return bad_request_text({"__all__": [NO_NEEDS]})
        choice = builder.build_choice(form, in_full=None)
        if fmt == "csv":
            return opendata.choice_csv(choice, request.build_absolute_uri)
        return opendata.choice_json(choice, request.build_absolute_uri, request.GET.urlencode())

    needs = form.needs if valid else form.raw_needs()
    context = {
        "form": form,
        "presets": builder.PRESETS,
        "current_preset": builder.current_preset(needs) if valid else "",
        "picker": builder.picker(
            features, needs, group=request.GET.get("group", ""), find=request.GET.get("find", "")
        ),
        "needs": needs,
        "choice": builder.build_choice(form) if valid and needs else None,
        "stated_query": stated_query(request.GET),
    }
    # htmx swaps the fragment in, errors included (base.html lets it swap a 400).
    template = "frameworks/choose.html#choose" if is_htmx(request) else "frameworks/choose.html"
    response = render(request, template, context, status=200 if valid else 400)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
