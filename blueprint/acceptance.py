"""Acceptance tests from the blueprint: one Gherkin feature per scenario and per
exception rule, built from the document and checked with the official Gherkin parser."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify
from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from blueprint.document import Document, Key
from blueprint.filenames import file_slug
from blueprint.models import Category, ExceptionRule, FieldMapping


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


# --- writing the features ---------------------------------------------------------------

INDENT = "  "
# Lines of free text (a description) must not start with what Gherkin reads as syntax.
_SYNTAX_STARTS = ("#", "@", "|", '"""', "```")


@dataclass(frozen=True)
class Feature:
    """One generated (or edited) feature file and the item it tests."""

    path: str
    text: str
    section: str  # "scenarios" or "exceptions"
    item_id: Key
    title: str
    edited: bool


def one_line(text: str) -> str:
    """Free text as one line of a step: whitespace (newlines too) collapsed."""
    return " ".join(str(text).split())


def _sentence(text: str) -> str:
    """Free text as the end of a step: one line, without its closing full stop."""
    return one_line(text).rstrip(".")


def _description(text: str) -> list[str]:
    """A story as description lines under the feature: none starts with Gherkin syntax
    or a keyword (it is prefixed when it would)."""
    lines = []
    for line in text.splitlines():
        line = one_line(line)
        if not line:
            continue
        first = line.split(" ", 1)[0].rstrip(":")
        if line.startswith(_SYNTAX_STARTS) or first.casefold() in _KEYWORDS:
            line = f"— {line}"
        lines.append(f"{INDENT}{line}")
    return lines


_KEYWORDS = {
    "feature",
    "background",
    "scenario",
    "example",
    "examples",
    "rule",
    "given",
    "when",
    "then",
    "and",
    "but",
    "*",
    "scenarios",
}


class _Steps:
    """Steps in order: the first of each kind gets its keyword, the rest "And"."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.last = ""

    def add(self, keyword: str, text: str) -> None:
        text = one_line(text)
        if not text:
            return
        shown = "And" if keyword == self.last else keyword
        self.last = keyword
        self.lines.append(f"{INDENT * 2}{shown} {text}")

    def given(self, text: str) -> None:
        self.add("Given", text)

    def when(self, text: str) -> None:
        self.add("When", text)

    def then(self, text: str) -> None:
        self.add("Then", text)

    def complete(self) -> list[str]:
        """Every scenario has a Given, a When and a Then, written honestly when missing."""
        kinds = {line.strip().split(" ", 1)[0] for line in self.lines}
        if not self.lines:
            self.lines.append(f"{INDENT * 2}Given the blueprint does not describe this yet")
        if "When" not in kinds and "Then" not in kinds:
            self.lines.append(f"{INDENT * 2}When it happens")
        if "Then" not in kinds:
            self.lines.append(f"{INDENT * 2}Then the outcome is still to be written down")
        return self.lines


def _article(noun: str) -> str:
    return "an" if noun[:1].casefold() in "aeiou" else "a"


def _tag(text: str) -> str:
    return "@" + (slugify(str(text)) or "item")


def _names(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _conflict(rule: str) -> str:
    return {
        FieldMapping.ConflictRule.SOURCE_WINS: "the source's value wins",
        FieldMapping.ConflictRule.TARGET_WINS: "the target keeps its value",
        FieldMapping.ConflictRule.MOST_RECENT: "the most recent change wins",
        FieldMapping.ConflictRule.MANUAL_REVIEW: "the record goes to manual review",
        FieldMapping.ConflictRule.NEVER_OVERWRITE: "the target's value is never overwritten",
    }.get(rule, "")


def _mapping_steps(doc: Document, steps: _Steps, mapping: Any) -> None:
    source = f"{doc.name_of('systems', mapping.source_system_id)}.{mapping.source_field or '?'}"
    target = f"{doc.name_of('systems', mapping.target_system_id)}.{mapping.target_field or '?'}"
    carried = f"{target} holds the value of {source}"
    if mapping.transformation.strip():
        carried += f" ({_sentence(mapping.transformation)})"
    steps.then(carried)
    if mapping.required:
        steps.then(f"a record without {source} is not sent to {target}")
    if mapping.direction == FieldMapping.Direction.BIDIRECTIONAL:
        steps.then(f"a change of {target} flows back to {source}")
    if rule := _conflict(mapping.conflict_rule):
        steps.then(f"when {source} and {target} both changed, {rule}")


def _answer(scenario: Any, key: str) -> str:
    return one_line(scenario.answers.get(key, ""))


def _story_steps(doc: Document, scenario: Any, steps: _Steps) -> None:
    """Given / When / Then from the category's answers (or the journey's steps)."""
    a = lambda key: _answer(scenario, key)  # noqa: E731 - a short local reader
    category = scenario.category
    if category == Category.CREATION:
        steps.given(
            a("created_first") and f"the record is created first where: {a('created_first')}"
        )
        steps.when(a("trigger") and f"this happens: {a('trigger')}")
        steps.then(a("appears_when") and f"it appears in the other systems: {a('appears_when')}")
        steps.then(a("data_travels") and f"this data travels with it: {a('data_travels')}")
    elif category == Category.UPDATES:
        steps.given(
            a("who_updates") and f"only these systems update these statuses: {a('who_updates')}"
        )
        steps.when("a status changes where it may change")
        steps.then(a("shown_elsewhere") and f"the change shows up: {a('shown_elsewhere')}")
        steps.then(a("triggers_actions") and f"these actions follow: {a('triggers_actions')}")
    elif category == Category.NEGATIVE:
        steps.given(a("recorded_first") and f"the event is recorded first: {a('recorded_first')}")
        steps.when("the event happens")
        steps.then(a("mirrored") and f"it is mirrored: {a('mirrored')}")
        steps.then(a("must_stop") and f"this stops immediately: {a('must_stop')}")
        steps.then(a("should_start") and f"this starts: {a('should_start')}")
    elif category == Category.SUCCESS:
        steps.given(a("defined") and f"success is defined and recorded: {a('defined')}")
        steps.when("a record succeeds")
        steps.then(a("receivers") and f"these systems receive the signal: {a('receivers')}")
        steps.then(a("follow_up") and f"these follow-up actions happen: {a('follow_up')}")
    elif category == Category.JOURNEY:
        journey = doc.children_of("steps", "scenario_id", scenario.id)
        for index, step in enumerate(journey):
            who = "automation" if step.actor == "automation" else "a person"
            where = doc.name_of("systems", step.system_id) or "a system not named yet"
            text = f"in {where}, {who}: {_sentence(step.description)}"
            if index == 0:
                steps.given(text)
            elif index == 1:
                steps.when(text)
            else:
                steps.then(text)
        steps.then(
            a("status_visibility")
            and f"these systems see the current status: {a('status_visibility')}"
        )


def _subject(doc: Document, scenario: Any | None, mappings: list[Any]) -> tuple[str, str, str, str]:
    """(entity, its identity, the sending system, the receiving system) for an exception's
    Given and When, from the scenario's data and the first mapping it needs."""
    entity = None
    if scenario is not None:
        for key in scenario.entity_ids:
            entity = doc.get("entities", key)
            break
    mapping = mappings[0] if mappings else None
    if entity is None and mapping is not None:
        attribute = doc.get("attributes", mapping.attribute_id)
        entity = doc.get("entities", attribute.entity_id) if attribute else None
    name = entity.name.lower() if entity is not None else "record"
    identity = (
        _names(
            [
                a.name.lower()
                for k in entity.identity_attribute_ids
                if (a := doc.get("attributes", k))
            ]
        )
        if entity is not None
        else ""
    )
    source = doc.name_of("systems", mapping.source_system_id) if mapping else "the source system"
    target = doc.name_of("systems", mapping.target_system_id) if mapping else "the target system"
    return name, identity or "identity", source, target


