"""What every group of checks shares: the run that collects findings and counts
evaluations, and the helpers that write findings in the workshop's words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from blueprint.document import Document, Key
from blueprint.readiness.catalogue import CHECKS
from blueprint.readiness.findings import Finding


def _q(text: Any) -> str:
    return f"“{text}”"


def _label(choices: type[Any], value: str) -> str:
    """A choice's label, or the raw value for a document written by hand."""
    return dict(choices.choices).get(value, value)


_QUESTION_WORDS = frozenset({"which", "the", "how", "what", "who", "where", "why", "when"})


def _what(model: type[Any], field: str) -> str:
    """A field as what a finding says is not said: "which attribute", "which data"."""
    text = str(model._meta.get_field(field).verbose_name)
    return text if text.split()[0].lower() in _QUESTION_WORDS else f"which {text}"


def _lower(label: str) -> str:
    """A label inside a sentence: "Rate limits" -> "rate limits", "Source record ID" stays ID."""
    return label[:1].lower() + label[1:]


# Words that fill a box without answering it. Compared after lower-casing and dropping
# punctuation and spaces at the ends, so "N/A.", "tbd!" and " ? " all count. "None" and
# "nothing" are real answers ("What must stop? Nothing.") and are not here.
NON_ANSWERS = frozenset(
    {
        "",
        "n/a",
        "n.a",
        "na",
        "n a",
        "not applicable",
        "tbd",
        "tbc",
        "tba",
        "to be decided",
        "to be defined",
        "to be determined",
        "to be confirmed",
        "todo",
        "to do",
        "see above",
        "as above",
        "same as above",
        "see below",
        "ditto",
        "idem",
        "xxx",
        "xx",
        "x",
        "tk",
        "later",
        "fill in later",
        "pending",
        "placeholder",
        "unknown",
        "dunno",
        "idk",
        "don't know",
        "do not know",
        "not sure",
        "?",
    }
)
_NON_ANSWER_EDGES = " \t\r\n.,;:!-–—_*()[]\"'“”‘’"
_FILLER = "?!.-–—_ *x"
# Longer than this (with its punctuation) and a box says more than a placeholder does.
_LONGEST_NON_ANSWER = 2 * max(map(len, NON_ANSWERS)) + 8


def non_answer(text: str | None) -> bool:
    """True for an empty box or one that only says "n/a", "tbd", "see above", "?"..."""
    cleaned = (text or "").strip().casefold()
    if not cleaned.strip(_FILLER):
        return True  # empty, or only "???", "...", "--", "x x x"
    return len(cleaned) <= _LONGEST_NON_ANSWER and cleaned.strip(_NON_ANSWER_EDGES) in NON_ANSWERS


# Every "is it answered?" check goes through here, so a placeholder never passes for
# an answer anywhere in readiness.
_blank = non_answer


# One word of two to five capitals, dots and ampersands allowed, maybe a plural "s":
# "IT", "BA", "CRM", "R&D", "B.A.", "PMs". Mixed-case words ("RevOps", "McKay") are
# not flagged, so that a person's single name or surname never is.
_ACRONYM = re.compile(r"[A-Z](?:[A-Z]|[.&]){1,9}s?")


def is_acronym(text: str) -> bool:
    """True for an owner written as a bare acronym ("IT", "BA"); "CRM team" is fine."""
    text = text.strip()
    if not _ACRONYM.fullmatch(text):
        return False
    letters = [c for c in text.rstrip("s") if c.isalpha()]
    return 2 <= len(letters) <= 5


# A finding's message, or a function that writes it: most checks pass, so the message
# of one that is evaluated thousands of times is only written when it fails.
Message = str | Callable[[], str]


class _Run:
    """Collects findings and counts evaluations while the checks run."""

    def __init__(
        self, doc: Document, *, link_for: Callable[[str, Key | None], str] | None = None
    ) -> None:
        self.doc = doc
        self.link_for = link_for
        self.findings: list[Finding] = []
        self.evaluated: Counter[str] = Counter()

    def check(
        self,
        check: str,
        ok: bool,
        section: str,
        item_id: Key | None,
        message: Message,
        *,
        subject: Key | None = None,
    ) -> bool:
        self.evaluated[check] += 1
        if not ok:
            info = CHECKS[check]
            text = message if isinstance(message, str) else message()
            link = self.link_for(section, item_id) if self.link_for is not None else ""
            self.findings.append(
                Finding(
                    check,
                    info.artifact,
                    info.severity,
                    text,
                    section,
                    item_id,
                    link=link,
                    subject=subject,
                )
            )
        return ok

    def system(self, key: Key | None) -> str:
        return _q(self.doc.name_of("systems", key) or "?")

    def attribute(self, key: Key | None) -> str:
        return _q(self.doc.name_of("attributes", key) or "?")
