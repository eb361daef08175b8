"""Drawing the system map: boxes, curves, arrowheads, labels and legend, as SVG text.

Drawn by the app itself (no external service, no script). Every piece of user text goes
through `_text`, which escapes it for SVG content and attribute values alike.
"""

from __future__ import annotations

import math
import re
from html import escape

from blueprint.document import Document
from blueprint.systemmap.arrows import Arrow, arrows_by_pair
from blueprint.systemmap.layout import (
    BOX_WIDTH,
    HOME_PREFIX,
    LABEL_LINE,
    LINE,
    Box,
    Label,
    Rect,
    box_layout,
    clip,
    curve_point,
    labels_place,
)

ARROW_SPACING = 30
FONT = "Liberation Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """User text made safe for SVG content and attribute values (also as standalone XML)."""
    return escape(_CONTROL_CHARS.sub("", value), quote=True)


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


def _label_svg(label: Label, rect: Rect) -> str:
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


def _arrows_between(a: Box, b: Box, arrows: list[Arrow]) -> tuple[list[str], list[Label]]:
    """Curves for every arrow between a and b, and their labels (placed later)."""
    curves: list[str] = []
    labels: list[Label] = []
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
        points = [curve_point(p0, c, p2, t) for t in ts]
        # Then the same places a little to either side of the curve.
        for shift in (16.0, -16.0, 32.0, -32.0):
            points += [(x + nx * shift, y + ny * shift) for x, y in points[:16]]
        labels.append(Label(arrow.lines, arrow.colour, points))
    return curves, labels


def _loops(box: Box, arrows: list[Arrow]) -> tuple[list[str], list[Label]]:
    """Mappings from a system to itself: small loops above the box."""
    curves: list[str] = []
    labels: list[Label] = []
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
        labels.append(Label(arrow.lines, arrow.colour, [(box.x, top - reach * 0.75)]))
    return curves, labels


def _box(box: Box) -> str:
    left, top = box.x - BOX_WIDTH / 2, box.y - box.height / 2
    has_home = bool(box.home_of)
    parts = [
        f"<g><title>{_text(box.name)}</title>",
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{BOX_WIDTH}" height="{box.height:.1f}" '
        f'rx="6" fill="{"#f3f7fc" if has_home else "#ffffff"}" stroke="#2b3a4a" '
        f'stroke-width="{1.8 if has_home else 1.2}"/>',
        f'<text x="{box.x:.1f}" y="{top + 20:.1f}" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#1b2733">{_text(clip(box.name, 24))}</text>',
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


def _legend(width: float, legend_y: float, *, no_mappings: bool) -> str:
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
    if no_mappings:
        legend += (
            f'<text x="{width - 16:.0f}" y="{legend_y}" text-anchor="end" font-size="11" '
            'fill="#5b6670">No field mappings yet.</text>'
        )
    return legend


def systemmap_svg(doc: Document) -> str:
    """The system map of a document as a self-contained SVG element."""
    boxes, width, height = box_layout(doc)
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
    curves: list[str] = []
    labels: list[Label] = []
    for (a, b), arrows in arrows_by_pair(doc).items():
        if a == b:
            more_curves, more_labels = _loops(by_id[a], arrows)
        else:
            more_curves, more_labels = _arrows_between(by_id[a], by_id[b], arrows)
        curves.extend(more_curves)
        labels.extend(more_labels)
    rects = labels_place(labels, [b.rect for b in boxes], (0.0, 0.0, width, height - 30))
    placed = [_label_svg(label, rect) for label, rect in zip(labels, rects, strict=True)]
    legend = _legend(width, height - 14, no_mappings=not doc.mappings)
    drawing = "".join(curves) + "".join(_box(b) for b in boxes) + "".join(placed)
    return head + drawing + legend + "</svg>"
