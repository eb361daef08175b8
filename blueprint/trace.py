"""Traceability: from a scenario to the data it moves, the mappings that move it, the
exception rules and automations that act on it, and the reports that count it.

All of it is read from the document. A scenario names the entities and attributes it
moves and the outcomes it produces; field mappings and exception rules name the
scenarios that need them. A mapping is also *needed* by a scenario when it carries an
attribute (or an attribute of an entity) the scenario moves between two of the
scenario's systems, so a blueprint does not have to tie every mapping by hand.

Readiness asks `mappings_needed` and `scenario_handled` for its coverage checks; the
trace view shows `scenario_trace`; the acceptance tests are written from it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from blueprint.document import Document, Key
from blueprint.models import Automation, Category, FieldMapping, Outcome


def mapping_ways(mapping: Any) -> list[tuple[Key, str, Key, str]]:
    """(from system, from field, into system, into field) for each way a mapping writes:
    source to target, and back again when it is bidirectional. The one place that rule
    is written: readiness, the trace and the vendor bundle all read it here."""
    source = (mapping.source_system_id, mapping.source_field)
    target = (mapping.target_system_id, mapping.target_field)
    ways = [(*source, *target)]
    if mapping.direction == FieldMapping.Direction.BIDIRECTIONAL:
        ways.append((*target, *source))
    return ways


def mapping_writes(mapping: Any) -> list[tuple[Key, Key]]:
    """(from system, into system) for each way a mapping writes."""
    return [(src, dst) for src, _field, dst, _into in mapping_ways(mapping)]


def mapping_written_fields(mapping: Any) -> list[str]:
    """The field written by each of `mapping_writes`, in the same order."""
    return [into for _src, _field, _dst, into in mapping_ways(mapping)]


def mentions(text: str, name: str) -> bool:
    """Whether an answer names a system: its whole name, as words, any case."""
    words = text.casefold().split()
    wanted = name.casefold().split()
    if not wanted:
        return False
    cleaned = [w.strip(".,;:!?()[]\"'“”‘’") for w in words]
    n = len(wanted)
    return any(cleaned[i : i + n] == wanted for i in range(len(cleaned) - n + 1))


@dataclass(frozen=True)
class Trace:
    """One scenario's chain, in the order the workshop reads it."""

    scenario: Any
    systems: tuple[Any, ...]
    entities: tuple[Any, ...]
    attributes: tuple[Any, ...]
    outcomes: tuple[Any, ...]
    mappings: tuple[Any, ...]
    exceptions: tuple[Any, ...]
    automations: tuple[Any, ...]
    reports: tuple[Any, ...]
    # Gaps in the workshop's words: (the link of the chain, what is missing).
    gaps: tuple[tuple[str, str], ...]


def _entities_of(doc: Document, scenario: Any) -> set[Key]:
    """The entities a scenario moves: named, or owning an attribute or outcome it names."""
    found = set(scenario.entity_ids)
    for key in scenario.attribute_ids:
        attribute = doc.get("attributes", key)
        if attribute is not None:
            found.add(attribute.entity_id)
    for key in scenario.outcome_ids:
        outcome = doc.get("outcomes", key)
        if outcome is not None and outcome.entity_id is not None:
            found.add(outcome.entity_id)
    return found


def _mover(doc: Document, scenario: Any) -> Callable[[Any], bool]:
    """Whether a mapping carries data the scenario moves, between two of its systems: the
    scenario's sets are made once, for the many mappings asked about."""
    systems = frozenset(scenario.system_ids)
    attributes = frozenset(scenario.attribute_ids)
    entities = frozenset(scenario.entity_ids)

    def moves(mapping: Any) -> bool:
        if mapping.source_system_id not in systems or mapping.target_system_id not in systems:
            return False
        if mapping.attribute_id in attributes:
            return True
        attribute = doc.get("attributes", mapping.attribute_id)
        return attribute is not None and attribute.entity_id in entities

    return moves


def _stops(doc: Document, automation: Any, scenario: Any) -> bool:
    """A stop-messaging automation the scenario sets off (itself or one of its outcomes)."""
    if automation.action != Automation.Action.STOP_MESSAGING:
        return False
    return _triggered_by(automation, scenario)


def _triggered_by(automation: Any, scenario: Any) -> bool:
    kind = automation.trigger_type
    if kind == Automation.TriggerType.SCENARIO:
        return automation.trigger_scenario_id == scenario.id
    if kind == Automation.TriggerType.OUTCOME:
        return automation.trigger_outcome_id in scenario.outcome_ids
    if kind == Automation.TriggerType.ATTRIBUTE:
        return automation.trigger_attribute_id in scenario.attribute_ids
    return False


def scenario_exceptions(doc: Document, scenario: Any) -> list[Any]:
    return [x for x in doc.exceptions if scenario.id in x.scenario_ids]


def scenario_handled(doc: Document, scenario: Any) -> bool:
    """A negative event is handled: an exception rule applies to it, or an automation it
    sets off stops the messaging."""
    if scenario_exceptions(doc, scenario):
        return True
    return any(_stops(doc, a, scenario) for a in doc.automations)


