"""Reading the HTML the views answer with, by what it does rather than how it is written.

Attribute order, quoting and whitespace are not behaviour; these helpers parse the answer
so a test can ask which template answered, which element is the root of a partial, what an
element's attributes are, and what text a reader sees.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from django.http import HttpResponse

Attrs = dict[str, str | None]
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
INLINE = frozenset(
    [
        "a",
        "wbr",  # a place a word may wrap: no space in the text
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


def field_html(body: str, field: str) -> str:
    """The crispy wrapper of one field, up to the next field's wrapper."""
    start = body.index(f'id="div_id_{field}"')
    following = body.find('id="div_id_', start + 1)
    return body[start : following if following != -1 else len(body)]


def assert_error_at(body: str, field: str, message: str) -> None:
    assert escape(message) in field_html(body, field), f"{message!r} not shown at {field}"


def is_full_page(response: HttpResponse) -> bool:
    """Whether the answer is a whole page (built on base.html), not one partial of it."""
    return any(t.name == "base.html" for t in response.templates)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, Attrs]] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._break(tag)
        if tag in HEADINGS:
            self._heading = []
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        self._break(tag)
        if tag in HEADINGS and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def _break(self, tag: str) -> None:
        # Cells, paragraphs and the like read as separate words; <strong> inside a sentence
        # does not.
        if tag not in INLINE:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)
            if self._heading is not None:
                self._heading.append(data)


def _parse(body: str) -> _Elements:
    parser = _Elements()
    parser.feed(body)
    parser.close()
    return parser


def elements(body: str, tag: str | None = None, **attrs: str | None) -> list[Attrs]:
    """The attributes of every element (of `tag`) that has all of `attrs`.

    Underscores in keyword names stand for dashes: `hx_target="#rows"` is `hx-target`;
    `class_="empty-row"` asks for that one class among the element's classes.
    A boolean attribute is asked for as `selected=None`.
    """
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}

    def has(found: Attrs, key: str, value: str | None) -> bool:
        if key == "class":
            return value in (found.get("class") or "").split()
        return found.get(key, object()) == value

    return [
        found
        for name, found in _parse(body).elements
        if (tag is None or name == tag) and all(has(found, k, v) for k, v in wanted.items())
    ]


def element(body: str, element_id: str) -> Attrs:
    """The attributes of the one element with this id."""
    found = elements(body, id=element_id)
    assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
    return found[0]


def root(body: str) -> tuple[str, str | None]:
    """The tag and id of an answer's first element: the root of a partial."""
    tag, attrs = _parse(body).elements[0]
    return tag, attrs.get("id")


def root_classes(body: str) -> set[str]:
    """The classes of an answer's first element."""
    return set((_parse(body).elements[0][1].get("class") or "").split())


def headings(body: str) -> list[str]:
    """The text of every heading (h1 to h6), in order."""
    return _parse(body).headings


def oob_ids(body: str) -> set[str | None]:
    """The ids of the elements an answer swaps in out of band."""
    return {a.get("id") for a in elements(body) if a.get("hx-swap-oob") == "true"}


def visible_text(body: str) -> str:
    """The text a reader sees, markup gone and whitespace collapsed to single spaces."""
    return " ".join("".join(_parse(body).text).split())
