"""The benchmark's figures of scale and of saves (`manage.py bench`).

- Pages at the large size and at twice that: the time of the workshop pages whose cost
  must not grow with the blueprint, and their ratio (the goal is within 1.2x).
- An attribute saved through the app against Django's own UpdateView of the same row,
  and against one bare UPDATE, all as a browser sends them, through the same middleware
  (the two bare views live in `blueprint.bench_urls`, a URLconf used only while this
  runs).
- The field mapping sheet replaced by its own CSV: the queries a 1,000-row import costs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blueprint.document import document_load
from blueprint.forms.mapping import AttributeForm
from blueprint.interchange.sheet import mapping_import_apply, sheet_csv, sheet_parse, sheet_rows
from blueprint.models import Attribute, Membership, Project, Role

FLAT_PAGES = ("data_model", "scenarios", "signoff")
RUNS = 11
SAVES = 20


def _wall(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _posted(client: Client, url: str, data: dict[str, Any], status: int, **extra: Any) -> float:
    """Seconds one POST took; it must answer as a successful save does."""
    started = time.perf_counter()
    response = client.post(url, data, **extra)
    took = time.perf_counter() - started
    if response.status_code != status:
        raise AssertionError(f"POST {url} answered {response.status_code}, not {status}.")
    return took


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile of the values, by the nearest rank (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _facilitator_client(project: Project, host: str) -> Client:
    client = Client(SERVER_NAME=host)
    client.force_login(Membership.objects.get(project=project, role=Role.FACILITATOR).user)
    return client


def page_times(
    projects: dict[str, Project], host: str, *, runs: int = RUNS
) -> dict[str, dict[str, dict[str, float]]]:
    """p50 and p95 (ms) of each page that must stay flat, for each project (by label):
    after one warm-up GET each, the GETs of the projects take turns, so that whatever
    else the machine does in the meantime falls on all of them alike."""
    clients = {label: _facilitator_client(project, host) for label, project in projects.items()}
    figures: dict[str, dict[str, dict[str, float]]] = {label: {} for label in projects}
    for name in FLAT_PAGES:
        urls = {
            label: reverse(f"blueprint:{name}", args=[project.pk])
            for label, project in projects.items()
        }
        walls: dict[str, list[float]] = {label: [] for label in projects}
        for label, url in urls.items():
            clients[label].get(url)
        for _ in range(runs):
            for label, url in urls.items():
                walls[label].append(_wall(lambda c=clients[label], u=url: c.get(u)) * 1000)
        for label in projects:
            figures[label][name] = {
                "p50": statistics.median(walls[label]),
                "p95": percentile(walls[label], 95),
            }
    return figures


def save_times(project: Project, host: str) -> dict[str, float]:
    """An attribute's description saved through the app, through Django's own UpdateView
    and by a bare UPDATE view (`blueprint.bench_urls`), in turns: p50 and p95 of each
    (ms)."""
    client = _facilitator_client(project, host)
    attribute = Attribute.objects.filter(entity__project=project).order_by("pk").first()
    assert attribute is not None
    url = reverse("blueprint:item_update", args=[project.pk, "attribute", attribute.pk])
    times: dict[str, list[float]] = {"app": [], "django": [], "bare": []}
    with override_settings(ROOT_URLCONF="blueprint.bench_urls"):
        urls = {
            "django": reverse("bench_django", args=[attribute.pk]),
            "bare": reverse("bench_bare_update", args=[attribute.pk]),
        }
        for n in range(SAVES + 1):
            attribute.refresh_from_db()
            data = AttributeForm.saved_values(attribute, project=project)
            data["description"] = f"Saved {n} times by the benchmark."
            took = {
                "app": _posted(client, url, data, 200, HTTP_HX_REQUEST="true"),
                "django": _posted(client, urls["django"], {**data, "description": "Django"}, 302),
                "bare": _posted(client, urls["bare"], {"description": f"Bare {n}"}, 200),
            }
            if n:  # the first of each is a warm-up
                for name, seconds in took.items():
                    times[name].append(seconds * 1000)
    attribute.refresh_from_db()
    if not attribute.description.startswith("Bare"):
        raise AssertionError("The benchmark's saves did not reach the database.")
    return save_figures(times)


def save_figures(times: dict[str, list[float]]) -> dict[str, float]:
    """p50 and p95 of each view's save times ("app_p50", "django_p95", ...)."""
    figures: dict[str, float] = {}
    for name, values in times.items():
        figures[f"{name}_p50"] = statistics.median(values)
        figures[f"{name}_p95"] = percentile(values, 95)
    return figures


def save_budgets(saves: dict[str, float]) -> list[tuple[str, float, float, str]]:
    """The save's budgets, judged alike in process (`manage.py bench`) and through
    gunicorn (`manage.py loadrun`): (label, measured, budget, unit)."""
    return [
        ("attribute save over a bare UPDATE view", saves["app_p50"] / saves["bare_p50"], 1.3, "x"),
        # Ours, beside the issue's: what the app's form (choices of this project), the
        # revision check, the log, the change number and the row drawn again cost over
        # Django's own UpdateView of the same row (which runs the model's rules too).
        (
            "attribute save over Django's UpdateView",
            saves["app_p50"] / saves["django_p50"],
            1.3,
            "x",
        ),
        ("attribute save p95, ms", saves["app_p95"], 40, "ms"),
    ]


def import_figures(project: Project) -> dict[str, float]:
    """The whole sheet replaced by its own CSV export (every row matches: updates only if
    something changed), with its queries and time."""
    doc = document_load(project)
    content = sheet_csv(sheet_rows(doc))
    sheet = sheet_parse(filename="sheet.csv", content=content)
    user = Membership.objects.get(project=project, role=Role.FACILITATOR).user
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        applied = mapping_import_apply(
            project=project, user=user, sheet=sheet, filename="sheet.csv", replace=True
        )
        took = time.perf_counter() - started
    return {"rows": applied.count, "queries": len(queries), "ms": took * 1000}
