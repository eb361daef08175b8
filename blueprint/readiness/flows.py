"""Checks over the blueprint as one model: where each entity's data lives, and whether
the flows it describes can actually happen.

A system *holds* an entity when it is the entity's home or keeps a copy of it. Every
system the blueprint names for an entity (issuing or accepting its identifiers,
displaying or updating its attributes, recording its outcomes, keeping its relationships)
must hold it. A value *reaches* a system when the system is the value's source of truth,
or a chain of field mappings carrying that attribute leads there from the source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from blueprint.document import Document, Key
from blueprint.models import Automation, Category, Guardrail
from blueprint.readiness.base import Message, _q, _Run
from blueprint.trace import mapping_writes, mapping_written_fields, mentions


def holders(doc: Document) -> dict[Key, set[Key]]:
    """entity id -> the systems that hold it (its home and its copies)."""
    held: dict[Key, set[Key]] = defaultdict(set)
    for entity in doc.entities:
        if entity.home_system_id is not None:
            held[entity.id].add(entity.home_system_id)
    for copy in doc.copies:
        held[copy.entity_id].add(copy.system_id)
    return held


def _field(name: str) -> str:
    return "".join(name.split()).casefold()


def _reach(start: Iterable[Key], edges: dict[Key, set[Key]]) -> set[Key]:
    seen = set(start)
    todo = list(seen)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


class Flows:
    """Which systems each attribute's value reaches through the mappings that carry it."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.by_attribute: dict[Key, list[Any]] = defaultdict(list)
        self.any_edges: dict[Key, set[Key]] = defaultdict(set)
        self.entity_edges: dict[Key, dict[Key, set[Key]]] = defaultdict(lambda: defaultdict(set))
        for mapping in doc.mappings:
            attribute = doc.get("attributes", mapping.attribute_id)
            for src, dst in mapping_writes(mapping):
                self.any_edges[src].add(dst)
                if attribute is not None:
                    self.entity_edges[attribute.entity_id][src].add(dst)
            if attribute is not None:
                self.by_attribute[attribute.id].append(mapping)
        self._reached: dict[Key, set[Key]] = {}
        self._truth_fields: dict[Key, set[str]] = {}

    def reached(self, attribute: Any) -> set[Key]:
        """Systems the attribute's value reaches from its source of truth."""
        if attribute.id not in self._reached:
            edges: dict[Key, set[Key]] = defaultdict(set)
            for mapping in self.by_attribute[attribute.id]:
                for src, dst in mapping_writes(mapping):
                    edges[src].add(dst)
            start = [] if attribute.source_of_truth_id is None else [attribute.source_of_truth_id]
            self._reached[attribute.id] = _reach(start, edges)
        return self._reached[attribute.id]

    def truth_fields(self, attribute: Any) -> set[str]:
        """The fields of the source of truth that mappings read the attribute from."""
        if attribute.id not in self._truth_fields:
            self._truth_fields[attribute.id] = {
                _field(m.source_field)
                for m in self.by_attribute[attribute.id]
                if m.source_system_id == attribute.source_of_truth_id and m.source_field.strip()
            }
        return self._truth_fields[attribute.id]

    def outcome_reaches(self, outcome: Any) -> set[Key]:
        """Systems that learn of an outcome: where it is recorded, every system the mappings
        of its entity's attributes lead to from there, and every system a scenario puts
        together with the recording system."""
        if outcome.recorded_in_id is None:
            return set()
        edges = (
            self.entity_edges[outcome.entity_id]
            if outcome.entity_id is not None
            else self.any_edges
        )
        reached = _reach([outcome.recorded_in_id], edges)
        for scenario in self.doc.scenarios:
            if outcome.recorded_in_id in scenario.system_ids:
                reached.update(scenario.system_ids)
        return reached


def _names(run: _Run, keys: Iterable[Key]) -> str:
    return ", ".join(run.system(k) for k in keys)


