from __future__ import annotations

import copy
import json
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models

from blueprint import rules
from blueprint.models import Project

CROSS_PROJECT_CHOICE = rules.OTHER_PROJECT


def _as_loaded(instance: models.Model) -> models.Model:
    """A copy of an item that keeps its related objects and prefetched lists as loaded
    (saving many-to-many choices empties the original's prefetched lists)."""
    loaded = copy.copy(instance)
    prefetched = getattr(instance, "_prefetched_objects_cache", None)
    if prefetched is not None:
        loaded._prefetched_objects_cache = dict(prefetched)  # type: ignore[attr-defined]
    return loaded


def _said(message: Any) -> str:
    """A validation message as the form shows it."""
    return ValidationError(message).messages[0] if message else ""


def _is_id(value: Any) -> bool:
    text = str(value)
    return len(text) <= 18 and text.isascii() and text.isdigit()


class ItemForm(forms.ModelForm):
    """A form for one blueprint item, with every choice limited to its project.

    A forged id from another project is not in the queryset, so Django refuses it at
    the field with “Select a valid choice”.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A choice that decides which other fields apply: the choice field's name, and for
    # each field it governs the values it applies to. The page shows only those (app.js).
    follows: tuple[str, dict[str, list[str]]] | None = None

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        # The item as it was loaded, before validation writes the submitted values onto
        # it: what a save records as before when nobody saved the item meanwhile
        # (blueprint.items.item_save), without reading it and its relations again.
        self.loaded: models.Model | None = None
        if self.is_bound and self.instance.pk is not None:
            self.loaded = _as_loaded(self.instance)
        if self.instance.pk and not self.is_bound:
            self.fields["revision"].initial = self.instance.revision
        # The queryset each choice field offers when it offers every item of the project
        # (a subclass that narrows a field replaces it): see _kept.
        self._whole_project: dict[str, models.QuerySet[Any]] = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if any(f.name == "project" for f in model._meta.get_fields()):
                    field.queryset = field.queryset.filter(project=project)
                    if field.to_field_name in (None, model._meta.pk.name):
                        self._whole_project[name] = field.queryset
                field.error_messages["invalid_choice"] = CROSS_PROJECT_CHOICE
                if isinstance(field, forms.ModelMultipleChoiceField):
                    field.error_messages["invalid_choice"] = CROSS_PROJECT_CHOICE
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def full_clean(self) -> None:
        # A value that is not an id at all (text, "²", 30 digits) never reaches the
        # database, where it could overflow: it is refused like a forged id.
        refused: list[str] = []
        if self.is_bound:
            data = self.data.copy()
            for name, field in self.fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                key = self.add_prefix(name)
                if hasattr(data, "getlist"):
                    values = data.getlist(key)
                else:
                    raw = data.get(key)
                    values = raw if isinstance(raw, list | tuple) else [raw]
                kept = [v for v in values if v in (None, "") or _is_id(v)]
                if len(kept) != len(values):
                    refused.append(name)
                    if hasattr(data, "setlist"):
                        data.setlist(key, kept)
                    else:
                        data[key] = (
                            kept if isinstance(field, forms.ModelMultipleChoiceField) else ""
                        )
            self.data = data
        super().full_clean()
        for name in refused:
            if hasattr(self, "cleaned_data"):
                self.add_error(name, CROSS_PROJECT_CHOICE)

    def _clean_fields(self) -> None:
        # Django's own loop, except that a choice left as it was loaded is taken from the
        # loaded item instead of being looked up again (see _kept).
        for name, bf in self._bound_items():
            try:
                kept = self._kept(name, bf)
                self.cleaned_data[name] = bf.field._clean_bound_field(bf) if kept is None else kept
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as e:
                self.add_error(name, e)

    def _kept(self, name: str, bf: forms.BoundField) -> Any:
        """What a choice the person left as it was loaded cleans to, without a query: the
        related object (or the list) loaded with the item. Only where the field offers
        every item of the project and the loaded objects are this project's, so that it is
        a choice the field would accept anyway; None where it must be looked up."""
        field = bf.field
        whole = self._whole_project.get(name)
        if self.loaded is None or whole is None or field.disabled or field.queryset is not whole:
            return None
        try:
            model_field = self.loaded._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if isinstance(field, forms.ModelMultipleChoiceField):
            prefetched = getattr(self.loaded, "_prefetched_objects_cache", {})
            if not model_field.many_to_many or name not in prefetched:
                return None
            loaded = list(prefetched[name])
            if not isinstance(bf.data, list | tuple):  # absent or malformed: Django decides
                return None
            if sorted(map(str, bf.data)) != sorted(str(o.pk) for o in loaded):
                return None
            if not all(rules.in_project(o, self.project.pk) for o in loaded):
                return None
            if field.required and not loaded:
                return None
            chosen = field.queryset.filter(pk__in=[o.pk for o in loaded])
            chosen._result_cache = loaded  # type: ignore[attr-defined]
            chosen._prefetch_done = True  # type: ignore[attr-defined]
            return chosen
        if not model_field.many_to_one or not model_field.is_cached(self.loaded):
            return None
        related = model_field.get_cached_value(self.loaded)
        if related is None or str(bf.data) != str(related.pk):
            return None
        # An item that points into another project (as stored before the rule) is refused
        # at the field by Django's lookup, like a forged id.
        return related if rules.in_project(related, self.project.pk) else None

    def _update_errors(self, errors: ValidationError) -> None:
        # A model rule names the field it is about; when this form does not show that
        # field (it is hidden or fixed by the page the form is opened from), the message
        # goes to the top of the form instead of being lost.
        if hasattr(errors, "error_dict"):
            placed: dict[str, list[Any]] = {}
            for name, messages in errors.error_dict.items():
                field = self.fields.get(name)
                shown = name == NON_FIELD_ERRORS or (
                    field is not None and not field.widget.is_hidden
                )
                placed.setdefault(name if shown else NON_FIELD_ERRORS, []).extend(messages)
            # A message the field already shows (its choice refused, then the model's
            # rule about the same value) is not said twice.
            for name, messages in placed.items():
                said = set(self._errors.get(name, []) if self._errors else [])
                placed[name] = [m for m in messages if _said(m) not in said]
            errors = ValidationError({name: ms for name, ms in placed.items() if ms})
        super()._update_errors(errors)

    def _save_m2m(self) -> None:
        # A many-to-many list the person left as it was is not written again: Django would
        # read it back from the database only to find that nothing changes.
        kept = self.cleaned_data
        many = {f.name for f in self.instance._meta.many_to_many}
        changed = set(self.changed_data)
        self.cleaned_data = {
            name: value for name, value in kept.items() if name not in many or name in changed
        }
        try:
            super()._save_m2m()
        finally:
            self.cleaned_data = kept

    def follows_attrs(self) -> dict[str, str]:
        """The <form> attributes that let the page show only the fields that apply."""
        if self.follows is None:
            return {}
        choice, shown = self.follows
        return {"data-follows": choice, "data-shown-for": json.dumps(shown)}

    @classmethod
    def saved_values(cls, instance: Any, *, project: Project) -> dict[str, Any]:
        """A saved item's values as its form sends them back unchanged (as a browser
        posts them: no empty choice, no unticked box), with the revision it is at."""
        saved = cls(project=project, instance=instance)
        values = {
            name: value
            for name in saved.fields
            if (value := saved[name].value()) is not None and value is not False
        }
        values["revision"] = instance.revision
        return values

    @classmethod
    def for_change(cls, instance: Any, *, project: Project, changes: dict[str, Any]) -> ItemForm:
        """A bound form for a saved item with some of its values changed (a cell of the
        mapping grid, a bulk change), the others as they are saved: the change passes
        exactly the checks a save of the whole form would."""
        data = {**cls.saved_values(instance, project=project), **changes}
        return cls(data, project=project, instance=instance)

    def submitted_revision(self) -> int:
        """The revision the form was opened at; a form without one is treated as stale,
        so that it can never overwrite someone else's save unnoticed."""
        revision = self.cleaned_data.get("revision")
        return -1 if revision is None else revision
