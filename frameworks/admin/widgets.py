"""Widgets that keep a change page with many inline rows to a fixed number of queries."""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected value from a mapping loaded once per page.

    Django's own looks the selected object up with one query per widget, which
    on a framework with seventy claims, three autocompletes each, is two hundred
    queries.
    """

    def __init__(self, field, admin_site, labels: dict[str, str], **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for selected in value:
            label = self.labels.get(str(selected))
            if label is not None:
                options.append(self.create_option(name, selected, label, True, len(options)))
        return [(None, options, 0)]
