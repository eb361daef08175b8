"""Reading the HTML the views answer with: where a form shows a field's error."""

from __future__ import annotations

from html import escape


def field_html(body: str, field: str) -> str:
    """The crispy wrapper of one field, up to the next field's wrapper."""
    start = body.index(f'id="div_id_{field}"')
    following = body.find('id="div_id_', start + 1)
    return body[start : following if following != -1 else len(body)]


def assert_error_at(body: str, field: str, message: str) -> None:
    assert escape(message) in field_html(body, field), f"{message!r} not shown at {field}"
