"""Where each finding is fixed: the page and the anchor of its item."""

from __future__ import annotations

from blueprint.document import Key

# Where each kind of finding is fixed: section -> (page URL name, anchor prefix). Findings
# without an item link to the area's own anchor in NO_ITEM_ANCHORS.
PAGES: dict[str, tuple[str, str]] = {
    "systems": ("blueprint:project_detail", "system"),
    "members": ("blueprint:project_detail", "member"),
    "categories": ("blueprint:scenarios", "category"),
    "scenarios": ("blueprint:scenarios", "scenario"),
    "entities": ("blueprint:data_model", "entity"),
    "identity": ("blueprint:data_model", "identity"),
    "copies": ("blueprint:data_model", "copy"),
    "attributes": ("blueprint:data_model", "attribute"),
    "relationships": ("blueprint:data_model", "relationship"),
    "outcomes": ("blueprint:data_model", "outcome"),
    "reasons": ("blueprint:data_model", "reason"),
    "mappings": ("blueprint:mappings", "mapping"),
    "ownership": ("blueprint:governance", "ownership"),
    "exceptions": ("blueprint:governance", "exception"),
    "guardrails": ("blueprint:governance", "guardrail"),
    "reports": ("blueprint:requirements", "report"),
    "dimensions": ("blueprint:requirements", "dimension"),
    "automations": ("blueprint:requirements", "automation"),
    "phases": ("blueprint:delivery", "phase"),
    "contracts": ("blueprint:delivery", "contract-system"),
    "audit_items": ("blueprint:delivery", "audit"),
    "notes": ("blueprint:notes", "note"),
}
NO_ITEM_ANCHORS: dict[str, str] = {
    "systems": "systems-heading",
    "members": "members",
    "entities": "entities",
    "ownership": "ownership",
    "exceptions": "exceptions",
    "reports": "reports",
    "audit_items": "audit-heading",
}


def link_target(section: str, item_id: Key | None) -> tuple[str, str]:
    """(URL name, fragment) of the place where a finding is fixed."""
    url_name, prefix = PAGES[section]
    if item_id is None:
        return url_name, NO_ITEM_ANCHORS.get(section, prefix)
    return url_name, f"{prefix}-{item_id}"


class Places:
    """The URL of the place where an item is fixed, for one project: each page's URL is
    reversed once however many items link to it (readiness, the trace page)."""

    def __init__(self, project_pk: int) -> None:
        self.project_pk = project_pk
        self.pages: dict[str, str] = {}

    def url(self, section: str, item_id: Key | None) -> str:
        from django.urls import reverse

        url_name, fragment = link_target(section, item_id)
        if url_name not in self.pages:
            self.pages[url_name] = reverse(url_name, args=[self.project_pk])
        return f"{self.pages[url_name]}#{fragment}"
