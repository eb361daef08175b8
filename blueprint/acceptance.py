"""Acceptance tests from the blueprint: one Gherkin feature per scenario and per
exception rule, built from the document and checked with the official Gherkin parser."""

from __future__ import annotations

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner


def gherkin_error(text: str) -> str | None:
    """Why the official parser refuses this text as a feature, or None when it reads it."""
    try:
        parsed = Parser().parse(TokenScanner(text))
    except CompositeParserException as exc:
        return "; ".join(str(e) for e in exc.errors[:3])
    except ParserException as exc:
        return str(exc)
    if parsed.get("feature") is None:
        return "it has no “Feature:” line."
    if not parsed["feature"].get("children"):
        return "it has no scenario."
    return None
