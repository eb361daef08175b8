"""Checks on the data mapping: entities and their identity, attributes, relationships,
outcomes, and the field mappings that carry attributes between systems."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from blueprint.document import Key
from blueprint.models import Entity, FieldMapping, Guardrail
from blueprint.readiness.base import _blank, _label, _lower, _q, _Run


def _entities(run: _Run) -> None:
    doc = run.doc
    run.check(
        "mapping.no_entities",
        bool(doc.entities),
        "entities",
        None,
        "No entities yet: which people, organisations, transactions or assets move?",
    )
    for entity in doc.entities:
        name = _q(entity.name)
        run.check(
            "mapping.entity_without_home",
            entity.home_system_id is not None,
            "entities",
            entity.id,
            f"Entity {name} has no home system",
        )
        run.check(
            "mapping.entity_without_link_method",
            not _blank(entity.link_method),
            "entities",
            entity.id,
            f"Entity {name} does not say how its records are linked across systems",
        )
        run.check(
            "mapping.entity_without_identity",
            bool(entity.identity_attribute_ids),
            "identity",
            entity.id,
            f"Entity {name} names no attributes that make up its identity",
        )
        for key in entity.identity_attribute_ids:
            attribute = doc.get("attributes", key)
            run.check(
                "mapping.identity_of_other_entity",
                attribute is None or attribute.entity_id == entity.id,
                "identity",
                entity.id,
                f"The identity of {name} uses {run.attribute(key)}, an attribute of another entity",
            )
        run.check(
            "mapping.entity_without_duplicate_rule",
            not _blank(entity.duplicate_rule),
            "identity",
            entity.id,
            f"Entity {name} does not say how duplicates and conflicts are handled",
        )
        run.check(
            "mapping.entity_without_issuer",
            entity.identifier_issuer_id is not None,
            "identity",
            entity.id,
            f"Entity {name} does not say which system issues its identifiers",
        )
        run.check(
            "mapping.entity_sync_unknown",
            entity.sync_state != Entity.SyncState.UNKNOWN,
            "entities",
            entity.id,
            f"Nobody has said whether {name} is synchronised today",
        )
        if entity.sync_state != Entity.SyncState.SYNCHRONISED:
            state = _lower(_label(Entity.SyncState, entity.sync_state))
            run.check(
                "mapping.entity_without_history_decision",
                not _blank(entity.history_decision),
                "entities",
                entity.id,
                f"{name} is not synchronised today ({state}) and has no decision for its "
                "historical data",
            )
    for copy in doc.copies:
        run.check(
            "mapping.copy_without_reason",
            not _blank(copy.reason),
            "copies",
            copy.id,
            f"The copy of {_q(doc.name_of('entities', copy.entity_id))} in "
            f"{run.system(copy.system_id)} does not say why it is needed",
        )


def _attributes(run: _Run) -> None:
    doc = run.doc
    by_name: dict[tuple[Key, str], list[Any]] = defaultdict(list)
    for attribute in doc.attributes:
        entity = _q(doc.name_of("entities", attribute.entity_id))
        name = f"Attribute {_q(attribute.name)} of {entity}"
        by_name[(attribute.entity_id, attribute.name.strip().casefold())].append(attribute)
        has_source = run.check(
            "mapping.attribute_without_source",
            attribute.source_of_truth_id is not None,
            "attributes",
            attribute.id,
            f"{name} has no source of truth",
        )
        if has_source:
            run.check(
                "mapping.source_not_updatable",
                attribute.source_of_truth_id in attribute.update_system_ids,
                "attributes",
                attribute.id,
                f"{name} may not be updated in its own source of truth, "
                f"{run.system(attribute.source_of_truth_id)}",
            )
    for (entity_id, _name), group in by_name.items():
        if len(group) < 2:
            continue
        sources = {a.source_of_truth_id for a in group if a.source_of_truth_id is not None}
        claims = ", ".join(f"{_q(a.name)} from {run.system(a.source_of_truth_id)}" for a in group)
        run.check(
            "mapping.attribute_claimed_twice",
            len(sources) < 2,
            "attributes",
            group[1].id,
            f"{_q(doc.name_of('entities', entity_id))} has attributes with the same name from "
            f"different sources of truth: {claims}",
        )
    for rel in doc.relationships:
        name = _q(doc.name_of("relationships", rel.id))
        run.check(
            "mapping.relationship_without_maintainer",
            rel.maintained_in_id is not None,
            "relationships",
            rel.id,
            f"Relationship {name} does not say where it is maintained",
        )
        run.check(
            "mapping.relationship_without_change_rule",
            not _blank(rel.change_behaviour),
            "relationships",
            rel.id,
            f"Relationship {name} does not say what happens when it changes in one system",
        )
    for outcome in doc.outcomes:
        run.check(
            "mapping.outcome_without_reasons",
            bool(doc.children_of("reasons", "outcome_id", outcome.id)),
            "outcomes",
            outcome.id,
            f"Outcome {_q(outcome.name)} has no reason codes",
        )
        run.check(
            "mapping.outcome_without_record",
            outcome.recorded_in_id is not None,
            "outcomes",
            outcome.id,
            f"Outcome {_q(outcome.name)} does not say where it is recorded",
        )
        run.check(
            "mapping.outcome_without_sync",
            not _blank(outcome.sync_behaviour),
            "outcomes",
            outcome.id,
            f"Outcome {_q(outcome.name)} does not say how it syncs to the other systems",
        )


def protected_systems(guard: Any, attribute: Any) -> set[Key]:
    """Where a "never overwrite" guardrail applies: the systems it names, else the
    attribute's source of truth."""
    if guard.protected_system_ids:
        return set(guard.protected_system_ids)
    return {attribute.source_of_truth_id} - {None}


