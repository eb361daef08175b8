"""The system map: a picture of a document's systems and the field mappings between them.

A pure function of a `Document` that returns an SVG string, drawn by the app itself (no
external service, no script), so the browser overview and the vendor PDF show the same
picture. Systems are boxes on an ellipse, in name order, so the same blueprint always
gives the same drawing. Field mappings are grouped per source → target system and
entity: one arrow per group, labelled with the entity and the number of mappings, with a
head at both ends when the mappings are bidirectional. Each box lists the entities whose
home system it is. Every piece of user text is escaped.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape

from blueprint.document import Document, Key, SystemDoc
from blueprint.models import FieldMapping, System

BOX_WIDTH = 184
LINE = 14
# Up to this many groups between two systems get an arrow each; a busier pair gets one
# arrow per direction, labelled with a list of entities of at most MAX_LABEL_LINES lines.
ENTITY_ARROWS_PER_PAIR = 3
MAX_LABEL_LINES = 4
MAX_MAP_LABEL_LINES = 40
ARROW_SPACING = 30
LABEL_LINE = 13
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
HOME_PREFIX = "⌂ Home of: "
FONT = "Liberation Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """User text made safe for SVG content and attribute values (also as standalone XML)."""
    return escape(_CONTROL_CHARS.sub("", value), quote=True)


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ArrowGroup:
    """The field mappings from one system to another that carry one entity."""

    source_id: Key
    target_id: Key
    entity: str  # "" when the mappings point at no attribute
    count: int
    bidirectional: bool
    colour: str


@dataclass(frozen=True)
class _Box:
    system_id: Key
    name: str
    kind: str
    home_of: tuple[str, ...]
    x: float  # centre
    y: float
    height: float

    def edge_towards(self, px: float, py: float, gap: float = 5.0) -> tuple[float, float]:
        """Where the ray from the box's centre towards (px, py) leaves the box."""
        dx, dy = px - self.x, py - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        half_w, half_h = BOX_WIDTH / 2 + gap, self.height / 2 + gap
        scale = min(
            half_w / abs(dx) if dx else math.inf,
            half_h / abs(dy) if dy else math.inf,
        )
        return self.x + dx * scale, self.y + dy * scale


def systemmap_groups(doc: Document) -> list[ArrowGroup]:
    """Field mappings grouped per (source, target, entity, direction), in a stable order."""
    entity_names = sorted({e.name for e in doc.entities}, key=str.lower)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(entity_names)}
    order = {s.id: i for i, s in enumerate(_systems_in_order(doc))}
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


def _systems_in_order(doc: Document) -> list[SystemDoc]:
    return sorted(doc.systems, key=lambda s: (s.name.lower(), str(s.id)))


def _kind_label(value: str) -> str:
    try:
        return str(System.Kind(value).label)
    except ValueError:
        return value


def _home_lines(names: list[str], width: int = 30, max_lines: int = 3) -> list[str]:
    """The names after "Home of:" wrapped into a few short lines, the rest counted.

    The first line is shorter: it follows the "Home of:" heading.
    """
    lines: list[str] = []
    current = ""
    for i, name in enumerate(names):
        limit = width - len(HOME_PREFIX) if not lines else width
        piece = _clip(name, limit)
        candidate = f"{current}, {piece}" if current else piece
        if len(candidate) <= limit or not current:
            current = candidate
            continue
        lines.append(current + ",")
        if len(lines) == max_lines:
            lines[-1] = f"{current} + {len(names) - i} more"
            return lines
        current = piece
    if current:
        lines.append(current)
    return lines


