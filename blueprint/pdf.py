"""The vendor PDF: one document rendered with WeasyPrint, safely and with a time limit.

The PDF renders from a `Document` (today's rows for a draft, the signed snapshot for a
version) through the same presentation as the browser's version view
(`templates/blueprint/_document.html`), wrapped in a cover, contents, summary, system map
and sign-off page (`templates/blueprint/pdf/document.html`, print CSS in
`static/css/pdf.css`).

Safety: every piece of user text goes through Django's autoescaping (and the system map
escapes its own), so nothing the workshop writes becomes markup. As a second wall,
WeasyPrint fetches through `StaticOnlyFetcher`, which serves the app's own static files
from disk and refuses every other URL (file:, http(s):, data:, ...), without ever opening
one.

Time limit: WeasyPrint runs in a forked child process that is killed after
`BLUEPRINT_PDF_TIMEOUT` seconds (setting or environment variable, default 60), so a huge
blueprint cannot hold a web worker forever. Forking is cheap (the child shares the
parent's loaded code and settings) and the child touches no database connection.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import multiprocessing
import os
import posixpath
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from blueprint.document import Document, document_from_json, document_hash, document_load
from blueprint.models import SIGNOFF_ROLES, Approval, Project, Role, Version
from blueprint.presentation import document_present
from blueprint.readiness import readiness_evaluate
from blueprint.systemmap import systemmap_flows, systemmap_svg

# WeasyPrint reports every layout step at INFO level, from the moment it is imported
# (hundreds of lines per export); quieten it before the import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

DEFAULT_TIMEOUT = 60.0
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_PAGE_SIZE = "a4"
# Where the PDF's HTML finds the static files. The host is never contacted: the fetcher
# maps these URLs to files on disk and refuses everything else.
ASSET_ROOT = "https://pdf-assets.invalid/static/"
STYLESHEET = "css/pdf.css"
ASSET_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}
EXAMPLES_PER_CHECK = 2

TIMEOUT_MESSAGE = (
    "The PDF took longer than {seconds:g} seconds to render and was stopped. Try again in a "
    "moment; if it keeps happening, the blueprint may be too large to print in one go, so "
    "tell your administrator (BLUEPRINT_PDF_TIMEOUT sets the limit)."
)
FAILED_MESSAGE = "The PDF could not be rendered: {reason}"
TAMPERED_MESSAGE = (
    "Version {number}'s stored snapshot no longer matches the SHA-256 it was signed with, "
    "so no PDF is produced from it. Tell the facilitator and your administrator."
)


class PdfError(Exception):
    """The PDF could not be produced; the message says why, for people."""


class PdfTimeout(PdfError):
    """Rendering went past the time limit and was stopped."""


class SnapshotTampered(PdfError):
    """A signed version's snapshot no longer matches its hash."""


class FetchRefused(ValueError):
    """The URL is not one of the app's own static files."""


# --- fetching ------------------------------------------------------------------------


