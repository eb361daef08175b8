"""Where things go on the system map: the boxes on their ellipse, and the arrow labels.

Pure geometry, no SVG. Systems are boxes on an ellipse, in name order, so the same
blueprint always gives the same drawing; each box is as tall as the longest "Home of"
list needs. Labels are placed greedily where they cover the least of the boxes and of
each other.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from blueprint.document import Document, Key, SystemDoc
from blueprint.models import System

BOX_WIDTH = 184
LINE = 14
LABEL_LINE = 13
HOME_PREFIX = "⌂ Home of: "

Rect = tuple[float, float, float, float]  # left, top, right, bottom


def clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def systems_in_order(doc: Document) -> list[SystemDoc]:
    return sorted(doc.systems, key=lambda s: (s.name.lower(), str(s.id)))


@dataclass(frozen=True)
class Box:
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

    @property
    def rect(self) -> Rect:
        return (
            self.x - BOX_WIDTH / 2,
            self.y - self.height / 2,
            self.x + BOX_WIDTH / 2,
            self.y + self.height / 2,
        )


def kind_label(value: str) -> str:
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
        piece = clip(name, limit)
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


def box_layout(doc: Document) -> tuple[list[Box], float, float]:
    """The boxes, in map order, and the width and height of the canvas."""
    systems = systems_in_order(doc)
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
        Box(
            system_id=s.id,
            name=s.name,
            kind=kind_label(s.kind),
            home_of=tuple(wrapped[s.id]),
            x=x,
            y=y,
            height=height,
        )
        for s, (x, y) in zip(systems, points, strict=True)
    ]
    return boxes, width, canvas_h


def curve_point(
    p0: tuple[float, float], c: tuple[float, float], p2: tuple[float, float], t: float
) -> tuple[float, float]:
    """The point at t on the quadratic curve p0-c-p2."""
    return (
        (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t**2 * p2[0],
        (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t**2 * p2[1],
    )


@dataclass
class Label:
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


def labels_place(labels: list[Label], obstacles: list[Rect], canvas: Rect) -> list[Rect]:
    """Put each label where it covers the least of the boxes and the labels placed so far.

    Greedy and deterministic: candidates are tried in order, the first with the least
    overlap wins. One rect per label, in the same order.
    """
    placed: list[Rect] = []
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
        placed.append(best[1])
    return placed