def measure_parts(report: Any) -> list[str]:
    """A report's measures, as the workshop wrote them (comma separated)."""
    return [m.strip() for m in report.measures.split(",") if m.strip()]


def named(text: str, name: str) -> bool:
    """Whether text names something: its whole name as words, any case, or its plural."""
    if not name.strip():
        return False
    plurals = [name, f"{name}s", f"{name}es"]
    if name.endswith("y"):
        plurals.append(f"{name[:-1]}ies")
    return any(mentions(text, candidate) for candidate in plurals)


# Words that say how something is counted, not what: they never tie a measure to a name.
_COUNTING_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "days",
        "day",
        "for",
        "from",
        "in",
        "into",
        "number",
        "of",
        "on",
        "or",
        "per",
        "rate",
        "share",
        "the",
        "time",
        "to",
        "total",
        "value",
        "vs",
        "with",
        "count",
        "average",
    ]
)


def _words(text: str) -> set[str]:
    """The words of a text that can name something, plurals in -ies as their -y."""
    words = {w for w in re.split(r"[^\w]+", text.casefold()) if w and w not in _COUNTING_WORDS}
    return {w[:-3] + "y" if w.endswith("ies") and len(w) > 4 else w for w in words}


def _same_word(a: str, b: str) -> bool:
    """One word, give or take an ending: invoice / invoiced, lead / leads, loss / losses."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short)


def counts(measure: str, name: str) -> bool:
    """Whether a report measure counts something with this name: a word of the name (not a
    counting word) is a word of the measure (as the index decides it for a document)."""
    wanted = _words(name)
    return any(_same_word(m, w) for w in wanted for m in _words(measure))


class _Index:
    """What the trace readers ask about a document again and again, worked out once per
    document (a readiness run, a PDF or a bundle asks it for every scenario and report)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._needed: dict[Key, set[Key]] | None = None
        self._producers: dict[str, tuple[Key, ...]] = {}
        self._reports: dict[Key, list[Any]] | None = None
        # scenario id -> the word sets of what it produces or moves: the names of its
        # outcomes, attributes and entities (what a report measure may count).
        self.produced: dict[Key, list[frozenset[str]]] = {}
        for scenario in doc.scenarios:
            found = {doc.name_of("outcomes", k) for k in scenario.outcome_ids}
            found |= {
                a.name
                for k in scenario.attribute_ids
                if (a := doc.get("attributes", k)) is not None
            }
            found |= {doc.name_of("entities", k) for k in _entities_of(doc, scenario)}
            self.produced[scenario.id] = [frozenset(_words(n)) for n in sorted(found) if n]

    def needed(self) -> dict[Key, set[Key]]:
        if self._needed is None:
            needed: dict[Key, set[Key]] = defaultdict(set)
            for mapping in self.doc.mappings:
                needed[mapping.id].update(mapping.scenario_ids)
            # A scenario only moves data between its own systems: ask about the mappings
            # between two of them, not every mapping of the blueprint.
            by_pair: dict[tuple[Key, Key], list[Any]] = defaultdict(list)
            for mapping in self.doc.mappings:
                by_pair[(mapping.source_system_id, mapping.target_system_id)].append(mapping)
            for scenario in self.doc.scenarios:
                if not (scenario.attribute_ids or scenario.entity_ids):
                    continue
                moves = _mover(self.doc, scenario)
                systems = set(scenario.system_ids)
                for (source, target), mappings in by_pair.items():
                    if source in systems and target in systems:
                        for mapping in mappings:
                            if moves(mapping):
                                needed[mapping.id].add(scenario.id)
            self._needed = needed
        return self._needed

    def producers(self, measure: str) -> tuple[Key, ...]:
        if measure not in self._producers:
            words = _words(measure)
            self._producers[measure] = tuple(
                sid
                for sid, name_words in self.produced.items()
                if any(_same_word(m, w) for ws in name_words for w in ws for m in words)
            )
        return self._producers[measure]

    def reports_of(self, scenario_id: Key) -> list[Any]:
        """The reports that count what a scenario produces: a dimension on an attribute it
        moves, or a measure that counts something it produces."""
        if self._reports is None:
            by_scenario: dict[Key, list[Any]] = defaultdict(list)
            movers: dict[Key, set[Key]] = defaultdict(set)
            for scenario in self.doc.scenarios:
                for key in scenario.attribute_ids:
                    movers[key].add(scenario.id)
            for report in sorted(self.doc.reports, key=lambda r: r.name.lower()):
                users: set[Key] = set()
                for dimension in self.doc.children_of("dimensions", "report_id", report.id):
                    users |= movers.get(dimension.attribute_id, set())
                for measure in measure_parts(report):
                    users.update(self.producers(measure))
                for sid in users:
                    by_scenario[sid].append(report)
            self._reports = by_scenario
        return self._reports.get(scenario_id, [])


def _index(doc: Document) -> _Index:
    # Kept on the document itself, as its cached properties are: a changed document is a
    # new object with an index of its own.
    index = doc.__dict__.get("_trace_index")
    if index is None:
        index = doc.__dict__["_trace_index"] = _Index(doc)
    return index


