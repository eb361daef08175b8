"""Which arrows the system map draws: field mappings grouped into arrows and their labels.

Field mappings are grouped per source → target system and entity: one arrow per group,
labelled with the entity and the number of mappings, with a head at both ends when the
mappings are bidirectional. A busy pair of systems gets one arrow per direction instead,
and a busy map gets one-line labels. The same groups, in words, are the flows table
beside the map.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from blueprint.document import Document, Key
from blueprint.models import FieldMapping
from blueprint.systemmap.layout import clip, systems_in_order

# Up to this many groups between two systems get an arrow each; a busier pair gets one
# arrow per direction, labelled with a list of entities of at most MAX_LABEL_LINES lines.
ENTITY_ARROWS_PER_PAIR = 3
MAX_LABEL_LINES = 4
MAX_MAP_LABEL_LINES = 40
BUSY_COLOUR = "#3b4650"
PALETTE = (
    "#1f5fa8",
    "#b5491f",
    "#2e7d4f",
    "#7a3e9d",
    "#a07a12",
    "#0f7c86",
    "#a83262",
    "#4d5b2a",
)
NO_ENTITY_COLOUR = "#6b6b6b"


@dataclass(frozen=True)
class ArrowGroup:
    """The field mappings from one system to another that carry one entity."""

    source_id: Key
    target_id: Key
    entity: str  # "" when the mappings point at no attribute
    count: int
    bidirectional: bool
    colour: str


def systemmap_groups(doc: Document) -> list[ArrowGroup]:
    """Field mappings grouped per (source, target, entity, direction), in a stable order."""
    entity_names = sorted({e.name for e in doc.entities}, key=str.lower)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(entity_names)}
    order = {s.id: i for i, s in enumerate(systems_in_order(doc))}
    counts: Counter[tuple[Key, Key, str, bool]] = Counter()
    for m in doc.mappings:
        if m.source_system_id not in order or m.target_system_id not in order:
            continue
        attribute = doc.get("attributes", m.attribute_id)
        entity = doc.name_of("entities", attribute.entity_id) if attribute else ""
        both = m.direction == FieldMapping.Direction.BIDIRECTIONAL
        source, target = m.source_system_id, m.target_system_id
        if both and order[source] > order[target]:
            # A ⇄ B and B ⇄ A are the same arrow.
            source, target = target, source
        counts[(source, target, entity, both)] += 1
    groups = [
        ArrowGroup(
            source_id=source,
            target_id=target,
            entity=entity,
            count=count,
            bidirectional=both,
            colour=colours.get(entity, NO_ENTITY_COLOUR),
        )
        for (source, target, entity, both), count in counts.items()
    ]
    groups.sort(
        key=lambda g: (
            order[g.source_id],
            order[g.target_id],
            g.bidirectional,
            g.entity == "",
            g.entity.lower(),
        )
    )
    return groups


@dataclass(frozen=True)
class Flow:
    """All the field mappings one way between two systems, for the table beside the map."""

    source: str
    target: str
    bidirectional: bool
    entities: tuple[tuple[str, int], ...]  # biggest first; "" is no entity
    total: int


def systemmap_flows(doc: Document) -> list[Flow]:
    """The arrows of the map in words: one row per source, target and direction."""
    ways: dict[tuple[Key, Key, bool], list[ArrowGroup]] = defaultdict(list)
    for g in systemmap_groups(doc):
        ways[(g.source_id, g.target_id, g.bidirectional)].append(g)
    return [
        Flow(
            source=doc.name_of("systems", source),
            target=doc.name_of("systems", target),
            bidirectional=both,
            entities=tuple(
                (g.entity, g.count)
                for g in sorted(groups, key=lambda g: (-g.count, g.entity.lower()))
            ),
            total=sum(g.count for g in groups),
        )
        for (source, target, both), groups in ways.items()
    ]


@dataclass(frozen=True)
class Arrow:
    """One drawn arrow: one group, or all the groups one way between two busy systems."""

    source_id: Key
    target_id: Key
    bidirectional: bool
    colour: str
    lines: tuple[tuple[str, str], ...]  # (text, colour) of each label line
    title: str


def _group_text(group: ArrowGroup) -> str:
    entity = clip(group.entity, 26) if group.entity else "no entity"
    return f"{entity} ({group.count})"


def _arrows_for_pair(groups: list[ArrowGroup], *, compact: bool) -> list[Arrow]:
    """A few groups get an arrow each. A busy pair gets one arrow per direction, whose
    label lists the entities (the biggest first) with their number of mappings, or, on a
    busy map, names the biggest and counts the others."""
    if len(groups) <= ENTITY_ARROWS_PER_PAIR and not compact:
        return [
            Arrow(
                g.source_id,
                g.target_id,
                g.bidirectional,
                g.colour,
                ((_group_text(g), g.colour),),
                f"{g.entity or 'Fields without an entity'} ({g.count})",
            )
            for g in groups
        ]
    ways: dict[tuple[Key, Key, bool], list[ArrowGroup]] = defaultdict(list)
    for g in groups:
        ways[(g.source_id, g.target_id, g.bidirectional)].append(g)
    arrows = []
    for (source, target, both), members in ways.items():
        biggest = sorted(members, key=lambda g: (-g.count, g.entity.lower()))
        total = sum(g.count for g in biggest)
        if compact:
            top = biggest[0]
            name = clip(top.entity, 20) if top.entity else "no entity"
            text = (
                f"{name} + {len(biggest) - 1} more ({total})"
                if len(biggest) > 1
                else (_group_text(top))
            )
            lines = [(text, top.colour if len(biggest) == 1 else BUSY_COLOUR)]
        else:
            limit = MAX_LABEL_LINES
            shown = biggest if len(biggest) <= limit else biggest[: limit - 1]
            lines = [(_group_text(g), g.colour) for g in shown]
            rest = biggest[len(shown) :]
            if rest:
                more = sum(g.count for g in rest)
                lines.append((f"+ {len(rest)} more entities ({more})", NO_ENTITY_COLOUR))
        title = ", ".join(f"{g.entity or 'no entity'} ({g.count})" for g in biggest)
        colour = biggest[0].colour if len(biggest) == 1 else BUSY_COLOUR
        arrows.append(Arrow(source, target, both, colour, tuple(lines), title))
    return arrows


def arrows_by_pair(doc: Document) -> dict[tuple[Key, Key], list[Arrow]]:
    """The arrows between each pair of systems (a before b in map order; a == b for a
    system's mappings to itself)."""
    index = {s.id: i for i, s in enumerate(systems_in_order(doc))}
    pairs: dict[tuple[Key, Key], list[ArrowGroup]] = defaultdict(list)
    for group in systemmap_groups(doc):
        a, b = sorted((group.source_id, group.target_id), key=index.__getitem__)
        pairs[(a, b)].append(group)
    # A busy map gets one-line labels, or the labels would cover the picture.
    lines = sum(
        len(arrow.lines)
        for groups in pairs.values()
        for arrow in _arrows_for_pair(groups, compact=False)
    )
    compact = lines > MAX_MAP_LABEL_LINES
    return {pair: _arrows_for_pair(groups, compact=compact) for pair, groups in pairs.items()}