def _where_data_lives(run: _Run) -> None:
    doc = run.doc
    held = holders(doc)

    def must_hold(
        section: str,
        item_id: Key,
        entity_id: Key | None,
        systems: Iterable[Key | None],
        how: Message,
    ) -> None:
        """`how` leads up to the systems: "The outcome “Won” is recorded in"."""
        entity = doc.get("entities", entity_id)
        named = [s for s in dict.fromkeys(systems) if s is not None]
        if entity is None or entity.home_system_id is None or not named:
            return  # nothing named, or "no home system", which is reported on its own
        strangers = [s for s in named if s not in held[entity.id]]
        run.check(
            "mapping.system_without_entity",
            not strangers,
            section,
            item_id,
            lambda: (
                f"{how if isinstance(how, str) else how()} {_names(run, strangers)}, which "
                f"{'holds' if len(strangers) == 1 else 'hold'} no {_q(entity.name)}: make it the "
                "home system or add a copy there, with its reason"
            ),
        )

    for entity in doc.entities:
        name = _q(entity.name)
        must_hold(
            "identity",
            entity.id,
            entity.id,
            [entity.identifier_issuer_id],
            f"The identifiers of {name} are issued by",
        )
        must_hold(
            "identity",
            entity.id,
            entity.id,
            entity.identifier_acceptor_ids,
            f"The identifiers of {name} must be accepted by",
        )
    for attribute in doc.attributes:
        must_hold(
            "attributes",
            attribute.id,
            attribute.entity_id,
            [attribute.source_of_truth_id],
            lambda: f"The source of truth of {run.attribute(attribute.id)} is",
        )
        must_hold(
            "attributes",
            attribute.id,
            attribute.entity_id,
            attribute.display_system_ids,
            lambda: f"{run.attribute(attribute.id)} is displayed in",
        )
        must_hold(
            "attributes",
            attribute.id,
            attribute.entity_id,
            [s for s in attribute.update_system_ids if s != attribute.source_of_truth_id],
            lambda: f"{run.attribute(attribute.id)} may be updated in",
        )
    for rel in doc.relationships:
        systems = [rel.maintained_in_id, *rel.synced_system_ids]
        for entity_id in dict.fromkeys((rel.from_entity_id, rel.to_entity_id)):
            must_hold(
                "relationships",
                rel.id,
                entity_id,
                systems,
                lambda: f"The relationship {_q(doc.name_of('relationships', rel.id))} is kept in",
            )
    for outcome in doc.outcomes:
        must_hold(
            "outcomes",
            outcome.id,
            outcome.entity_id,
            [outcome.recorded_in_id],
            f"The outcome {_q(outcome.name)} is recorded in",
        )
    for mapping in doc.mappings:
        attribute = doc.get("attributes", mapping.attribute_id)
        if attribute is None:
            continue
        must_hold(
            "mappings",
            mapping.id,
            attribute.entity_id,
            [mapping.source_system_id, mapping.target_system_id],
            lambda: (
                f"Field mapping {_q(doc.name_of('mappings', mapping.id))} carries "
                f"{run.attribute(attribute.id)} through"
            ),
        )
    for guard in doc.guardrails:
        attribute = doc.get("attributes", guard.attribute_id)
        if attribute is None:
            continue
        if guard.kind == Guardrail.Kind.SINGLE_SYSTEM:
            systems: list[Key | None] = [guard.system_id]
            how = "lets it change only in"
        elif guard.kind == Guardrail.Kind.NEVER_OVERWRITE:
            systems = list(guard.protected_system_ids)
            how = "protects it in"
        else:
            continue
        must_hold(
            "guardrails",
            guard.id,
            attribute.entity_id,
            systems,
            lambda: f"The guardrail on {run.attribute(attribute.id)} {how}",
        )
    # A system that only appears in stories, with no data of its own, is worth a question.
    holding = {s for systems in held.values() for s in systems}
    storied: dict[Key, Any] = {}
    for scenario in doc.scenarios:
        for system_id in scenario.system_ids:
            storied.setdefault(system_id, scenario)
    for step in doc.steps:
        if step.system_id is not None:
            storied.setdefault(step.system_id, doc.get("scenarios", step.scenario_id))
    for system in doc.systems:
        scenario = storied.get(system.id)
        if scenario is None:
            continue
        run.check(
            "project.system_only_in_stories",
            system.id in holding,
            "systems",
            system.id,
            lambda: (
                f"{_q(system.name)} takes part in scenario {_q(scenario.title)} but holds no "
                "entity of the data model: which records does it keep, or is it only a channel?"
            ),
        )


