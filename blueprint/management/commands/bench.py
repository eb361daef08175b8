"""Time the large benchmark blueprint: loading, readiness, the workshop pages, the PDF
export against WeasyPrint alone on the same HTML, and the vendor bundle.

The blueprint is created inside a transaction that is rolled back at the end, so the
command runs against whatever DATABASE_URL is configured (it must be migrated) and
leaves nothing behind. On SQLite the transaction holds the write lock while it runs
(about a minute): run it when nobody is editing, or against a copy.

The export is timed as a browser gets it: a GET of export.pdf through the middleware
and the view, which answers at once (202) and queues the render; the render job (run
here, as a worker runs it), which loads the document, renders the HTML and has
WeasyPrint write the PDF in a child process; and the GET that fetches the file.
WeasyPrint alone is timed in this process on the very HTML the export renders. The
overhead is judged on wall-clock time (CPU time, this process plus the renderer child,
is shown beside it).
"""

from __future__ import annotations

import io
import logging
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blueprint.benchdata import BenchSize, benchmark_blueprint_create
from blueprint.benchscale import RUNS, import_figures, page_times, save_budgets, save_times
from blueprint.bundle import bundle_check
from blueprint.document import document_load
from blueprint.models import Membership, PdfRender, Project, Role
from blueprint.pdf import (
    draft_pdfs_forget,
    drafts_forget,
    pdf_html,
    pdf_meta_for_project,
    pdf_timeout,
    pdf_write,
)
from blueprint.pdf_jobs import pdf_render_job
from blueprint.readiness import readiness_compute, readiness_evaluate, readiness_for_project

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # this process and the children it waited for (the PDF renderer)


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], T]) -> tuple[T, Timing, int]:
    with CaptureQueriesContext(connection) as queries:
        cpu, started = _cpu(), time.perf_counter()
        result = fn()
        timing = Timing(time.perf_counter() - started, _cpu() - cpu)
    return result, timing, len(queries)