_MAPPING_PARTS = (
    ("source_field", "no source field"),
    ("target_field", "no target field"),
    ("direction", "no sync direction"),
    ("conflict_rule", "no conflict rule"),
)


def _mappings(run: _Run) -> None:
    doc = run.doc
    guards: dict[Key, list[Any]] = defaultdict(list)
    for guardrail in doc.guardrails:
        if guardrail.attribute_id is not None:
            guards[guardrail.attribute_id].append(guardrail)
    # (system, field) written into -> {source of truth: first mapping that carries it}
    feeds: dict[tuple[Key, str], dict[Key, Any]] = defaultdict(dict)
    fields: dict[tuple[Key, str], tuple[Key, str]] = {}
    for mapping in doc.mappings:

        def name(mapping: Any = mapping) -> str:
            return _q(doc.name_of("mappings", mapping.id))

        missing = [text for part, text in _MAPPING_PARTS if _blank(getattr(mapping, part))]
        run.check(
            "mapping.mapping_incomplete",
            not missing,
            "mappings",
            mapping.id,
            lambda: f"Field mapping {name()} has {', '.join(missing)}",
        )
        attribute = doc.get("attributes", mapping.attribute_id)
        run.check(
            "mapping.mapping_without_attribute",
            attribute is not None,
            "mappings",
            mapping.id,
            lambda: f"Field mapping {name()} does not say which attribute it carries",
        )
        if attribute is None:
            continue
        both_ways = mapping.direction == FieldMapping.Direction.BIDIRECTIONAL
        # A bidirectional mapping writes into both ends.
        writes = [(mapping.target_system_id, mapping.target_field)]
        if both_ways:
            writes.append((mapping.source_system_id, mapping.source_field))

        def carried(attribute: Any = attribute) -> str:
            return run.attribute(attribute.id)

        # "Never overwrite" protects the value where it is decided (by default its source
        # of truth); keeping a read-only copy elsewhere current is what mappings are for.
        # A "never overwrite" conflict rule only fills empty fields, which the guardrail allows.
        fills_only = mapping.conflict_rule == FieldMapping.ConflictRule.NEVER_OVERWRITE
        for guard in guards[attribute.id]:
            if guard.kind != Guardrail.Kind.NEVER_OVERWRITE or fills_only:
                continue
            protected = protected_systems(guard, attribute)
            hit = [s for s, _f in writes if s in protected]
            run.check(
                "mapping.mapping_overwrites_guarded",
                not hit,
                "mappings",
                mapping.id,
                lambda: (
                    f"Field mapping {name()} overwrites {carried()} in "
                    f"{run.system(hit[0] if hit else None)}, where the integration must never "
                    "overwrite it"
                ),
            )
        for guard in guards[attribute.id]:
            if guard.kind == Guardrail.Kind.SINGLE_SYSTEM:
                # Writing into the one system (or the source of truth) changes the value
                # from outside it; a bidirectional mapping always does.
                home = guard.system_id or attribute.source_of_truth_id
                into = [s for s, _f in writes if s in (home, attribute.source_of_truth_id)]
                run.check(
                    "mapping.mapping_against_single_system",
                    not (both_ways or into),
                    "mappings",
                    mapping.id,
                    lambda: (
                        f"Field mapping {name()} "
                        + (
                            "is bidirectional"
                            if both_ways
                            else f"writes into {run.system(into[0])}"
                        )
                        + f", but {carried()} may change in {run.system(home)} only"
                    ),
                )
            elif guard.kind == Guardrail.Kind.NO_CROSSING:
                crossed = [s for s, _f in writes if s in guard.forbidden_system_ids]
                run.check(
                    "mapping.mapping_crosses_boundary",
                    not crossed,
                    "mappings",
                    mapping.id,
                    lambda: (
                        f"Field mapping {name()} carries {carried()} into "
                        f"{run.system(crossed[0] if crossed else None)}, which it must not reach"
                    ),
                )
        allowed = set(attribute.display_system_ids) | set(attribute.update_system_ids)
        strangers = [s for s, _f in writes if s not in allowed]
        run.check(
            "mapping.mapping_target_not_listed",
            not strangers,
            "mappings",
            mapping.id,
            lambda: (
                f"Field mapping {name()} writes {carried()} into "
                f"{run.system(strangers[0] if strangers else None)}, which neither displays it nor "
                "may update it"
            ),
        )
        if attribute.source_of_truth_id is not None:
            for system, written in writes:
                if not _blank(written):
                    key = (system, written.strip().casefold())
                    feeds[key].setdefault(attribute.source_of_truth_id, mapping)
                    fields.setdefault(key, (system, written.strip()))
    for key, sources in feeds.items():
        first, *others = sources.values()
        run.check(
            "mapping.field_fed_by_two_sources",
            not others,
            "mappings",
            others[0].id if others else first.id,
            lambda key=key, sources=sources: (
                f"{_q(doc.name_of('systems', fields[key][0]) + '.' + fields[key][1])} is fed "
                "from different sources of truth: "
                + ", ".join(
                    f"{run.system(truth)} via {_q(doc.name_of('mappings', m.id))}"
                    for truth, m in sources.items()
                )
            ),
        )