def _layout(doc: Document) -> tuple[list[_Box], float, float]:
    systems = _systems_in_order(doc)
    homes: dict[Key, list[str]] = defaultdict(list)
    for e in sorted(doc.entities, key=lambda e: e.name.lower()):
        if e.home_system_id is not None:
            homes[e.home_system_id].append(e.name)
    wrapped = {s.id: _home_lines(homes.get(s.id, [])) for s in systems}
    most_lines = max((len(lines) for lines in wrapped.values()), default=0)
    height = 44 + LINE * most_lines
    n = len(systems)
    width = max(1000.0, 130.0 * n)
    canvas_h = max(300.0 if n <= 2 else 700.0, 74.0 * n)
    cx, cy = width / 2, (canvas_h - 40) / 2 + 4
    if n == 1:
        points = [(cx, cy)]
    elif n == 2:
        points = [(width * 0.22, cy), (width * 0.78, cy)]
    else:
        rx = width / 2 - BOX_WIDTH / 2 - 16
        ry = (canvas_h - 40) / 2 - height / 2 - 10
        points = [
            (
                cx + rx * math.sin(2 * math.pi * i / n),
                cy - ry * math.cos(2 * math.pi * i / n),
            )
            for i in range(n)
        ]
    boxes = [
        _Box(
            system_id=s.id,
            name=s.name,
            kind=_kind_label(s.kind),
            home_of=tuple(wrapped[s.id]),
            x=x,
            y=y,
            height=height,
        )
        for s, (x, y) in zip(systems, points, strict=True)
    ]
    return boxes, width, canvas_h


@dataclass(frozen=True)
class _Arrow:
    """One drawn arrow: one group, or all the groups one way between two busy systems."""

    source_id: Key
    target_id: Key
    bidirectional: bool
    colour: str
    lines: tuple[tuple[str, str], ...]  # (text, colour) of each label line
    title: str


def _group_text(group: ArrowGroup) -> str:
    entity = _clip(group.entity, 26) if group.entity else "no entity"
    return f"{entity} ({group.count})"


