from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class BlueprintItem(models.Model):
    """Something a workshop writes into one project's blueprint.

    `revision` counts saves, so that two people editing the same item can be told
    apart: a save that carries an older revision is a conflict, not an overwrite.
    """

    project = models.ForeignKey("blueprint.Project", on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            self.revision = (self.revision or 0) + 1
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        # A related object just read from this database (by the form's choice field, by
        # an import) needs no second query to show that it exists; the database's own
        # foreign key still refuses one that has gone since.
        read = {
            f.name
            for f in self._meta.concrete_fields
            if f.many_to_one
            and (obj := self._state.fields_cache.get(f.name)) is not None
            and not obj._state.adding
            and obj._state.db is not None
            and obj.pk == getattr(self, f.attname)
        }
        super().clean_fields(exclude=set(exclude or ()) | read)

    def clean(self) -> None:
        """What no two items of a project may share (`rules.UNIQUE`) and no item of another
        project to point at, with the message at the field; subclasses add their own
        rules and call this."""
        from blueprint import rules

        errors = {**rules.other_project_errors(self), **rules.duplicate_errors(self)}
        if hasattr(self, "acceptance_text") and (
            message := rules.acceptance_problem(self.acceptance_text)
        ):
            errors["acceptance_text"] = message
        if errors:
            raise ValidationError(errors)