def _pages(pdf: bytes) -> str:
    """The page count, read with pypdf (a development dependency, which make installs)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return "?"
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


def _median(timings: list[Timing], attr: str) -> float:
    return statistics.median(getattr(t, attr) for t in timings)


PAGES = (
    "project_detail",
    "scenarios",
    "data_model",
    "mappings",
    "governance",
    "requirements",
    "delivery",
    "readiness",
    "readiness_hx_nav",
    "signoff",
)


class Rollback(Exception):
    """Leaves the benchmark transaction without keeping anything."""


class Command(BaseCommand):
    help = "Time the PDF export of the large benchmark blueprint (nothing is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=3, help="PDF timings to take (median).")
        parser.add_argument(
            "--budget",
            type=float,
            default=15.0,
            help="Largest acceptable overhead of the export over WeasyPrint alone, in %%.",
        )
        parser.add_argument("--mappings", type=int, default=BenchSize.mappings)
        parser.add_argument("--attributes", type=int, default=BenchSize.attributes)
        parser.add_argument("--scenarios", type=int, default=BenchSize.scenarios)

    def handle(self, *args: Any, **options: Any) -> None:
        # WeasyPrint's font subsetting (fontTools) logs every table it prunes at INFO.
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated: run `manage.py migrate` first.")
        size = BenchSize(
            mappings=options["mappings"],
            attributes=options["attributes"],
            scenarios=options["scenarios"],
        )
        runs = max(1, options["runs"])
        figures: dict[str, Any] = {}
        try:
            with transaction.atomic():
                self._measure(size, runs, figures)
                raise Rollback
        except Rollback:
            pass
        self._report(size, runs, figures, options["budget"])

    def _measure(self, size: BenchSize, runs: int, figures: dict[str, Any]) -> None:
        def build() -> Project:
            project = Project.objects.create(
                name="Benchmark blueprint",
                summary="The large benchmark: nothing of it is kept.",
                business_question="How fast is the vendor PDF of a big blueprint?",
            )
            benchmark_blueprint_create(project=project, size=size)
            return project

        project, figures["build"], figures["build_q"] = _timed(build)
        doc, figures["load"], figures["load_q"] = _timed(lambda: document_load(project))
        # Readiness as a running server computes it: the first call in a process also
        # imports the URLconf (for the findings' links), so it is a warm-up, and the
        # figure is the median of the runs after it.
        readiness_compute(project)
        ready: list[Timing] = []
        checks: list[Timing] = []
        cached: list[Timing] = []
        for _ in range(5):
            readiness, timing, figures["ready_q"] = _timed(lambda: readiness_compute(project))
            ready.append(timing)
            checks.append(_timed(lambda: readiness_evaluate(doc))[1])
        readiness_for_project(project)
        for _ in range(5):
            _, timing, figures["cached_q"] = _timed(lambda: readiness_for_project(project))
            cached.append(timing)
        figures["ready"] = Timing(_median(ready, "wall"), _median(ready, "cpu"))
        figures["checks"] = Timing(_median(checks, "wall"), _median(checks, "cpu"))
        figures["cached"] = Timing(_median(cached, "wall"), _median(cached, "cpu"))
        figures["blockers"] = len(readiness.blockers)
        # The HTML the export renders, built the way the export builds it.
        meta = pdf_meta_for_project(project=project, doc=doc)
        html, figures["html"], _ = _timed(lambda: pdf_html(doc=doc, meta=meta))
        figures["html_kb"] = len(html.encode()) / 1024

        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
        client = Client(SERVER_NAME=host)
        client.force_login(Membership.objects.get(project=project, role=Role.FACILITATOR).user)
        # The workshop pages, as a browser gets them, on the same big blueprint.
        pages: list[tuple[str, Timing, int, int]] = []
        for name in PAGES:
            url = reverse(f"blueprint:{name}", args=[project.pk])
            response, timing, queries = _timed(lambda url=url: client.get(url))
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}.")
            pages.append((name, timing, queries, len(response.content)))
        figures["pages_timed"] = pages
        # What every open page asks after each save: the navigation badges. When nothing
        # changed since (the case of everyone but the person who saved, once the first
        # has drawn it), it is answered from the cache: the median of 11 after one more.
        nav_url = reverse("blueprint:readiness_hx_nav", args=[project.pk]) + "?nav=data_model"
        client.get(nav_url, HTTP_HX_REQUEST="true")
        navs: list[Timing] = []
        for _ in range(RUNS):
            _, timing, figures["nav_q"] = _timed(
                lambda: client.get(nav_url, HTTP_HX_REQUEST="true")
            )
            navs.append(timing)
        figures["nav"] = Timing(_median(navs, "wall"), _median(navs, "cpu"))
        # Scale: the pages that must not grow with the blueprint, at this size and at twice
        # it; an attribute save against a bare update; the sheet replaced by its CSV.
        double = BenchSize(
            systems=size.systems * 2,
            scenarios=size.scenarios * 2,
            entities=size.entities * 2,
            attributes=size.attributes * 2,
            mappings=size.mappings * 2,
        )
        bigger = Project.objects.create(name="Benchmark blueprint, twice as large")
        benchmark_blueprint_create(project=bigger, size=double)
        flat = page_times({"large": project, "2x": bigger}, host)
        figures["flat"], figures["flat_2x"] = flat["large"], flat["2x"]
        figures["saves"] = save_times(project, host)
        figures["import"] = import_figures(project)
        export_url = reverse("blueprint:project_pdf", args=[project.pk])
        exports: list[Timing] = []
        alone: list[Timing] = []
        pdf = b""
        answers: list[Timing] = []

        def export() -> Any:
            """As a browser gets it: the GET answers at once (202) while the job renders
            (run here, as a worker runs it), then the GET that fetches the file."""
            asked, timing, _ = _timed(lambda: client.get(export_url))
            if asked.status_code == 202:
                answers.append(timing)
                render_id = int(asked["X-Pdf-Progress"].rstrip("/").rsplit("/", 1)[1])
                pdf_render_job.call(render_id)
                return client.get(export_url), asked
            return asked, asked

        for run in range(runs):
            self.stderr.write(f"  run {run + 1}/{runs}…")
            # A cold render each time, as after a change: that is what is compared.
            draft_pdfs_forget(project)
            PdfRender.objects.filter(project=project).delete()
            cache.clear()
            (response, asked), timing, figures["export_q"] = _timed(export)
            if response.status_code != 200:
                raise CommandError(f"The export answered {response.status_code}.")
            pdf = response.content
            exports.append(timing)
            _, timing, _ = _timed(lambda: pdf_write(html))
            alone.append(timing)
        # The same draft asked again: served as stored, not rendered.
        stored, figures["stored"], _ = _timed(lambda: client.get(export_url))
        if stored.content != pdf:
            raise CommandError("The stored draft PDF differs from the one just rendered.")
        # The vendor bundle as a browser gets it; the draft's PDF is stored by now, so the
        # figure is the bundle's own work (contracts, APIs, sheet, zip).
        bundle_url = reverse("blueprint:project_bundle", args=[project.pk])
        bundle, figures["bundle"], figures["bundle_q"] = _timed(lambda: client.get(bundle_url))
        if bundle.status_code != 200:
            raise CommandError(f"The bundle answered {bundle.status_code}.")
        figures["bundle_kb"] = len(bundle.content) / 1024
        again, figures["bundle_stored"], _ = _timed(lambda: client.get(bundle_url))
        if again.content != bundle.content:
            raise CommandError("The stored draft bundle differs from the one just built.")
        problems, figures["bundle_check"], _ = _timed(lambda: bundle_check(bundle.content))
        if problems:
            raise CommandError(f"The bundle is not valid: {problems}")
        draft_pdfs_forget(project)
        drafts_forget(f"draft-bundles/project-{project.pk}")
        figures["exports"] = exports
        figures["answers"] = answers
        figures["alone"] = alone
        figures["pdf_kb"] = len(pdf) / 1024
        figures["pages"] = _pages(pdf)

    def _report(self, size: BenchSize, runs: int, f: dict[str, Any], budget: float) -> None:
        export_wall, alone_wall = _median(f["exports"], "wall"), _median(f["alone"], "wall")
        export_cpu, alone_cpu = _median(f["exports"], "cpu"), _median(f["alone"], "cpu")
        overhead_wall = (export_wall - alone_wall) / alone_wall * 100
        overhead_cpu = (export_cpu - alone_cpu) / alone_cpu * 100

        answered = _median(f["answers"], "wall") if f["answers"] else 0.0
        pages_per_second = (
            f"{int(f['pages']) / alone_wall:.1f}" if f["pages"].isdigit() and alone_wall else "?"
        )

        def each(timings: list[Timing]) -> str:
            return ", ".join(f"{t.wall:.2f}" for t in timings)

        lines = [
            f"Benchmark blueprint: {size.systems} systems, {size.scenarios} scenarios, "
            f"{size.entities} entities, {size.attributes} attributes, "
            f"{size.mappings} field mappings (rolled back afterwards)",
            f"  build (bulk inserts)          {f['build'].wall:7.3f} s  {f['build_q']:3d} queries",
            f"  document load                 {f['load'].wall:7.3f} s  {f['load_q']:3d} queries",
            f"  readiness (load + checks)     {f['ready'].wall:7.3f} s  {f['ready_q']:3d} queries"
            f"  ({f['blockers']} blocking findings; median of 5)",
            f"  readiness checks alone        {f['checks'].wall:7.3f} s",
            f"  readiness, unchanged project  {f['cached'].wall:7.3f} s  {f['cached_q']:3d} queries"
            "  (cached under the change number)",
            f"  PDF HTML (present + template) {f['html'].wall:7.3f} s  {f['html_kb']:.0f} KB",
            f"  PDF export, GET export.pdf    {export_wall:7.3f} s  {f['export_q']:3d} queries"
            f"  cpu {export_cpu:.3f} s  (runs: {each(f['exports'])})",
            f"  PDF of an unchanged draft     {f['stored'].wall:7.3f} s  (stored, not re-rendered)",
            f"  PDF asked, request answered   {answered:7.3f} s  (202 after a change: the render"
            " is a background job, the page polls its progress)",
            f"  WeasyPrint alone, same HTML   {alone_wall:7.3f} s"
            f"               cpu {alone_cpu:.3f} s  (runs: {each(f['alone'])})",
            f"  PDF: {f['pages']} pages, {f['pdf_kb']:.0f} KB; time limit {pdf_timeout():g} s;"
            f" WeasyPrint lays out {pages_per_second} pages/s (docs/pdf-performance.md"
            " compares it with WeasyPerf's samples)",
            f"  vendor bundle, GET zip        {f['bundle'].wall:7.3f} s  {f['bundle_q']:3d} queries"
            f"  {f['bundle_kb']:.0f} KB (draft PDF already stored)",
            f"  bundle of an unchanged draft  {f['bundle_stored'].wall:7.3f} s"
            "  (stored, not rebuilt)",
            f"  bundle checked as a vendor    {f['bundle_check'].wall:7.3f} s"
            "  (every file against its standard's schema)",
            f"  overhead of the app over WeasyPrint alone (median of {runs}): "
            f"cpu {overhead_cpu:+.1f} %, wall clock {overhead_wall:+.1f} % (budget {budget:g} %)",
        ]
        lines.append("  workshop pages (GET, as a browser gets them):")
        for name, timing, queries, size_bytes in f["pages_timed"]:
            lines.append(
                f"    {name:<24} {timing.wall * 1000:7.0f} ms  {queries:3d} queries"
                f"  {size_bytes / 1024:6.0f} KB"
            )
        pages = {name: (timing, queries) for name, timing, queries, _size in f["pages_timed"]}
        flat, flat_2x, saves = f["flat"], f["flat_2x"], f["saves"]
        lines.append("  pages at the large size and at twice it (p50 / p95 of 11 GETs, in turns):")
        for name in flat:
            lines.append(
                f"    {name:<24} {flat[name]['p50']:6.0f} / {flat[name]['p95']:4.0f} ms"
                f"   at 2x {flat_2x[name]['p50']:6.0f} / {flat_2x[name]['p95']:4.0f} ms"
                f"   ratio {flat_2x[name]['p50'] / flat[name]['p50']:4.2f}"
            )
        lines.append(
            f"  nav badge refresh, unchanged  {f['nav'].wall * 1000:7.1f} ms"
            f"  {f['nav_q']:3d} queries"
            f"  (median of {RUNS}; the first after a change draws it: see the pages above)"
        )
        lines.append(
            "  attribute save, in turns (p50 / p95 of 20):"
            f" the app's {saves['app_p50']:.1f} / {saves['app_p95']:.1f} ms,"
            f" Django's UpdateView {saves['django_p50']:.1f} / {saves['django_p95']:.1f} ms,"
            f" a bare UPDATE view {saves['bare_p50']:.1f} / {saves['bare_p95']:.1f} ms"
        )
        lines.append(
            f"  sheet replaced by its CSV     {f['import']['ms'] / 1000:7.3f} s"
            f"  {f['import']['queries']:3d} queries  ({f['import']['rows']} rows)"
        )
        # (figure, measured, budget, unit): the goals of the performance issue that this
        # command measures; each is PASS or FAIL, and any FAIL makes the command fail.
        budgets = [
            ("readiness computed, ms", f["ready"].wall * 1000, 50, "ms"),
            ("readiness computed, queries", f["ready_q"], 21, "queries"),
            ("readiness of an unchanged project, ms", f["cached"].wall * 1000, 10, "ms"),
            ("nav badge refresh, unchanged project, ms", f["nav"].wall * 1000, 10, "ms"),
            ("data-model page p95, ms", flat["data_model"]["p95"], 150, "ms"),
            ("data-model page p95 at 2x, ms", flat_2x["data_model"]["p95"], 150, "ms"),
            (
                "data-model page, 2x over large",
                flat_2x["data_model"]["p50"] / flat["data_model"]["p50"],
                1.2,
                "x",
            ),
            (
                "scenarios page, 2x over large",
                flat_2x["scenarios"]["p50"] / flat["scenarios"]["p50"],
                1.2,
                "x",
            ),
            (
                "sign-off page, 2x over large",
                flat_2x["signoff"]["p50"] / flat["signoff"]["p50"],
                1.2,
                "x",
            ),
            *save_budgets(saves),
            ("sheet of 1,000 replaced by CSV, queries", f["import"]["queries"], 50, "queries"),
            ("sign-off page, ms", pages["signoff"][0].wall * 1000, 150, "ms"),
            ("PDF of an unchanged draft, ms", f["stored"].wall * 1000, 100, "ms"),
            ("vendor bundle built (PDF stored), ms", f["bundle"].wall * 1000, 3000, "ms"),
            ("vendor bundle of an unchanged draft, ms", f["bundle_stored"].wall * 1000, 100, "ms"),
            ("PDF overhead over WeasyPrint, % wall clock", overhead_wall, budget, "%"),
        ]
        lines.append("  budgets:")
        failed = []
        for label, value, limit, unit in budgets:
            ok = value <= limit
            if not ok:
                failed.append(label)
            verdict = "PASS" if ok else "FAIL"
            lines.append(f"    {verdict}  {label:<42} {value:8.2f}  (budget {limit:g} {unit})")
        self.stdout.write("\n".join(lines))
        if failed:
            raise CommandError("Over budget: " + "; ".join(failed) + ".")
        self.stdout.write(self.style.SUCCESS("Within budget."))