def mappings_needed(doc: Document) -> dict[Key, set[Key]]:
    """mapping id -> the scenarios that need it (tied to it, or moving what it carries)."""
    return _index(doc).needed()


def measure_producers(doc: Document, measure: str) -> list[Any]:
    """The scenarios that produce what a measure counts: an outcome they produce, an
    attribute they move, or an entity they move, named in the measure."""
    ids = set(_index(doc).producers(measure))
    return [s for s in doc.scenarios if s.id in ids]


def scenario_trace(doc: Document, scenario: Any) -> Trace:
    """The chain of one scenario, with its gaps."""
    entities = _entities_of(doc, scenario)
    attributes = [doc.get("attributes", k) for k in scenario.attribute_ids]
    attributes = [a for a in attributes if a is not None]
    moves = _mover(doc, scenario)
    needed = [m for m in doc.mappings if scenario.id in m.scenario_ids] + [
        m for m in doc.mappings if scenario.id not in m.scenario_ids and moves(m)
    ]
    automations = [a for a in doc.automations if _triggered_by(a, scenario)]
    reports = _index(doc).reports_of(scenario.id)
    gaps: list[tuple[str, str]] = []
    if not scenario.system_ids:
        gaps.append(("systems", "It names no systems."))
    if not entities:
        gaps.append(("entities", "It names no entity it moves."))
    if not attributes:
        gaps.append(("attributes", "It names no attribute it moves."))
    systems = set(scenario.system_ids)
    for attribute in attributes:
        wanting = (set(attribute.display_system_ids) | set(attribute.update_system_ids)) & systems
        wanting.discard(attribute.source_of_truth_id)
        carried = {
            dst
            for m in doc.mappings
            if m.attribute_id == attribute.id
            for _src, dst in mapping_writes(m)
        }
        for system in sorted(wanting - carried, key=str):
            gaps.append(
                (
                    "mappings",
                    f"No field mapping carries {doc.name_of('attributes', attribute.id)} into "
                    f"{doc.name_of('systems', system)}, which shows or updates it.",
                )
            )
    if scenario.category == Category.NEGATIVE and not scenario_handled(doc, scenario):
        gaps.append(
            (
                "exceptions",
                "A negative event with no exception rule that applies to it and no "
                "automation that stops the messaging.",
            )
        )
    by_name = {s.id: s for s in doc.systems}
    return Trace(
        scenario=scenario,
        systems=tuple(by_name[k] for k in scenario.system_ids if k in by_name),
        entities=tuple(
            sorted(
                (e for k in entities if (e := doc.get("entities", k)) is not None),
                key=lambda e: e.name.lower(),
            )
        ),
        attributes=tuple(sorted(attributes, key=lambda a: doc.name_of("attributes", a.id).lower())),
        outcomes=tuple(
            o for k in scenario.outcome_ids if (o := doc.get("outcomes", k)) is not None
        ),
        mappings=tuple(needed),
        exceptions=tuple(scenario_exceptions(doc, scenario)),
        automations=tuple(automations),
        reports=tuple(reports),
        gaps=tuple(gaps),
    )


def _scenario_text(doc: Document, scenario: Any) -> str:
    parts = [scenario.title, scenario.narrative, *scenario.answers.values()]
    parts += [s.description for s in doc.children_of("steps", "scenario_id", scenario.id)]
    return "\n".join(parts)


@dataclass(frozen=True)
class Suggestions:
    entity_ids: tuple[Key, ...]
    attribute_ids: tuple[Key, ...]
    outcome_ids: tuple[Key, ...]


def trace_suggestions(doc: Document, scenario: Any) -> Suggestions:
    """What a scenario probably moves and produces, from its words and its systems: the
    entities it names; the attributes it names, or that field mappings carry between two
    of its systems for those entities; the outcomes it names, or that those entities
    record in one of its systems with the polarity of its category."""
    text = _scenario_text(doc, scenario)
    systems = set(scenario.system_ids)
    entities = {e.id for e in doc.entities if named(text, e.name)} | set(scenario.entity_ids)
    attributes = {
        a.id
        for a in doc.attributes
        if a.entity_id in entities
        and (
            named(text, a.name)
            or any(
                m.attribute_id == a.id
                and m.source_system_id in systems
                and m.target_system_id in systems
                for m in doc.mappings
            )
        )
    }
    polarity = {
        Category.NEGATIVE: Outcome.Polarity.NEGATIVE,
        Category.SUCCESS: Outcome.Polarity.SUCCESS,
    }.get(scenario.category)
    outcomes = {
        o.id
        for o in doc.outcomes
        if named(text, o.name)
        or (
            polarity is not None
            and o.polarity == polarity
            and o.entity_id in entities
            and o.recorded_in_id in systems
        )
    }
    return Suggestions(
        entity_ids=tuple(sorted(entities - set(scenario.entity_ids), key=str)),
        attribute_ids=tuple(sorted(attributes - set(scenario.attribute_ids), key=str)),
        outcome_ids=tuple(sorted(outcomes - set(scenario.outcome_ids), key=str)),
    )
