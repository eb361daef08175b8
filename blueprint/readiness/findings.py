"""What the checks produce: findings, and the summaries of them per artifact."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from blueprint.document import Key
from blueprint.readiness.catalogue import BLOCKING, CHECKS


@dataclass(frozen=True)
class Finding:
    check: str
    artifact: str
    severity: str
    message: str
    # What to link to: a document section ("attributes", or a page area such as
    # "categories", "identity", "members") and the item's id, None for the area itself.
    section: str
    item_id: Key | None
    link: str = ""
    # What a finding about something missing is about, when that is not an item of its
    # section: the system nobody owns, the situation with no rule. Pages ask for it
    # instead of working out the gaps again.
    subject: Key | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def title(self) -> str:
        return CHECKS[self.check].title


@dataclass(frozen=True)
class ArtifactReadiness:
    artifact: str
    label: str
    passed: int
    total: int
    blockers: tuple[Finding, ...] = ()
    advisories: tuple[Finding, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.blockers + self.advisories

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.passed * 100 // self.total


@dataclass(frozen=True)
class BlockerGroup:
    """The blocking findings of one check: how many, and the first few of them."""

    check: str
    title: str
    count: int
    examples: tuple[Finding, ...]

    @property
    def more(self) -> int:
        """How many are not among the examples."""
        return self.count - len(self.examples)


@dataclass(frozen=True)
class Readiness:
    findings: tuple[Finding, ...]
    artifacts: tuple[ArtifactReadiness, ...]
    general: tuple[ArtifactReadiness, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.blockers

    # Worked out once per Readiness (which is read-only, and kept per change).
    @cached_property
    def blockers(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @cached_property
    def advisories(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking)

    def blocker_groups(self, examples: int) -> tuple[BlockerGroup, ...]:
        """The blockers by check, in the order the checks found them, with at most
        `examples` findings each: a summary whose size does not grow with the blueprint
        (the sign-off page, the PDF), where the readiness page lists them all."""
        memo = self.__dict__.setdefault("_groups", {})
        if examples not in memo:
            memo[examples] = self._blocker_groups(examples)
        return memo[examples]

    def _blocker_groups(self, examples: int) -> tuple[BlockerGroup, ...]:
        groups: dict[str, list[Finding]] = {}
        counts: dict[str, int] = {}
        for finding in self.blockers:
            counts[finding.check] = counts.get(finding.check, 0) + 1
            shown = groups.setdefault(finding.check, [])
            if len(shown) < examples:
                shown.append(finding)
        return tuple(
            BlockerGroup(check, CHECKS[check].title, counts[check], tuple(shown))
            for check, shown in groups.items()
        )

    def for_artifact(self, key: str) -> ArtifactReadiness:
        for artifact in self.artifacts + self.general:
            if artifact.artifact == key:
                return artifact
        raise KeyError(key)