def _exception_steps(
    doc: Document, rule: Any, steps: _Steps, subject: tuple[str, str, str, str]
) -> None:
    entity, identity, source, target = subject
    article = _article(entity)
    exists = "exist" if " and " in identity else "exists"
    s = ExceptionRule.Situation
    given = (
        {
            s.UNMATCHED: f"{article} {entity} from {source} that matches no record in {target}",
            s.MISSING_DATA: f"{article} {entity} from {source} without data {target} requires",
            s.ALREADY_EXISTS: f"{article} {entity} whose {identity} already {exists} in {target}",
            s.MULTIPLE_MATCHES: (
                f"{article} {entity} whose {identity} matches several records in {target}"
            ),
            s.REJECTED: f"{target} rejects the payload of {article} {entity} from {source}",
            s.CONFLICTING_AUTOMATIONS: f"two automations act on the same {entity} at once",
        }.get(rule.situation)
        or one_line(rule.situation_other)
        or "a situation not named yet"
    )
    steps.given(given)
    steps.when(f"{source} sends it" if rule.situation != s.CONFLICTING_AUTOMATIONS else "both run")
    if rule.auto_log:
        steps.then("the integration logs it")
    if rule.auto_alert:
        steps.then("someone is alerted")
    if rule.auto_review_queue:
        steps.then("it goes to the review queue")
    if rule.auto_retry:
        policy = f" ({_sentence(rule.retry_policy)})" if rule.retry_policy.strip() else ""
        steps.then(f"it is retried{policy}")
    if rule.auto_fail:
        steps.then("the sync stops or the record is dropped")
    if rule.manual_handling.strip():
        steps.then(f"by hand: {_sentence(rule.manual_handling)}")
    if rule.manual_owner.strip():
        steps.then(f"{one_line(rule.manual_owner)} handles it")
    if rule.tracking.strip():
        steps.then(f"it is tracked: {_sentence(rule.tracking)}")


def _scenario_block(title: str, steps: _Steps, tags: list[str] = ()) -> list[str]:
    lines = [""]
    if tags:
        lines.append(INDENT + " ".join(tags))
    lines.append(f"{INDENT}Scenario: {one_line(title)}")
    return lines + steps.complete()


