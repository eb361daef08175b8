from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

from blueprint.document import AttributeDoc, Document, EntityDoc, MappingDoc, ProjectDoc, SystemDoc
from blueprint.systemmap import (
    MAX_LABEL_LINES,
    systemmap_flows,
    systemmap_groups,
    systemmap_svg,
)
from tests.blueprint.blueprints import adding, change, ready_document

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The SVG is well-formed XML (so also valid as a standalone image)."""
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]


def boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """The system boxes (rects with a 6 radius), as (left, top, right, bottom)."""
    rects = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("rx") == "6"]
    return [
        (
            float(r.get("x")),
            float(r.get("y")),
            float(r.get("x")) + float(r.get("width")),
            float(r.get("y")) + float(r.get("height")),
        )
        for r in rects
    ]


def big_document(systems: int = 10, entities: int = 40) -> Document:
    sys_docs = tuple(SystemDoc(id=f"s{i}", name=f"System number {i}") for i in range(systems))
    ent_docs = tuple(
        EntityDoc(id=f"e{i}", name=f"Entity {i}", home_system_id=f"s{i % systems}")
        for i in range(entities)
    )
    return Document(project=ProjectDoc(name="Big"), systems=sys_docs, entities=ent_docs)


def spread(doc: Document, *, pairs: list[tuple[str, str]], per_pair: int = 10) -> Document:
    """Mappings for `per_pair` entities (one mapping each) between each pair of systems."""
    n = len(doc.entities)
    attributes = tuple(
        AttributeDoc(id=f"a{i}", entity_id=f"e{i}", name=f"Field {i}") for i in range(n)
    )
    mappings = tuple(
        MappingDoc(
            id=f"m{p}-{k}",
            source_system_id=source,
            target_system_id=target,
            attribute_id=f"a{(p + k) % n}",
        )
        for p, (source, target) in enumerate(pairs)
        for k in range(per_pair)
    )
    return dataclasses.replace(doc, attributes=attributes, mappings=mappings)


class TestGroups:
    def test_mappings_are_grouped_per_systems_and_entity(self) -> None:
        groups = {
            (g.source_id, g.target_id, g.entity): g.count
            for g in systemmap_groups(ready_document())
        }
        assert groups[("crm", "erp", "Customer")] == 3
        assert groups[("crm", "erp", "Deal")] == 4
        assert groups[("erp", "crm", "Invoice")] == 2
        assert groups[("marketing", "crm", "Customer")] == 1
        assert sum(groups.values()) == len(ready_document().mappings)

    def test_bidirectional_mappings_share_one_double_headed_arrow(self) -> None:
        doc = change(ready_document(), "mappings", "map_email_erp", direction="bidirectional")
        doc = adding(
            doc,
            "mappings",
            MappingDoc(
                id="back",
                source_system_id="erp",
                target_system_id="crm",
                direction="bidirectional",
                attribute_id="customer_email",
            ),
        )
        both = [g for g in systemmap_groups(doc) if g.bidirectional]
        assert [(g.entity, g.count) for g in both] == [("Customer", 2)]
        svg = systemmap_svg(doc)
        arrow = next(
            g
            for g in parse(svg).iter(f"{SVG}g")
            if "⇄" in "".join(t.text or "" for t in g.iter(f"{SVG}title"))
        )
        assert len(list(arrow.iter(f"{SVG}polygon"))) == 2

    def test_one_way_arrows_have_one_head(self) -> None:
        svg = systemmap_svg(ready_document())
        arrows = [
            g
            for g in parse(svg).iter(f"{SVG}g")
            if "→" in "".join(t.text or "" for t in g.iter(f"{SVG}title"))
        ]
        assert arrows and all(len(list(a.iter(f"{SVG}polygon"))) == 1 for a in arrows)

    def test_mappings_without_an_attribute_are_drawn_too(self) -> None:
        doc = adding(
            ready_document(),
            "mappings",
            MappingDoc(id="loose", source_system_id="support", target_system_id="crm"),
        )
        assert "no entity (1)" in texts(systemmap_svg(doc))


class TestDrawing:
    def test_every_system_is_a_box_with_its_home_entities(self) -> None:
        labels = texts(systemmap_svg(ready_document()))
        for name in ("Sales CRM", "Finance ERP", "Support desk", "Marketing platform"):
            assert name in labels
        assert "⌂ Home of: Customer, Deal" in labels
        assert "⌂ Home of: Invoice" in labels
        assert "Deal (4)" in labels and "Invoice (2)" in labels

    def test_ten_systems_do_not_overlap(self) -> None:
        rects = boxes(systemmap_svg(big_document()))
        assert len(rects) == 10
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (a, b)

    def test_long_home_lists_are_cut_short_and_counted(self) -> None:
        doc = big_document(systems=2, entities=30)
        lines = [t for t in texts(systemmap_svg(doc)) if "Entity" in t]
        assert len(lines) == 6  # three per box
        assert any(re.search(r"\+ \d+ more$", line) for line in lines)

    def test_a_busy_pair_gets_one_arrow_listing_its_entities(self) -> None:
        doc = spread(big_document(systems=2, entities=10), pairs=[("s0", "s1")])
        svg = systemmap_svg(doc)
        assert len(list(parse(svg).iter(f"{SVG}path"))) == 1
        labels = texts(svg)
        entity_lines = [t for t in labels if re.fullmatch(r"Entity \d+ \(1\)", t)]
        assert len(entity_lines) == MAX_LABEL_LINES - 1
        assert f"+ {10 - MAX_LABEL_LINES + 1} more entities (7)" in labels

    def test_a_busy_map_gets_one_line_labels(self) -> None:
        ring = [(f"s{i}", f"s{(i + k) % 10}") for i in range(10) for k in (1, 2, 3)]
        doc = spread(big_document(), pairs=ring)
        labels = texts(systemmap_svg(doc))
        busy = [t for t in labels if re.fullmatch(r"Entity \d+ \+ \d+ more \(\d+\)", t)]
        assert len(busy) == 30
        assert len(list(parse(systemmap_svg(doc)).iter(f"{SVG}path"))) == 30

    def test_the_flows_say_the_arrows_in_words(self) -> None:
        flows = {(f.source, f.target): f for f in systemmap_flows(ready_document())}
        crm_erp = flows[("Sales CRM", "Finance ERP")]
        assert crm_erp.entities == (("Deal", 4), ("Customer", 3)) and crm_erp.total == 7
        assert not crm_erp.bidirectional

    def test_it_is_deterministic(self) -> None:
        doc = ready_document()
        shuffled = dataclasses.replace(doc, systems=doc.systems[::-1], mappings=doc.mappings[::-1])
        assert systemmap_svg(doc) == systemmap_svg(shuffled)

    def test_no_systems(self) -> None:
        svg = systemmap_svg(Document(project=ProjectDoc(name="Empty")))
        assert "No systems yet." in texts(svg)


class TestEscaping:
    def test_user_text_cannot_become_markup(self) -> None:
        evil = '<script>alert(1)</script>" onload="x'
        doc = change(ready_document(), "systems", "crm", name=evil)
        doc = change(doc, "entities", "deal", name='<img src="file:///etc/passwd">')
        doc = dataclasses.replace(doc, project=ProjectDoc(name='"><foreignObject>'))
        svg = systemmap_svg(doc)
        root = parse(svg)
        assert not list(root.iter(f"{SVG}script"))
        assert not list(root.iter(f"{SVG}img")) and not list(root.iter("img"))
        assert not list(root.iter(f"{SVG}foreignObject"))
        assert not any("onload" in e.attrib for e in root.iter())
        assert any(t.startswith("<script>alert(1)") for t in texts(svg))
        assert any("<img src=" in t for t in texts(svg))

    def test_control_characters_are_dropped(self) -> None:
        doc = change(ready_document(), "systems", "crm", name="Sales\x00\x0bCRM")
        assert "SalesCRM" in texts(systemmap_svg(doc))
