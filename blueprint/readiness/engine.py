"""Run every group of checks over a document and summarise the findings per artifact."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from blueprint.document import Document, Key, document_load
from blueprint.models import Project
from blueprint.readiness.base import _Run
from blueprint.readiness.catalogue import ARTIFACTS, CHECKS, GENERAL
from blueprint.readiness.coverage import _coverage, _notes
from blueprint.readiness.findings import ArtifactReadiness, Finding, Readiness
from blueprint.readiness.flows import _flows, _where_data_lives
from blueprint.readiness.governance import _exceptions, _guardrails, _ownership
from blueprint.readiness.links import Places
from blueprint.readiness.mapping import _attributes, _entities, _mappings
from blueprint.readiness.project import _delivery, _project
from blueprint.readiness.requirements import _automations, _reports
from blueprint.readiness.scenarios import _scenarios

_CHECK_GROUPS: tuple[Callable[[_Run], None], ...] = (
    _project,
    _scenarios,
    _entities,
    _attributes,
    _mappings,
    _where_data_lives,
    _flows,
    _ownership,
    _exceptions,
    _guardrails,
    _reports,
    _automations,
    _coverage,
    _delivery,
    _notes,
)


def readiness_evaluate(
    doc: Document, *, link_for: Callable[[str, Key | None], str] | None = None
) -> Readiness:
    """Run every check over a document. `link_for(section, item_id)` makes each link."""
    run = _Run(doc, link_for=link_for)
    for group in _CHECK_GROUPS:
        group(run)
    findings = run.findings
    order = {check: i for i, check in enumerate(CHECKS)}
    findings.sort(key=lambda f: order[f.check])  # stable: items keep document order

    by_artifact: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_artifact[finding.artifact].append(finding)
    evaluated: Counter[str] = Counter()
    for check, count in run.evaluated.items():
        evaluated[CHECKS[check].artifact] += count

    def summary(key: str, label: str) -> ArtifactReadiness:
        mine = by_artifact[key]
        return ArtifactReadiness(
            artifact=key,
            label=label,
            passed=evaluated[key] - len(mine),
            total=evaluated[key],
            blockers=tuple(f for f in mine if f.blocking),
            advisories=tuple(f for f in mine if not f.blocking),
        )

    return Readiness(
        findings=tuple(findings),
        artifacts=tuple(summary(k, label) for k, label in ARTIFACTS.items()),
        general=tuple(summary(k, label) for k, label in GENERAL.items()),
    )


def readiness_for_project(project: Project) -> Readiness:
    """The project's readiness, computed once per change (blueprint.cached): every page,
    badge and person reads one computation until the next change. A miss loads the
    document (a fixed number of queries) and checks it."""
    from blueprint.cached import cached_per_change

    return cached_per_change(
        project, "readiness", lambda: readiness_compute(project), keep_here=True
    )


def readiness_compute(project: Project) -> Readiness:
    """Load the project's document (a fixed number of queries) and check it, uncached."""
    return readiness_evaluate(document_load(project), link_for=Places(project.pk).url)