def _flows(run: _Run) -> None:
    doc = run.doc
    flows = Flows(doc)
    for attribute in doc.attributes:
        truth = attribute.source_of_truth_id
        if truth is None:
            continue
        reached = flows.reached(attribute)
        # Display and update systems receive the value from its source of truth.
        wanting = [
            s
            for s in dict.fromkeys((*attribute.display_system_ids, *attribute.update_system_ids))
            if s != truth
        ]
        if not wanting:
            continue
        unfed = [s for s in wanting if s not in reached]
        run.check(
            "mapping.attribute_not_fed",
            not unfed,
            "attributes",
            attribute.id,
            lambda: (
                f"{_names(run, unfed)} "
                f"{'shows or updates' if len(unfed) == 1 else 'show or update'} "
                f"{run.attribute(attribute.id)}, but no field mapping carries it there from its "
                f"source of truth {run.system(truth)}"
            ),
        )
    for mapping in doc.mappings:
        attribute = doc.get("attributes", mapping.attribute_id)
        if attribute is None or attribute.source_of_truth_id is None:
            continue
        truth = attribute.source_of_truth_id

        def name() -> str:
            return _q(doc.name_of("mappings", mapping.id))

        def label() -> str:
            return run.attribute(attribute.id)

        if mapping.required:
            reached = flows.reached(attribute)
            run.check(
                "mapping.required_from_unfed_source",
                mapping.source_system_id in reached,
                "mappings",
                mapping.id,
                lambda: (
                    f"The required field mapping {name()} reads {label()} from "
                    f"{run.system(mapping.source_system_id)}, which is not its source of truth "
                    f"{run.system(truth)} and is not fed from it"
                ),
            )
        # A write into the source of truth's own field changes the truth. Writing the value
        # onto another record there (an order's customer number) does not, so when the
        # field the truth is read from is known, only that field counts.
        kept_in = flows.truth_fields(attribute)
        writers = [
            src
            for (src, dst), field in zip(
                mapping_writes(mapping), mapping_written_fields(mapping), strict=True
            )
            if dst == truth and (not kept_in or _field(field) in kept_in)
        ]
        strangers = [w for w in writers if w not in attribute.update_system_ids]
        run.check(
            "mapping.truth_written_by_outsider",
            not strangers,
            "mappings",
            mapping.id,
            lambda: (
                f"Field mapping {name()} writes {label()} into its source of truth "
                f"{run.system(truth)} from {_names(run, strangers)}, where updates to it are "
                "not allowed"
            ),
        )
    _journeys(run, flows)
    _automation_events(run, flows)


def _journeys(run: _Run, flows: Flows) -> None:
    doc = run.doc
    for scenario in doc.scenarios:
        if scenario.category != Category.JOURNEY:
            continue
        steps = doc.children_of("steps", "scenario_id", scenario.id)
        on_path = {s.system_id for s in steps if s.system_id is not None}
        if not on_path:
            continue
        answer = scenario.answers.get("status_visibility", "")
        watching = [s for s in doc.systems if mentions(answer, s.name)]
        # The status reaches a system on the path, or one the mappings lead to from it.
        reached = _reach(on_path, flows.any_edges)
        blind = [s.id for s in watching if s.id not in reached]
        run.check(
            "scenarios.journey_misses_watcher",
            not blind,
            "scenarios",
            scenario.id,
            lambda: (
                f"Journey {_q(scenario.title)} says {_names(run, blind)} must see the current "
                "status, but no step happens there and no field mapping carries anything there "
                "from the journey's systems"
            ),
        )


def _automation_events(run: _Run, flows: Flows) -> None:
    doc = run.doc
    for automation in doc.automations:
        sender = automation.sending_system_id
        if sender is None:
            continue
        name = _q(automation.name)
        if automation.trigger_type == Automation.TriggerType.ATTRIBUTE:
            attribute = doc.get("attributes", automation.trigger_attribute_id)
            if attribute is None or attribute.source_of_truth_id is None:
                continue
            knows = flows.reached(attribute) | set(attribute.update_system_ids)
            event = f"a change of {run.attribute(attribute.id)}"
        elif automation.trigger_type == Automation.TriggerType.OUTCOME:
            outcome = doc.get("outcomes", automation.trigger_outcome_id)
            if outcome is None or outcome.recorded_in_id is None:
                continue
            knows = flows.outcome_reaches(outcome)
            event = f"the outcome {_q(outcome.name)}"
        elif automation.trigger_type == Automation.TriggerType.SCENARIO:
            scenario = doc.get("scenarios", automation.trigger_scenario_id)
            if scenario is None:
                continue
            steps = doc.children_of("steps", "scenario_id", scenario.id)
            knows = set(scenario.system_ids) | {s.system_id for s in steps}
            event = f"scenario {_q(scenario.title)}"
        else:
            continue
        run.check(
            "requirements.automation_event_unreachable",
            sender in knows,
            "automations",
            automation.id,
            lambda: (
                f"Automation {name} is sent from {run.system(sender)} on {event}, but no field "
                f"mapping or scenario brings that event to {run.system(sender)}"
            ),
        )
