"""The system map: a picture of a document's systems and the field mappings between them.

A pure function of a `Document` that returns an SVG string, drawn by the app itself (no
external service, no script), so the browser overview and the vendor PDF show the same
picture. Systems are boxes on an ellipse, in name order, so the same blueprint always
gives the same drawing. Field mappings are grouped per source → target system and
entity: one arrow per group, labelled with the entity and the number of mappings, with a
head at both ends when the mappings are bidirectional. Each box lists the entities whose
home system it is. Every piece of user text is escaped.

- `layout`: where the boxes go, and where each arrow's label fits best (geometry only);
- `arrows`: which arrows there are, grouped from the field mappings, with their labels;
- `svg`: drawing it all as SVG, escaping every piece of user text;
- `mermaid`: the same boxes and arrows as a Mermaid flowchart, for the vendor bundle.
"""

from blueprint.systemmap.arrows import (
    BUSY_COLOUR,
    ENTITY_ARROWS_PER_PAIR,
    MAX_LABEL_LINES,
    MAX_MAP_LABEL_LINES,
    NO_ENTITY_COLOUR,
    PALETTE,
    ArrowGroup,
    Flow,
    systemmap_flows,
    systemmap_groups,
)
from blueprint.systemmap.layout import BOX_WIDTH, HOME_PREFIX, LABEL_LINE, LINE, Rect
from blueprint.systemmap.mermaid import mermaid_label, systemmap_mermaid
from blueprint.systemmap.svg import ARROW_SPACING, FONT, systemmap_svg

__all__ = [
    "ARROW_SPACING",
    "BOX_WIDTH",
    "BUSY_COLOUR",
    "ENTITY_ARROWS_PER_PAIR",
    "FONT",
    "HOME_PREFIX",
    "LABEL_LINE",
    "LINE",
    "MAX_LABEL_LINES",
    "MAX_MAP_LABEL_LINES",
    "NO_ENTITY_COLOUR",
    "PALETTE",
    "ArrowGroup",
    "Flow",
    "Rect",
    "mermaid_label",
    "systemmap_flows",
    "systemmap_groups",
    "systemmap_mermaid",
    "systemmap_svg",
]
