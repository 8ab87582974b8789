"""The dataset as one document: read from fixture files, loaded, exported, linted.

All four speak the same structure (documented in docs/data.md): the export
of ``export_dataset`` can be loaded back, and the fixture files are that same
structure split into one file per framework, minus the published values
that the database derives.
"""

FORMAT = "compare-dataset"
VERSION = 2


class DatasetError(Exception):
    """The document cannot be loaded as it stands; the message says where and why."""
