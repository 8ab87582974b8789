"""What models that pages list by the hundred share: cheap to load and to label."""

from __future__ import annotations

from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils.encoding import force_str


class ListedModel(models.Model):
    """Loaded from a whole row without ``Model.__init__``; choice labels looked up once.

    A compare or framework page loads and shows hundreds of claims, verdicts and
    sources. ``__init__`` sets every field through its descriptor and sends two
    signals, which cost about twice as much as reading the row; ``get_FOO_display()``
    rebuilds the field's dict of labels on every call.
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        """For a row with every concrete field, in order, what ``__init__`` would make:
        the values in the instance's ``__dict__``, and a ``_state`` saying which
        database it came from and how to fetch a deferred field. A partial row
        (``only()``, ``defer()``), or a model someone listens to ``pre_init`` or
        ``post_init`` for, takes Django's own path."""
        attnames = _attnames.get(cls)
        if attnames is None:
            attnames = _attnames[cls] = tuple(f.attname for f in cls._meta.concrete_fields)
        if len(values) != len(attnames) or (
            (pre_init.receivers or post_init.receivers)  # none, as a rule: skip the lookup
            and (pre_init.has_listeners(cls) or post_init.has_listeners(cls))
        ):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance = cls.__new__(cls)
        instance.__dict__.update(zip(attnames, values, strict=True))
        state = instance._state = ModelState()
        # ModelState.__del__ clears fields_cache, which its descriptor makes if absent.
        state.adding, state.db, state.fields_cache = False, db, {}
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return instance

    @classmethod
    def from_db_rows(cls, db, rows) -> list:
        """``from_db`` for many whole rows at once (a page's hundreds of claims): the
        checks made once, not per row."""
        attnames = _attnames.get(cls)
        if attnames is None:
            attnames = _attnames[cls] = tuple(f.attname for f in cls._meta.concrete_fields)
        if (pre_init.receivers or post_init.receivers) and (
            pre_init.has_listeners(cls) or post_init.has_listeners(cls)
        ):
            return [cls.from_db(db, attnames, row) for row in rows]
        made, new = [], cls.__new__
        for row in rows:
            instance = new(cls)
            instance.__dict__.update(zip(attnames, row, strict=True))
            state = instance._state = ModelState()
            state.adding, state.db, state.fields_cache = False, db, {}
            made.append(instance)
        return made

    def _get_FIELD_display(self, field) -> str:  # noqa: N802 - Django's name
        """What Django's does, with the field's labels made into a dict once per process
        (choices here are fixed ``TextChoices``; every value is a string)."""
        labels = _labels.get(field)
        if labels is None:
            labels = _labels[field] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(value, value), strings_only=True)


_attnames: dict[type[models.Model], tuple[str, ...]] = {}
_labels: dict[models.Field, dict] = {}
