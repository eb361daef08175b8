"""Readiness: the checks a blueprint must pass before it can be signed off.

Every check is a pure function of a `Document`: no queries, no HTTP. `CHECKS` says, for
each check, which artifact it belongs to (the one where the fix is made), whether it is
blocking (a vendor could not build from the blueprint as written) or advisory, and the
rule in the workshop's words, so the UI can show the table.

Progress counts evaluations: each check applied to each item it looks at (each
attribute, each mapping, each category, each clarifying question...) is one evaluation,
passed or not. So progress moves with every item filled in, and grows as the workshop
adds items that still need work.

The package, by concept:

- `catalogue`: the check table (`CHECKS`), severities and artifacts;
- `findings`: `Finding`, and the per-artifact summaries in `Readiness`;
- `base`: the run that collects findings, and the wording helpers;
- `scenarios`, `mapping`, `governance`, `requirements`, `project` (systems, people
  and delivery): the checks, one module per artifact;
- `engine`: `readiness_evaluate` and `readiness_for_project`;
- `links`: where each finding is fixed.
"""

from __future__ import annotations

from blueprint.readiness.base import is_acronym
from blueprint.readiness.catalogue import (
    ADVISORY,
    ARTIFACTS,
    BLOCKING,
    CHECKS,
    GENERAL,
    CheckInfo,
)
from blueprint.readiness.engine import (
    readiness_compute,
    readiness_evaluate,
    readiness_for_project,
)
from blueprint.readiness.findings import ArtifactReadiness, Finding, Readiness
from blueprint.readiness.governance import OWNED_AREAS, REQUIRED_SITUATIONS
from blueprint.readiness.links import NO_ITEM_ANCHORS, PAGES, link_target

__all__ = [
    "ADVISORY",
    "ARTIFACTS",
    "BLOCKING",
    "CHECKS",
    "GENERAL",
    "NO_ITEM_ANCHORS",
    "OWNED_AREAS",
    "PAGES",
    "REQUIRED_SITUATIONS",
    "ArtifactReadiness",
    "CheckInfo",
    "Finding",
    "Readiness",
    "is_acronym",
    "link_target",
    "readiness_compute",
    "readiness_evaluate",
    "readiness_for_project",
]