def static_file_for(url: str) -> str | None:
    """The path on disk of an allowed asset URL, or None when the URL is not allowed."""
    if not url.startswith(ASSET_ROOT):
        return None
    rest = url[len(ASSET_ROOT) :]
    parts = urlsplit(rest)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    relative = unquote(parts.path)
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    normal = posixpath.normpath(relative)
    if normal != relative or normal.startswith(".."):
        return None
    if posixpath.splitext(normal)[1].lower() not in ASSET_TYPES:
        return None
    found = finders.find(normal)
    return str(found) if isinstance(found, str | os.PathLike) else None


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files from disk; refuses every other URL unopened.

    Remembers what it was asked for, so tests (and the renderer's caller) can see it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"Refused to fetch {url[:200]!r}: not one of the app's files.")
        self.fetched.append(url)
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = ASSET_TYPES.get(posixpath.splitext(path)[1].lower()) or (
            mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


# --- what goes into the PDF ----------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    role: str
    name: str
    meaning: str
    at: datetime.datetime
    content_hash: str


@dataclass(frozen=True)
class PdfMeta:
    """What the document itself does not know: which version, its state and signatures."""

    version_number: int
    state: str  # a Project.State value
    date: datetime.datetime  # when it was signed, or when it was exported
    sha256: str  # of the signed snapshot, or of the content as exported
    signatures: tuple[Signature, ...] = ()
    page_size: str = DEFAULT_PAGE_SIZE

    @property
    def signed(self) -> bool:
        return self.state == Project.State.SIGNED


def page_size_from(value: str | None) -> str:
    value = (value or "").strip().lower()
    return value if value in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _signature(approval: Approval) -> Signature:
    return Signature(
        role=approval.get_role_display(),
        name=approval.signer_name,
        meaning=approval.meaning,
        at=approval.approved_at,
        content_hash=approval.content_hash,
    )


def pdf_meta_for_project(
    *, project: Project, doc: Document, page_size: str = DEFAULT_PAGE_SIZE
) -> PdfMeta:
    """The current draft (or the blueprint awaiting sign-off, with approvals so far)."""
    approvals = Approval.objects.filter(project=project, version_number=project.version_number)
    return PdfMeta(
        version_number=project.version_number,
        state=project.state,
        date=timezone.now(),
        sha256=document_hash(doc),
        signatures=tuple(_signature(a) for a in approvals),
        page_size=page_size,
    )


def pdf_meta_for_version(*, version: Version, page_size: str = DEFAULT_PAGE_SIZE) -> PdfMeta:
    return PdfMeta(
        version_number=version.number,
        state=Project.State.SIGNED,
        date=version.signed_at,
        sha256=version.sha256,
        signatures=tuple(_signature(a) for a in version.approvals.all()),
        page_size=page_size,
    )


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    label: str
    sub: bool = False


TOC = (
    TocEntry("pdf-summary", "Summary"),
    TocEntry("pdf-system-map", "System map"),
    TocEntry("doc-scenarios", "1. Business scenarios"),
    TocEntry("doc-mapping", "2. Conceptual data mapping"),
    TocEntry("doc-field-mappings", "Field mapping sheet", sub=True),
    TocEntry("doc-governance", "3. Ownership, exceptions and guardrails"),
    TocEntry("doc-requirements", "4. Reporting and automation"),
    TocEntry("doc-delivery", "Delivery plan"),
    TocEntry("pdf-signoff", "Sign-off"),
)


def _blocker_groups(blockers: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Blocking findings by check, with a few examples each: a summary, not the list."""
    groups: dict[str, dict[str, Any]] = {}
    for finding in blockers:
        group = groups.setdefault(
            finding.title, {"title": finding.title, "count": 0, "examples": []}
        )
        group["count"] += 1
        if len(group["examples"]) < EXAMPLES_PER_CHECK:
            group["examples"].append(finding.message)
    return list(groups.values())


def pdf_context(*, doc: Document, meta: PdfMeta) -> dict[str, Any]:
    """One context for the PDF template: the presented document plus cover and sign-off."""
    d = document_present(doc)
    readiness = readiness_evaluate(doc)
    role_order = {r.value: i for i, r in enumerate(Role)}
    people: dict[str, list[dict[str, str]]] = {}
    for member in sorted(doc.members, key=lambda m: (role_order.get(m.role, 99), m.display_name)):
        label = str(Role(member.role).label) if member.role in role_order else member.role
        people.setdefault(label, []).append(
            {"name": member.display_name, "job_title": member.job_title}
        )
    signed_by_role = {s.role: s for s in meta.signatures}
    holders = {m.role: m for m in doc.members}
    signoff = [
        {
            "role": role.label,
            "holder": holders[role.value].display_name if role.value in holders else "",
            "job_title": holders[role.value].job_title if role.value in holders else "",
            "signature": signed_by_role.get(role.label),
        }
        for role in SIGNOFF_ROLES
    ]
    if meta.signed:
        status = "Signed off"
        running_status = f"Signed off {meta.date:%d %B %Y}"
    else:
        status = "Awaiting sign-off" if meta.state == Project.State.AWAITING else "Draft"
        running_status = "DRAFT, not signed off"
    return {
        "d": d,
        "meta": meta,
        "status": status,
        "running_status": running_status,
        "running_version": f"Version {meta.version_number}",
        "draft": not meta.signed,
        "people": people,
        "signoff": signoff,
        "readiness": readiness,
        "blockers": _blocker_groups(readiness.blockers),
        "toc": TOC,
        "system_map": mark_safe(systemmap_svg(doc)),  # noqa: S308 - escaped by systemmap
        "flows": systemmap_flows(doc),
        "stylesheet_url": ASSET_ROOT + STYLESHEET,
        "page_size": PAGE_SIZES[page_size_from(meta.page_size)],
    }


def pdf_html(*, doc: Document, meta: PdfMeta) -> str:
    return render_to_string("blueprint/pdf/document.html", pdf_context(doc=doc, meta=meta))


# --- rendering -----------------------------------------------------------------------


def pdf_timeout() -> float:
    """Seconds a render may take: settings.BLUEPRINT_PDF_TIMEOUT, else the environment."""
    value = getattr(settings, "BLUEPRINT_PDF_TIMEOUT", None)
    if value is None:
        value = os.environ.get("BLUEPRINT_PDF_TIMEOUT") or DEFAULT_TIMEOUT
    return float(value)


def pdf_write(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """WeasyPrint alone, in this process: HTML in, PDF bytes out."""
    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=ASSET_ROOT, url_fetcher=fetcher).write_pdf()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    fetched: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def _render_child(html: str, connection: Any) -> None:
    fetcher = StaticOnlyFetcher()
    try:
        pdf = pdf_write(html, fetcher=fetcher)
        connection.send((True, pdf, tuple(fetcher.fetched), tuple(fetcher.refused)))
    except BaseException as exc:  # report anything; the parent decides
        connection.send((False, f"{type(exc).__name__}: {exc}", (), ()))
    finally:
        connection.close()


def _render_in_thread(html: str, limit: float) -> Rendered:
    """Where fork is not available: a thread, which is abandoned (not killed) on timeout."""
    fetcher = StaticOnlyFetcher()
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(pdf_write, html, fetcher=fetcher)
    executor.shutdown(wait=False)
    try:
        pdf = future.result(timeout=limit)
    except FutureTimeout as exc:
        raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit)) from exc
    return Rendered(pdf, tuple(fetcher.fetched), tuple(fetcher.refused))


def html_to_pdf(html: str, *, timeout: float | None = None) -> Rendered:
    """Render in a child process that is killed when it runs past the time limit."""
    limit = pdf_timeout() if timeout is None else timeout
    if "fork" not in multiprocessing.get_all_start_methods():
        return _render_in_thread(html, limit)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_child, args=(html, sender), name="pdf-render")
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit))
        ok, payload, fetched, refused = receiver.recv()
    except EOFError as exc:
        raise PdfError(FAILED_MESSAGE.format(reason="the renderer stopped unexpectedly.")) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if not ok:
        raise PdfError(FAILED_MESSAGE.format(reason=payload))
    return Rendered(payload, fetched, refused)


def pdf_render(*, doc: Document, meta: PdfMeta, timeout: float | None = None) -> bytes:
    """The PDF of a document, rendered under the time limit."""
    return html_to_pdf(pdf_html(doc=doc, meta=meta), timeout=timeout).pdf


def project_pdf_render(*, project: Project, page_size: str = DEFAULT_PAGE_SIZE) -> bytes:
    """Today's blueprint of a project that is not signed off (draft or awaiting)."""
    doc = document_load(project)
    meta = pdf_meta_for_project(project=project, doc=doc, page_size=page_size)
    return pdf_render(doc=doc, meta=meta)


# --- signed versions: rendered once from the snapshot, then served from storage -------


def _letter_name(version: Version) -> str:
    return f"signed-pdfs/project-{version.project_id}-v{version.number}-letter.pdf"


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def version_pdf_get(*, version: Version, page_size: str = DEFAULT_PAGE_SIZE) -> bytes:
    """The signed version's PDF: stored the first time, the same bytes ever after.

    A4 lives in `Version.pdf`; Letter in a file of its own beside it. A snapshot that no
    longer matches its hash is refused, stored PDF or not.
    """
    if not version.is_intact:
        raise SnapshotTampered(TAMPERED_MESSAGE.format(number=version.number))
    page_size = page_size_from(page_size)
    name = version.pdf.name if page_size == DEFAULT_PAGE_SIZE else _letter_name(version)
    if name and (stored := _read(name)) is not None:
        return stored
    doc = document_from_json(version.snapshot)
    pdf = pdf_render(doc=doc, meta=pdf_meta_for_version(version=version, page_size=page_size))
    if page_size != DEFAULT_PAGE_SIZE:
        saved = default_storage.save(_letter_name(version), ContentFile(pdf))
        if saved != _letter_name(version):
            # Someone stored it first: theirs is the one.
            default_storage.delete(saved)
            return _read(_letter_name(version)) or pdf
        return pdf
    saved = default_storage.save(
        f"signed-pdfs/project-{version.project_id}-v{version.number}.pdf", ContentFile(pdf)
    )
    claimed = (
        Version.objects.filter(pk=version.pk, pdf=version.pdf.name or "").update(pdf=saved) == 1
    )
    if not claimed:
        default_storage.delete(saved)
        version.refresh_from_db(fields=["pdf"])
        return _read(version.pdf.name) or pdf
    version.pdf.name = saved
    return pdf


def pdf_filename(*, project_name: str, version_number: int, state: str, page_size: str) -> str:
    stem = slugify(project_name)[:60].strip("-") or "blueprint"
    label = "signed" if state == Project.State.SIGNED else "draft"
    suffix = "-letter" if page_size_from(page_size) == "letter" else ""
    return f"{stem}-v{version_number}-{label}{suffix}.pdf"