def _arrows_for_pair(groups: list[ArrowGroup], *, compact: bool) -> list[_Arrow]:
    """A few groups get an arrow each. A busy pair gets one arrow per direction, whose
    label lists the entities (the biggest first) with their number of mappings, or, on a
    busy map, names the biggest and counts the others."""
    if len(groups) <= ENTITY_ARROWS_PER_PAIR and not compact:
        return [
            _Arrow(
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
            name = _clip(top.entity, 20) if top.entity else "no entity"
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
        arrows.append(_Arrow(source, target, both, colour, tuple(lines), title))
    return arrows


def _arrowhead(tip: tuple[float, float], back: tuple[float, float], colour: str) -> str:
    """A filled triangle at `tip`, pointing away from `back`."""
    dx, dy = tip[0] - back[0], tip[1] - back[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size, half = 10.0, 4.5
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    points = (
        f"{tip[0]:.1f},{tip[1]:.1f} {bx - uy * half:.1f},{by + ux * half:.1f} "
        f"{bx + uy * half:.1f},{by - ux * half:.1f}"
    )
    return f'<polygon points="{points}" fill="{colour}"/>'


Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass
class _Label:
    lines: tuple[tuple[str, str], ...]
    border: str
    candidates: list[tuple[float, float]]  # centres to choose from, best first

    @property
    def size(self) -> tuple[float, float]:
        width = max(6.1 * len(text) for text, _ in self.lines) + 10
        return width, LABEL_LINE * len(self.lines) + 4

    def rect_at(self, x: float, y: float) -> Rect:
        width, height = self.size
        return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place(labels: list[_Label], obstacles: list[Rect], canvas: Rect) -> list[str]:
    """Put each label where it covers the least of the boxes and the labels placed so far.

    Greedy and deterministic: candidates are tried in order, the first with the least
    overlap wins.
    """
    placed: list[Rect] = []
    drawn: list[str] = []
    for label in labels:
        best: tuple[float, Rect] | None = None
        for x, y in label.candidates:
            rect = label.rect_at(x, y)
            outside = (
                max(0.0, canvas[0] - rect[0])
                + max(0.0, rect[2] - canvas[2])
                + max(0.0, canvas[1] - rect[1])
                + max(0.0, rect[3] - canvas[3])
            )
            cost = sum(_overlap(rect, o) for o in obstacles) * 10 + outside * 100
            cost += sum(_overlap(rect, p) for p in placed)
            if best is None or cost < best[0]:
                best = (cost, rect)
            if cost == 0:
                break
        assert best is not None
        rect = best[1]
        placed.append(rect)
        drawn.append(_label_svg(label, rect))
    return drawn


def _label_svg(label: _Label, rect: Rect) -> str:
    cx = (rect[0] + rect[2]) / 2
    parts = [
        f'<rect x="{rect[0]:.1f}" y="{rect[1]:.1f}" width="{rect[2] - rect[0]:.1f}" '
        f'height="{rect[3] - rect[1]:.1f}" rx="3" fill="#ffffff" fill-opacity="0.94" '
        f'stroke="{label.border}" stroke-width="0.6"/>'
    ]
    for i, (text, colour) in enumerate(label.lines):
        y = rect[1] + 2 + LABEL_LINE * (i + 1) - 3.5
        parts.append(
            f'<text x="{cx:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{colour}">{_text(text)}</text>'
        )
    return "".join(parts)


def _point(
    p0: tuple[float, float], c: tuple[float, float], p2: tuple[float, float], t: float
) -> tuple[float, float]:
    """The point at t on the quadratic curve p0-c-p2."""
    return (
        (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t**2 * p2[0],
        (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t**2 * p2[1],
    )


def _arrows_between(a: _Box, b: _Box, arrows: list[_Arrow]) -> tuple[list[str], list[_Label]]:
    """Curves for every arrow between a and b, and their labels (placed later)."""
    curves: list[str] = []
    labels: list[_Label] = []
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    count = len(arrows)
    for i, arrow in enumerate(arrows):
        offset = (i - (count - 1) / 2) * ARROW_SPACING
        # The curve passes through mid + normal*offset; its control point is twice as far.
        c = (mx + nx * offset * 2, my + ny * offset * 2)
        start_box, end_box = (a, b) if arrow.source_id == a.system_id else (b, a)
        p0 = start_box.edge_towards(*c)
        p2 = end_box.edge_towards(*c)
        way = "⇄" if arrow.bidirectional else "→"
        title = f"{start_box.name} {way} {end_box.name}: {arrow.title}"
        curves.append(
            f"<g><title>{_text(title)}</title>"
            f'<path d="M{p0[0]:.1f},{p0[1]:.1f} Q{c[0]:.1f},{c[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}" '
            f'fill="none" stroke="{arrow.colour}" stroke-width="1.6"/>'
            + _arrowhead(p2, c, arrow.colour)
            + (_arrowhead(p0, c, arrow.colour) if arrow.bidirectional else "")
            + "</g>"
        )
        # Measured from a, so that the labels of a pair's arrows start staggered.
        first = 0.5 + (i - (count - 1) / 2) * min(0.12, 24 / length)
        ts = [first, first - 0.09, first + 0.09, first - 0.18, first + 0.18]
        ts = [min(0.8, max(0.2, t)) for t in ts] + [0.25 + 0.05 * k for k in range(11)]
        if start_box is b:
            ts = [1 - t for t in ts]
        points = [_point(p0, c, p2, t) for t in ts]
        # Then the same places a little to either side of the curve.
        for shift in (16.0, -16.0, 32.0, -32.0):
            points += [(x + nx * shift, y + ny * shift) for x, y in points[:16]]
        labels.append(_Label(arrow.lines, arrow.colour, points))
    return curves, labels


def _loops(box: _Box, arrows: list[_Arrow]) -> tuple[list[str], list[_Label]]:
    """Mappings from a system to itself: small loops above the box."""
    curves: list[str] = []
    labels: list[_Label] = []
    top = box.y - box.height / 2 - 4
    for i, arrow in enumerate(arrows):
        reach = 34 + 16 * i
        x0, x1 = box.x - 30, box.x + 30
        curves.append(
            f"<g><title>{_text(box.name + ' → ' + box.name + ': ' + arrow.title)}</title>"
            f'<path d="M{x0:.1f},{top:.1f} C{x0 - 20:.1f},{top - reach:.1f} '
            f'{x1 + 20:.1f},{top - reach:.1f} {x1:.1f},{top:.1f}" fill="none" '
            f'stroke="{arrow.colour}" stroke-width="1.6"/>'
            + _arrowhead((x1, top), (x1 + 12, top - 20), arrow.colour)
            + "</g>"
        )
        labels.append(_Label(arrow.lines, arrow.colour, [(box.x, top - reach * 0.75)]))
    return curves, labels


def _box(box: _Box) -> str:
    left, top = box.x - BOX_WIDTH / 2, box.y - box.height / 2
    has_home = bool(box.home_of)
    parts = [
        f"<g><title>{_text(box.name)}</title>",
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{BOX_WIDTH}" height="{box.height:.1f}" '
        f'rx="6" fill="{"#f3f7fc" if has_home else "#ffffff"}" stroke="#2b3a4a" '
        f'stroke-width="{1.8 if has_home else 1.2}"/>',
        f'<text x="{box.x:.1f}" y="{top + 20:.1f}" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#1b2733">{_text(_clip(box.name, 24))}</text>',
        f'<text x="{box.x:.1f}" y="{top + 35:.1f}" text-anchor="middle" font-size="10.5" '
        f'fill="#5b6670">{_text(box.kind)}</text>',
    ]
    y = top + 52
    for n, line in enumerate(box.home_of):
        prefix = f'<tspan font-weight="bold">{HOME_PREFIX.strip()}</tspan> ' if n == 0 else ""
        parts.append(
            f'<text x="{left + 9:.1f}" y="{y:.1f}" font-size="10.5" '
            f'fill="#1b2733">{prefix}{_text(line)}</text>'
        )
        y += LINE
    parts.append("</g>")
    return "".join(parts)


def systemmap_svg(doc: Document) -> str:
    """The system map of a document as a self-contained SVG element."""
    boxes, width, height = _layout(doc)
    title = f"System map of {doc.project.name}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="system-map-svg" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" font-family="{FONT}" '
        f'aria-label="{_text(title)}"><title>{_text(title)}</title>'
    )
    if not boxes:
        return (
            head + f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            'font-size="16" fill="#5b6670">No systems yet.</text></svg>'
        )
    by_id = {b.system_id: b for b in boxes}
    index = {b.system_id: i for i, b in enumerate(boxes)}
    pairs: dict[tuple[Key, Key], list[ArrowGroup]] = defaultdict(list)
    for group in systemmap_groups(doc):
        a, b = sorted((group.source_id, group.target_id), key=index.__getitem__)
        pairs[(a, b)].append(group)
    # A busy map gets one-line labels, or the labels would cover the picture.
    lines = sum(
        len(line_set.lines)
        for groups in pairs.values()
        for line_set in _arrows_for_pair(groups, compact=False)
    )
    compact = lines > MAX_MAP_LABEL_LINES
    curves: list[str] = []
    labels: list[_Label] = []
    for (a, b), groups in pairs.items():
        arrows = _arrows_for_pair(groups, compact=compact)
        if a == b:
            more_curves, more_labels = _loops(by_id[a], arrows)
        else:
            more_curves, more_labels = _arrows_between(by_id[a], by_id[b], arrows)
        curves.extend(more_curves)
        labels.extend(more_labels)
    obstacles = [
        (b.x - BOX_WIDTH / 2, b.y - b.height / 2, b.x + BOX_WIDTH / 2, b.y + b.height / 2)
        for b in boxes
    ]
    placed = _place(labels, obstacles, (0.0, 0.0, width, height - 30))
    legend_y = height - 14
    legend = (
        f'<g font-size="11" fill="#3b4650">'
        f'<line x1="16" y1="{legend_y - 4}" x2="46" y2="{legend_y - 4}" stroke="#3b4650" '
        f'stroke-width="1.6"/>'
        + _arrowhead((50, legend_y - 4), (16, legend_y - 4), "#3b4650")
        + f'<text x="58" y="{legend_y}">one way</text>'
        f'<line x1="130" y1="{legend_y - 4}" x2="160" y2="{legend_y - 4}" stroke="#3b4650" '
        f'stroke-width="1.6"/>'
        + _arrowhead((164, legend_y - 4), (130, legend_y - 4), "#3b4650")
        + _arrowhead((126, legend_y - 4), (160, legend_y - 4), "#3b4650")
        + f'<text x="172" y="{legend_y}">both ways</text>'
        f'<text x="250" y="{legend_y}">Label: entity (number of field mappings) · '
        f"⌂ the entity's home system</text></g>"
    )
    if not doc.mappings:
        legend += (
            f'<text x="{width - 16:.0f}" y="{legend_y}" text-anchor="end" font-size="11" '
            'fill="#5b6670">No field mappings yet.</text>'
        )
    drawing = "".join(curves) + "".join(_box(b) for b in boxes) + "".join(placed)
    return head + drawing + legend + "</svg>"
