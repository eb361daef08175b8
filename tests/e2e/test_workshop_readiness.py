"""Readiness follows the workshop: badges change as people save, findings lead to the fix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from blueprint.models import Attribute, Project
from tests.e2e.workshop import (
    FACILITATOR,
    action,
    assert_no_reload,
    nav_badge,
    ready_project,
    shot,
    sign_in_and_open,
)

pytestmark = pytest.mark.e2e

FINDING = "Attribute “Product” of “Deal” has no source of truth"


@pytest.fixture
def project(transactional_db) -> Project:
    return ready_project()


def test_removing_a_source_of_truth_turns_the_badge_and_the_finding_leads_back(
    page: Page, live_server, project: Project
):
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{project.pk}/data-model/")
    badge = nav_badge(page, "2. Data mapping")
    expect(badge).to_have_text(re.compile(r"^✓"))
    expect(nav_badge(page, "1. Business scenarios")).to_have_text(re.compile(r"^✓"))

    action(page, "Edit Deal · Product").click()
    form = page.locator("form.item-edit-form")
    form.get_by_label("Source of truth").select_option(value="")
    form.get_by_role("button", name="Save").click()

    attribute = Attribute.objects.get(project=project, entity__name="Deal", name="Product")
    row = page.locator(f"#attribute-{attribute.pk}")
    expect(row).to_contain_text("No source of truth yet")
    # The badge turns from ✓ into the number of blocking findings, without a reload.
    expect(badge).to_have_text(re.compile(r"^\d+"))
    expect(badge).to_have_text(re.compile(r"blocking finding"))
    expect(nav_badge(page, "1. Business scenarios")).to_have_text(re.compile(r"^✓"))
    shot(page, "05-badge-after-change")
    assert_no_reload(page)
    attribute.refresh_from_db()
    assert attribute.source_of_truth is None

    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Readiness"
    ).click()
    expect(page.get_by_role("heading", name="Readiness", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Not ready: \d+ blocking"))).to_be_visible()
    mapping = page.get_by_role("region", name="Data mapping")
    finding = mapping.get_by_role("link", name=FINDING)
    expect(finding).to_be_visible()
    shot(page, "06-readiness-finding")

    finding.click()
    expect(page).to_have_url(re.compile(rf"/p/{project.pk}/data-model/#attribute-{attribute.pk}$"))
    target = page.locator(f"#attribute-{attribute.pk}")
    expect(target).to_be_in_viewport()
    expect(action(target, "Edit Deal · Product")).to_be_visible()
