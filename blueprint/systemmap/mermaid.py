"""The system map as a Mermaid flowchart: the same boxes and arrows as the SVG, as text
that a vendor's wiki or repository renders itself.

One node per system (its name and kind), one edge per arrow group of `systemmap_groups`
(the entity and how many field mappings carry it; both heads for a bidirectional group).
Node ids are positional (`s1`, `s2`, ...), never user text, and every label is quoted
with Mermaid's entity codes for the characters that would end or change it, so no name
can break out of its label.
"""

from __future__ import annotations

from blueprint.document import Document
from blueprint.systemmap.arrows import systemmap_groups
from blueprint.systemmap.layout import kind_label, systems_in_order

# "#" first: the codes themselves start with it.
_CODES = (
    ("#", "#35;"),
    ('"', "#quot;"),
    ("<", "#lt;"),
    (">", "#gt;"),
    ("`", "#96;"),
    ("|", "#124;"),  # ends an edge's label
)


def mermaid_label(text: str) -> str:
    """Text as a quoted Mermaid label: one line, nothing in it that Mermaid reads."""
    text = " ".join(text.split())
    for char, code in _CODES:
        text = text.replace(char, code)
    return f'"{text}"'


def systemmap_mermaid(doc: Document) -> str:
    systems = systems_in_order(doc)
    node = {s.id: f"s{i}" for i, s in enumerate(systems, start=1)}
    lines = ["flowchart LR"]
    for s in systems:
        lines.append(f"    {node[s.id]}[{mermaid_label(f'{s.name} ({kind_label(s.kind)})')}]")
    for g in systemmap_groups(doc):
        entity = g.entity or "no entity"
        noun = "mapping" if g.count == 1 else "mappings"
        arrow = "<-->" if g.bidirectional else "-->"
        label = mermaid_label(f"{entity}: {g.count} {noun}")
        lines.append(f"    {node[g.source_id]} {arrow}|{label}| {node[g.target_id]}")
    return "\n".join(lines) + "\n"