def scenario_feature_text(doc: Document, scenario: Any) -> str:
    """The generated acceptance test of one scenario (its edited text aside)."""
    from blueprint.trace import scenario_trace

    trace = scenario_trace(doc, scenario)
    lines = [
        f"{_tag(scenario.category)} {_tag(f'scenario-{scenario.id}')}",
        f"Feature: {one_line(scenario.title)}",
        *_description(scenario.narrative),
    ]
    systems = [s.name for s in trace.systems]
    if systems:
        lines += [
            "",
            f"{INDENT}Background:",
            f"{INDENT * 2}Given {_names(systems)} are connected by the integration",
        ]
    story = _Steps()
    _story_steps(doc, scenario, story)
    lines += _scenario_block(f"{scenario.title}: what the business expects", story)
    # The data it moves: one scenario per pair of systems, in the sheet's order.
    pairs: dict[tuple[Key, Key], list[Any]] = {}
    for mapping in trace.mappings:
        pairs.setdefault((mapping.source_system_id, mapping.target_system_id), []).append(mapping)
    for (source, target), mappings in pairs.items():
        carried = _Steps()
        entity = _subject(doc, scenario, mappings)[0]
        source_name, target_name = doc.name_of("systems", source), doc.name_of("systems", target)
        carried.given(f"{_article(entity)} {entity} in {source_name}")
        carried.when(f"{source_name} sends it to {target_name}")
        for mapping in mappings:
            _mapping_steps(doc, carried, mapping)
        lines += _scenario_block(f"{scenario.title}: from {source_name} to {target_name}", carried)
    for rule in trace.exceptions:
        steps = _Steps()
        _exception_steps(doc, rule, steps, _subject(doc, scenario, list(trace.mappings)))
        title = doc.name_of("exceptions", rule.id)
        lines += _scenario_block(f"Exception: {title}", steps, [_tag(f"exception-{rule.id}")])
    return "\n".join(lines) + "\n"


def exception_feature_text(doc: Document, rule: Any) -> str:
    """The generated acceptance test of one exception rule: one scenario per business
    scenario it applies to, or one for the rule on its own."""
    from blueprint.trace import scenario_trace

    title = doc.name_of("exceptions", rule.id)
    lines = [
        f"{_tag('exception')} {_tag(f'exception-{rule.id}')}",
        f"Feature: Exception: {one_line(title)}",
    ]
    scenarios = [s for s in doc.scenarios if s.id in rule.scenario_ids]
    if not scenarios:
        steps = _Steps()
        _exception_steps(doc, rule, steps, _subject(doc, None, list(doc.mappings[:1])))
        lines += _scenario_block(title, steps)
    for scenario in sorted(scenarios, key=lambda s: s.title.lower()):
        trace = scenario_trace(doc, scenario)
        steps = _Steps()
        _exception_steps(doc, rule, steps, _subject(doc, scenario, list(trace.mappings)))
        lines += _scenario_block(
            f"{title}, in {scenario.title}", steps, [_tag(f"scenario-{scenario.id}")]
        )
    return "\n".join(lines) + "\n"


# What a test is written for: document section -> (folder, a file's name when its item's
# has none, how the test is written).
_WRITTEN: dict[str, tuple[str, str, Callable[[Document, Any], str]]] = {
    "scenarios": ("scenarios", "scenario", scenario_feature_text),
    "exceptions": ("exceptions", "exception", exception_feature_text),
}


def _title(doc: Document, section: str, item: Any) -> str:
    if section == "scenarios":
        return item.title
    return f"Exception: {doc.name_of('exceptions', item.id)}"


def acceptance_feature(
    doc: Document, section: str, item: Any, *, taken: set[str] | None = None
) -> Feature:
    """One item's feature: the people's edited text where they edited it, else the one
    written from the document. `taken` keeps file names unique within a plan."""
    folder, fallback, write = _WRITTEN[section]
    edited = bool(item.acceptance_text.strip())
    text = item.acceptance_text if edited else write(doc, item)
    title = _title(doc, section, item)
    name = item.title if section == "scenarios" else doc.name_of("exceptions", item.id)
    stem = file_slug(name, set() if taken is None else taken, fallback)
    return Feature(
        path=f"features/{folder}/{stem}.feature",
        text=text if text.endswith("\n") else text + "\n",
        section=section,
        item_id=item.id,
        title=title,
        edited=edited,
    )


def acceptance_features(doc: Document) -> list[Feature]:
    """Every feature of the acceptance test plan: each scenario's, then each exception
    rule's; the people's edited text where they edited it."""
    taken: set[str] = set()
    scenarios = sorted(doc.scenarios, key=lambda s: (s.category, s.title.lower(), str(s.id)))
    rules = sorted(doc.exceptions, key=lambda x: (x.situation, str(x.id)))
    return [acceptance_feature(doc, "scenarios", s, taken=taken) for s in scenarios] + [
        acceptance_feature(doc, "exceptions", r, taken=taken) for r in rules
    ]


def acceptance_zip(doc: Document) -> bytes:
    """Every feature file in one zip, under features/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for feature in acceptance_features(doc):
            archive.writestr(feature.path, feature.text.encode("utf-8"))
    return buffer.getvalue()
