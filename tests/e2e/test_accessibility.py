"""Accessibility: axe-core (from the axe-playwright-python package, which ships axe.min.js)
finds no serious or critical violation on any page of a full blueprint, at 1440 px and at
390 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from blueprint.models import Project
from tests.e2e.conftest import TIMEOUT_MS, login, quiet_close
from tests.e2e.workshop import FACILITATOR, PROJECT_PAGES, ready_project
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def blueprint(transactional_db) -> Project:
    return ready_project()


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(n["target"]) for n in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({len(violation['nodes'])}): {targets}")
    return found


@pytest.mark.parametrize("width", [1440, 390])
def test_no_serious_axe_violation_on_any_page(
    browser: Browser, live_server, blueprint: Project, width: int
) -> None:
    # axe is injected by the test, not by the page: the page's CSP stays as it is for
    # everything else, the context only lets the test's own script in.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, live_server, FACILITATOR[0], PASSWORD)
        problems = {}
        for name in [*PROJECT_PAGES, None]:
            url = (
                reverse(f"blueprint:{name}", args=[blueprint.pk])
                if name
                else reverse("blueprint:project_list")
            )
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            found = serious(page)
            if found:
                problems[name or "project_list"] = found
        assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    finally:
        quiet_close(context)
