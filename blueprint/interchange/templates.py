"""Blueprint templates a new project can start from (fixtures/templates/*.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from blueprint.document import Document, document_from_json


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    summary: str
    path: Path

    def document(self) -> Document:
        return document_from_json(self.path.read_bytes())


def templates_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "templates"


def templates_list() -> list[Template]:
    found = []
    for path in sorted(templates_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        project = data.get("project", {})
        found.append(
            Template(
                slug=path.stem,
                name=project.get("name", path.stem),
                summary=project.get("summary", ""),
                path=path,
            )
        )
    return found


def template_get(slug: str) -> Template | None:
    return next((t for t in templates_list() if t.slug == slug), None)
