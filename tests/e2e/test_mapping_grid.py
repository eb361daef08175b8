"""The field mapping grid in a real browser: a mapping entered by keyboard alone, cells
edited in place, ticked rows changed together, 40 rows pasted from a spreadsheet's
clipboard, and 25+ rows on a 1440x900 screen."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from blueprint.membership import project_create
from blueprint.models import FieldMapping, Project, Role, System
from tests.e2e.conftest import TIMEOUT_MS, login, quiet_close
from tests.e2e.workshop import second_browser
from tests.factories import (
    PASSWORD,
    FieldMappingFactory,
    MembershipFactory,
    SystemFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

EMAIL = "grid.lead@example.com"
OTHER = "grid.other@example.com"


@pytest.fixture
def sheet(transactional_db) -> Project:
    user = UserFactory(email=EMAIL, display_name="Grace")
    project = project_create(user=user, name="Grid")
    other = UserFactory(email=OTHER, display_name="Omar")
    MembershipFactory(project=project, user=other, role=Role.CONTRIBUTOR)
    crm = SystemFactory(project=project, name="Salesforce")
    erp = SystemFactory(project=project, name="NetSuite", kind=System.Kind.ERP)
    FieldMappingFactory(
        project=project,
        source_system=crm,
        source_field="Account.Name",
        target_system=erp,
        target_field="companyname",
        transformation="Copied.",
    )
    return project


def open_grid(page: Page, live_server, project: Project) -> None:
    login(page, live_server, EMAIL, PASSWORD)
    page.goto(live_server.url + reverse("blueprint:mappings", args=[project.pk]))
    expect(page.locator("#mapping-table")).to_be_visible()


def focused(page: Page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.name || (e.dataset && e.dataset.field) || e.id || e.tagName; })()"
    )


def test_a_mapping_entered_by_keyboard_alone(page: Page, live_server, sheet: Project) -> None:
    open_grid(page, live_server, sheet)
    # Tab from the top of the page: the grid is one stop, then the new row.
    for _ in range(80):
        page.keyboard.press("Tab")
        if focused(page) == "new-source_field":
            break
    assert focused(page) == "new-source_field"

    started = time.monotonic()
    # The systems, conflict rule and direction come preset from the row before.
    page.keyboard.type("Account.Industry")
    page.keyboard.press("Tab")
    assert focused(page) == "new-target_system"
    page.keyboard.press("Tab")
    page.keyboard.type("industry")
    page.keyboard.press("Tab")
    page.keyboard.type("Picklist value to the NetSuite list")
    page.keyboard.press("Enter")
    added = page.locator("#mapping-rows tr.grid-row", has_text="Account.Industry")
    expect(added).to_be_visible()
    assert time.monotonic() - started < 15
    expect(page.locator("#mapping-new input[name=new-source_field]")).to_be_focused()
    expect(page.locator("#mapping-new input[name=new-source_field]")).to_have_value("")
    mapping = FieldMapping.objects.get(project=sheet, source_field="Account.Industry")
    assert mapping.source_system.name == "Salesforce" and mapping.target_field == "industry"
    assert mapping.conflict_rule == "source_wins" and mapping.direction == "one_way"

    # Up from the new row into the sheet; Enter edits a cell, Enter saves it.
    page.keyboard.press("ArrowUp")
    assert focused(page) == "source_field"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert focused(page) == "target_field"
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.type("_code")
    page.keyboard.press("Enter")
    expect(added.locator("td[data-field=target_field]")).to_have_attribute(
        "data-value", "industry_code"
    )
    # Typing on a cell replaces it; Escape cancels that.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("Thrown away")
    page.keyboard.press("Escape")
    assert focused(page) == "transformation"
    # A choice cell: Enter opens its list, the arrows choose, Tab saves and moves right.
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    assert focused(page) == "conflict_rule"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused(page) == "direction"
    expect(added.locator("td[data-field=conflict_rule]")).to_have_attribute(
        "data-value", "target_wins"
    )
    mapping.refresh_from_db()
    assert mapping.target_field == "industry_code" and mapping.conflict_rule == "target_wins"
    assert mapping.transformation == "Picklist value to the NetSuite list"

    # A refused value stays visible at its cell with the reason; Enter brings it back.
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert focused(page) == "source_field"
    page.keyboard.press("Delete")
    cell = added.locator("td[data-field=source_field]")
    expect(cell.locator(".cell-error")).to_contain_text("Write the field name")
    expect(cell).to_have_attribute("data-value", "Account.Industry")
    mapping.refresh_from_db()
    assert mapping.source_field == "Account.Industry"


def spreadsheet_rows(count: int) -> str:
    """Rows as Excel or Google Sheets put them on the clipboard: tab-separated, CRLF, a
    cell with a line break in quotes. Columns from Source field to Sync direction."""
    lines = []
    for n in range(count):
        rule = '"Trimmed;\nupper-cased"' if n % 10 == 0 else "Copied."
        required = "yes" if n % 2 else "no"
        lines.append(
            f"Custom_{n}__c\tNetSuite\tcustentity_{n}\t{rule}\t{required}\tTarget wins\tOne-way"
        )
    return "\r\n".join(lines) + "\r\n"


def paste_into(page: Page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const target = document.querySelector(selector);
            const data = new DataTransfer();
            data.setData("text/plain", text);
            data.setData("text/html", "<table><tr><td>copied</td></tr></table>");
            target.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [selector, text],
    )


def test_forty_rows_pasted_from_a_spreadsheet(page: Page, live_server, sheet: Project) -> None:
    open_grid(page, live_server, sheet)
    first = page.locator("#mapping-rows tr.grid-row").first
    first.locator("td[data-field=source_field]").click()
    paste_into(
        page,
        "#mapping-rows tr.grid-row:first-child td[data-field=source_field]",
        spreadsheet_rows(40),
    )
    expect(page.locator("#mapping-rows tr.grid-row")).to_have_count(41)
    expect(page.locator("#toasts")).to_contain_text("40 mappings created from the pasted rows.")
    pasted = FieldMapping.objects.filter(project=sheet, source_field__startswith="Custom_")
    assert pasted.count() == 40
    assert {m.source_system.name for m in pasted} == {"Salesforce"}  # from the new row
    assert {m.conflict_rule for m in pasted} == {"target_wins"}
    assert pasted.get(source_field="Custom_10__c").transformation == "Trimmed;\nupper-cased"
    assert pasted.get(source_field="Custom_3__c").required is True

    # Rows with problems: nothing is created, each problem is listed by its row.
    bad = "Custom_0__c\tNetSuite\tcustentity_0\r\nOther__c\tNoSuchSystem\tx\r\n"
    paste_into(page, "#mapping-rows tr.grid-row:first-child td[data-field=source_field]", bad)
    panel = page.locator("#mapping-paste")
    expect(panel.locator(".alert")).to_contain_text("Nothing was created: 2 problems")
    expect(panel).to_contain_text("Row 1, Target field (pasted column C)")
    expect(panel).to_contain_text("Row 2, Target system (pasted column B)")
    expect(panel.locator("textarea")).to_have_value(bad.replace("\r\n", "\n"))
    # Fixed in place and sent again.
    panel.locator("textarea").fill("Other__c\tNetSuite\tother\n")
    panel.get_by_label("First pasted column").select_option(label="Source field")
    panel.get_by_role("button", name="Create the rows").click()
    expect(page.locator("#mapping-rows tr.grid-row")).to_have_count(42)
    assert FieldMapping.objects.filter(project=sheet).count() == 42


def test_ticked_rows_change_together(page: Page, live_server, sheet: Project) -> None:
    erp = System.objects.get(project=sheet, name="NetSuite")
    crm = System.objects.get(project=sheet, name="Salesforce")
    for name in ("Phone", "Email"):
        FieldMappingFactory(project=sheet, source_system=crm, source_field=name, target_system=erp)
    open_grid(page, live_server, sheet)
    rows = page.locator("#mapping-rows tr.grid-row")
    # Space on a row's tick box ticks it; the toolbar counts.
    rows.nth(0).locator("td[data-field=source_system]").click()
    page.keyboard.press("Home")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator("#mapping-picked")).to_have_text("2 ticked rows:")
    page.get_by_label("conflict rule", exact=True).select_option(label="Manual review")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#toasts")).to_contain_text("set on 2 mappings")
    expect(rows.nth(0).locator("td[data-field=conflict_rule]")).to_have_text("Manual review")
    expect(rows.nth(1).locator("td[data-field=conflict_rule]")).to_have_text("Manual review")
    expect(rows.nth(2).locator("td[data-field=conflict_rule]")).not_to_have_text("Manual review")
    # The ticks stay for a second change.
    expect(rows.nth(0).locator("td.pick input")).to_be_checked()
    assert FieldMapping.objects.filter(project=sheet, conflict_rule="manual_review").count() == 2


def test_twenty_five_rows_and_more_on_a_1440_by_900_screen(
    browser: Browser, live_server, sheet: Project
) -> None:
    erp = System.objects.get(project=sheet, name="NetSuite")
    crm = System.objects.get(project=sheet, name="Salesforce")
    names = ["Account.Industry", "Opportunity.StageName", "Contact.Email", "Lead.Status"]
    for n in range(60):
        FieldMappingFactory(
            project=sheet,
            source_system=crm,
            source_field=f"{names[n % 4]}{n}",
            target_system=erp,
            target_field=f"custentity_field_{n}",
            transformation="Copied; trimmed and upper-cased on the way to the ERP.",
        )
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_grid(page, live_server, sheet)
        # Rows wholly in view on the screen as the page opens: inside the window and
        # inside the sheet's scrolling area, between its header and its new row.
        visible = page.evaluate(
            """() => {
              const area = document.querySelector('.mapping-sheet-scroll').getBoundingClientRect();
              const head = document.querySelector('#mapping-table thead').getBoundingClientRect();
              const foot = document.querySelector('#mapping-table tfoot').getBoundingClientRect();
              const top = Math.max(0, area.top, head.bottom);
              const bottom = Math.min(window.innerHeight, area.bottom, foot.top);
              return [...document.querySelectorAll('#mapping-rows tr.grid-row')].filter(r => {
                const box = r.getBoundingClientRect();
                return box.top >= top - 1 && box.bottom <= bottom + 1; }).length; }"""
        )
        heights = page.evaluate(
            "[...document.querySelectorAll('#mapping-rows tr.grid-row')]"
            ".map(r => r.getBoundingClientRect().height)"
        )
        assert visible >= 25, visible
        assert max(heights) < 30, max(heights)  # one line a mapping
        # The header stays in view while the sheet scrolls inside its own area.
        page.locator(".mapping-sheet-scroll").evaluate("s => s.scrollTop = 600")
        header = page.locator("#mapping-table thead th").nth(2).bounding_box()
        box = page.locator(".mapping-sheet-scroll").bounding_box()
        assert header and box and abs(header["y"] - box["y"]) < 2
    finally:
        quiet_close(context)


def test_someone_elses_change_to_a_row_leaves_the_cell_being_edited_alone(
    page: Page, browser: Browser, live_server, sheet: Project
) -> None:
    mapping = FieldMapping.objects.get(project=sheet)
    open_grid(page, live_server, sheet)
    row = page.locator(f"#mapping-{mapping.pk}")
    row.locator("td[data-field=transformation]").click()
    page.keyboard.press("Enter")
    page.keyboard.type(" Then trimmed.")
    with second_browser(browser) as other:
        login(other, live_server, OTHER, PASSWORD)
        other.goto(live_server.url + reverse("blueprint:mappings", args=[sheet.pk]))
        theirs = other.locator(f"#mapping-{mapping.pk} td[data-field=target_field]")
        theirs.click()
        other.keyboard.type("company_name")
        other.keyboard.press("Enter")
        expect(theirs).to_have_attribute("data-value", "company_name")
        # Within the feed's few seconds, the change reaches this page, but the editor
        # (and its typing) stays.
        expect(row.locator("td[data-field=target_field]")).to_have_attribute(
            "data-value", "company_name", timeout=8_000
        )
        editor = row.locator(".cell-editor")
        expect(editor).to_have_value("Copied. Then trimmed.")
        expect(editor).to_be_focused()
        page.keyboard.press("Enter")
    expect(row.locator("td[data-field=transformation]")).to_have_attribute(
        "data-value", "Copied. Then trimmed."
    )
    mapping.refresh_from_db()
    assert (
        mapping.transformation == "Copied. Then trimmed." and mapping.target_field == "company_name"
    )


def test_a_rule_of_several_lines_keeps_its_line_breaks(
    page: Page, live_server, sheet: Project
) -> None:
    mapping = FieldMapping.objects.get(project=sheet)
    FieldMapping.objects.filter(pk=mapping.pk).update(transformation="Trimmed.\nUpper-cased.")
    open_grid(page, live_server, sheet)
    cell = page.locator(f"#mapping-{mapping.pk} td[data-field=transformation]")
    cell.click()
    page.keyboard.press("Enter")
    editor = cell.locator("textarea.cell-editor")
    expect(editor).to_have_value("Trimmed.\nUpper-cased.")
    page.keyboard.press("End")
    page.keyboard.press("Alt+Enter")
    page.keyboard.type("Cut to 40 characters.")
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-value", "Trimmed.\nUpper-cased.\nCut to 40 characters.")
    mapping.refresh_from_db()
    # A browser sends a text box's line breaks as CRLF, as from the whole form.
    assert mapping.transformation.replace("\r\n", "\n") == (
        "Trimmed.\nUpper-cased.\nCut to 40 characters."
    )
