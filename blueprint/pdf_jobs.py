"""The PDF as a background job: a request never holds a web worker while WeasyPrint runs.

Asking for a PDF (`pdf_ask`) answers at once: the stored file when this content has been
rendered before (blueprint.pdf keeps it by content), else the `PdfRender` that renders it
in a worker (django-tasks; the database backend by default, `manage.py db_worker`). The
page that asked polls the render (`pdf_progress`), which the worker keeps up to date
("Rendering page 40 of ~137"), then fetches the file. Everyone who asks for the same PDF
meanwhile waits on the same render.

The settings decide where jobs run: with django-tasks' immediate backend (the tests,
BLUEPRINT_TASKS=immediate) the render runs inside the request and the file comes back
from it.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone
from django_tasks import task

from blueprint.models import PdfRender, Project, Version
from blueprint.pdf import (
    PdfError,
    PdfTimeout,
    draft_pdf_name,
    draft_pdf_stored,
    page_size_from,
    project_pdf_render,
    version_pdf_get,
    version_pdf_stored,
)
from blueprint.pdf_runner import pdf_timeout

# How often a render writes its progress down (seconds): often enough for a progress bar,
# rarely enough not to matter to the database.
PROGRESS_EVERY = 0.5
# A render that has said nothing for this long past the time limit has lost its worker
# (a machine stopped mid-render): the next person who asks starts it again.
STALLED_AFTER = 30.0
# A queued render nobody has taken after this long: the page says a worker is missing.
WORKER_SILENT_AFTER = 15.0
# Bytes of HTML a page holds, for the first estimate of how many pages a render makes,
# before any render has been measured (the large benchmark blueprint's figure).
HTML_BYTES_PER_PAGE = 7000


@dataclass(frozen=True)
class PdfAsked:
    """What asking for a PDF gives: the file, or the render to wait on."""

    pdf: bytes | None = None
    render: PdfRender | None = None


def _key(project: Project, version: Version | None, page_size: str) -> str:
    if version is not None:
        return f"signed/project-{project.pk}/v{version.number}/{page_size}"
    return draft_pdf_name(project, page_size)


def _stored(project: Project, version: Version | None, page_size: str) -> bytes | None:
    if version is not None:
        return version_pdf_stored(version=version, page_size=page_size)
    return draft_pdf_stored(project, page_size)


def _stalled(render: PdfRender) -> bool:
    if render.state == PdfRender.State.FAILED:
        return True
    if render.state != PdfRender.State.RENDERING:
        return False
    quiet = (timezone.now() - render.updated_at).total_seconds()
    return quiet > pdf_timeout() + STALLED_AFTER


def pdf_ask(*, project: Project, version: Version | None = None, page_size: str) -> PdfAsked:
    """The PDF of the project as it stands (version None) or of a signed version: the
    file when it is ready, else the render that is making it (started if nobody has).

    Raises PdfError when the render ran here (immediate backend) and failed, PdfTimeout
    when it ran out of time, SnapshotTampered for a damaged version.
    """
    page_size = page_size_from(page_size)
    stored = _stored(project, version, page_size)
    if stored is not None:
        return PdfAsked(pdf=stored)
    key = _key(project, version, page_size)
    render, created = _render_for(project, version, page_size, key)
    # A render that is done when its file is not there (storage cleaned up): again.
    started = created or _stalled(render) or render.state == PdfRender.State.DONE
    if started:
        if not created:
            PdfRender.objects.filter(pk=render.pk).update(
                state=PdfRender.State.QUEUED,
                step=PdfRender.Step.PREPARING,
                page=0,
                message="",
                timed_out=False,
                updated_at=timezone.now(),
            )
        pdf_render_job.enqueue(render.pk)
        render.refresh_from_db()
    if render.state == PdfRender.State.DONE:
        if version is not None:  # the render stored its PDF on the version's own row
            version.refresh_from_db(fields=["pdf"])
        stored = _stored(project, version, page_size)
        if stored is not None:
            return PdfAsked(pdf=stored)
    if render.state == PdfRender.State.FAILED and started:
        raise (PdfTimeout if render.timed_out else PdfError)(render.message)
    return PdfAsked(render=render)


def _render_for(
    project: Project, version: Version | None, page_size: str, key: str
) -> tuple[PdfRender, bool]:
    try:
        return PdfRender.objects.get_or_create(
            key=key, defaults={"project": project, "version": version, "page_size": page_size}
        )
    except IntegrityError:  # someone else created it between our get and our create
        return PdfRender.objects.get(key=key), False


class _Written:
    """The progress of one render, written down for the page that waits."""

    def __init__(self, render: PdfRender) -> None:
        self.render = render
        self.last = 0.0

    def _save(self, *, force: bool = False, **fields: object) -> None:
        now = time.monotonic()
        for name, value in fields.items():
            setattr(self.render, name, value)
        if force or now - self.last >= PROGRESS_EVERY:
            self.last = now
            PdfRender.objects.filter(pk=self.render.pk).update(
                **{name: getattr(self.render, name) for name in ("step", "page", "html_bytes")},
                pages_expected=self.render.pages_expected,
                updated_at=timezone.now(),
            )

    def begin(self, html_bytes: int) -> None:
        self.render.pages_expected = pages_expected(self.render, html_bytes)
        self._save(force=True, step=PdfRender.Step.LAYOUT, page=0, html_bytes=html_bytes)

    def step(self, step: str, page: int) -> None:
        if step == "layout":
            self._save(step=PdfRender.Step.LAYOUT, page=page)
        else:
            self._save(force=True, step=step)

    def finish(self, pages: int) -> None:
        self.render.pages = pages


def pages_expected(render: PdfRender, html_bytes: int) -> int:
    """How many pages a render of this much HTML will make, from the last render that
    finished (of the same project and page size first: its pages scale with its HTML)."""
    done = PdfRender.objects.filter(
        state=PdfRender.State.DONE, pages__gt=0, html_bytes__gt=0
    ).exclude(pk=render.pk)
    last = (
        done.filter(project=render.project_id, page_size=render.page_size).first()
        or done.filter(page_size=render.page_size).first()
    )
    per_page = last.html_bytes / last.pages if last else HTML_BYTES_PER_PAGE
    return max(1, round(html_bytes / per_page))


@task()
def pdf_render_job(render_id: int) -> None:
    """Render one PDF into storage, writing down how far it has got."""
    render = PdfRender.objects.select_related("project", "version").filter(pk=render_id).first()
    if render is None or render.state == PdfRender.State.DONE:
        return
    PdfRender.objects.filter(pk=render.pk).update(
        state=PdfRender.State.RENDERING, updated_at=timezone.now()
    )
    written = _Written(render)
    try:
        if render.version is not None:
            version_pdf_get(version=render.version, page_size=render.page_size, progress=written)
        else:
            project_pdf_render(project=render.project, page_size=render.page_size, progress=written)
    except PdfError as exc:
        PdfRender.objects.filter(pk=render.pk).update(
            state=PdfRender.State.FAILED,
            message=str(exc),
            timed_out=isinstance(exc, PdfTimeout),
            updated_at=timezone.now(),
        )
        return
    PdfRender.objects.filter(pk=render.pk).update(
        state=PdfRender.State.DONE,
        step=PdfRender.Step.WRITING,
        page=render.pages or render.page,
        pages=render.pages,
        html_bytes=render.html_bytes,
        pages_expected=render.pages_expected,
        updated_at=timezone.now(),
    )
    # Renders of older drafts of this project are done with.
    PdfRender.objects.filter(project=render.project_id, version=None).exclude(pk=render.pk).filter(
        state__in=[PdfRender.State.DONE, PdfRender.State.FAILED]
    ).filter(updated_at__lt=timezone.now() - datetime.timedelta(minutes=1)).delete()


def pdf_progress(render: PdfRender) -> dict[str, object]:
    """What the waiting page shows of a render, worked out here once: its state, a label
    for people and how far along it is (0 to 1)."""
    state = PdfRender.State(render.state)
    expected = max(render.pages_expected, render.page, 1)
    if state == PdfRender.State.QUEUED:
        waited = (timezone.now() - render.updated_at).total_seconds()
        label = (
            "Waiting for the PDF worker…"
            if waited < WORKER_SILENT_AFTER
            else "Still waiting: no PDF worker has taken this render. Ask your administrator "
            "to start one (manage.py db_worker)."
        )
        fraction = 0.0
    elif state == PdfRender.State.FAILED:
        label = render.message or "The PDF could not be rendered."
        fraction = 0.0
    elif state == PdfRender.State.DONE:
        label = f"Ready: {render.pages} pages" if render.pages else "Ready"
        fraction = 1.0
    elif render.step == PdfRender.Step.LAYOUT and render.page:
        label = f"Rendering page {render.page} of ~{expected}"
        fraction = 0.05 + 0.8 * min(render.page / expected, 1.0)
    elif render.step in (PdfRender.Step.NUMBERING, PdfRender.Step.WRITING):
        label = f"{PdfRender.Step(render.step).label}…"
        fraction = 0.9 if render.step == PdfRender.Step.NUMBERING else 0.95
    else:
        label = f"{PdfRender.Step.PREPARING.label}…"
        fraction = 0.02
    return {
        "state": state.value,
        "label": label,
        "fraction": round(fraction, 3),
        "page": render.page,
        "pages_expected": render.pages_expected,
        "pages": render.pages,
    }
