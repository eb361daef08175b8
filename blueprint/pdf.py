"""The vendor PDF: one document rendered with WeasyPrint, safely and with a time limit.

The PDF renders from a `Document` (today's rows for a draft, the signed snapshot for a
version) through the same presentation as the browser's version view
(`templates/blueprint/_document.html`), wrapped in a cover, contents, summary, system map
and sign-off page (`templates/blueprint/pdf/document.html`, print CSS in
`static/css/pdf.css`). This module builds that context and is the way in: the draft's
PDF, and a signed version's, rendered once from its snapshot and then served from
storage.

Safety: every piece of user text goes through Django's autoescaping (and the system map
escapes its own), so nothing the workshop writes becomes markup. As a second wall,
WeasyPrint fetches only the app's own static files (`blueprint.pdf_fetcher`).

Time limit: WeasyPrint runs in a child process that is killed at the limit
(`blueprint.pdf_runner`), so a huge blueprint cannot hold a web worker forever.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from blueprint.cached import cached_per_change
from blueprint.document import Document, document_from_json, document_hash, document_load
from blueprint.models import SIGNOFF_ROLES, Approval, Project, Role, Version
from blueprint.pdf_fetcher import (
    ASSET_ROOT,
    ASSET_TYPES,
    FetchRefused,
    StaticOnlyFetcher,
    static_file_for,
)
from blueprint.pdf_runner import (
    DEFAULT_TIMEOUT,
    FAILED_MESSAGE,
    TIMEOUT_MESSAGE,
    PdfError,
    PdfTimeout,
    Rendered,
    html_to_pdf,
    pdf_timeout,
    pdf_write,
)
from blueprint.presentation import document_present
from blueprint.readiness import readiness_evaluate
from blueprint.systemmap import systemmap_flows, systemmap_svg

__all__ = [
    "ASSET_ROOT",
    "ASSET_TYPES",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_TIMEOUT",
    "EXAMPLES_PER_CHECK",
    "FAILED_MESSAGE",
    "PAGE_SIZES",
    "STYLESHEET",
    "TAMPERED_MESSAGE",
    "TIMEOUT_MESSAGE",
    "TOC",
    "FetchRefused",
    "PdfError",
    "PdfMeta",
    "PdfTimeout",
    "Rendered",
    "Signature",
    "SnapshotTampered",
    "StaticOnlyFetcher",
    "TocEntry",
    "html_to_pdf",
    "page_size_from",
    "pdf_context",
    "pdf_filename",
    "pdf_html",
    "pdf_meta_for_project",
    "pdf_meta_for_version",
    "pdf_render",
    "pdf_timeout",
    "pdf_write",
    "RenderProgress",
    "draft_content_key",
    "draft_key",
    "draft_pdf_name",
    "draft_pdf_stored",
    "version_pdf_stored",
    "drafts_forget",
    "stored_claim",
    "stored_read",
    "project_pdf_render",
    "static_file_for",
    "version_pdf_get",
]

PAGE_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_PAGE_SIZE = "a4"
STYLESHEET = "css/pdf.css"
EXAMPLES_PER_CHECK = 2

TAMPERED_MESSAGE = (
    "Version {number}'s stored snapshot no longer matches the SHA-256 it was signed with, "
    "so no PDF is produced from it. Tell the facilitator and your administrator."
)


class SnapshotTampered(PdfError):
    """A signed version's snapshot no longer matches its hash."""


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
    TocEntry("doc-notes", "Questions and decisions"),
    TocEntry("pdf-acceptance", "Acceptance test plan"),
    TocEntry("pdf-signoff", "Sign-off"),
)


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
        "blockers": readiness.blocker_groups(EXAMPLES_PER_CHECK),
        "toc": TOC,
        "system_map": mark_safe(systemmap_svg(doc)),  # noqa: S308 - escaped by systemmap
        "flows": systemmap_flows(doc),
        "stylesheet_url": ASSET_ROOT + STYLESHEET,
        "page_size": PAGE_SIZES[page_size_from(meta.page_size)],
    }


def pdf_html(*, doc: Document, meta: PdfMeta) -> str:
    return render_to_string("blueprint/pdf/document.html", pdf_context(doc=doc, meta=meta))


# --- rendering -----------------------------------------------------------------------


class RenderProgress(Protocol):
    """Who hears how a render goes (the background job, which writes it down for the
    page that waits)."""

    def begin(self, html_bytes: int) -> None: ...

    def step(self, step: str, page: int) -> None: ...

    def finish(self, pages: int) -> None: ...


def pdf_render(
    *,
    doc: Document,
    meta: PdfMeta,
    timeout: float | None = None,
    progress: RenderProgress | None = None,
) -> bytes:
    """The PDF of a document, rendered under the time limit."""
    html = pdf_html(doc=doc, meta=meta)
    if progress is None:
        return html_to_pdf(html, timeout=timeout).pdf
    progress.begin(len(html.encode("utf-8")))
    rendered = html_to_pdf(html, timeout=timeout, on_progress=progress.step)
    progress.finish(rendered.pages)
    return rendered.pdf


def draft_key(meta: PdfMeta) -> str:
    """A draft export's content key: the same content (the document's SHA-256, the state,
    the version, the approvals so far) is the same key, and any change is a new one.
    The draft PDF and the draft vendor bundle are both stored under it."""
    parts = [
        meta.sha256,
        str(meta.state),
        str(meta.version_number),
        *(f"{s.role}|{s.name}|{s.at.isoformat()}|{s.content_hash}" for s in meta.signatures),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _draft_name(project: Project, meta: PdfMeta) -> str:
    """Where a draft's PDF is kept: its content key and its page size."""
    return f"{_draft_folder(project)}/{draft_key(meta)}-{meta.page_size}.pdf"


def _draft_folder(project: Project) -> str:
    return f"draft-pdfs/project-{project.pk}"


def drafts_forget(folder: str, *, keep: str = "") -> None:
    """Delete the stored drafts in a folder but those of the content `keep` names (the
    other page sizes of a PDF): a new draft replaces the older ones."""
    content = keep.rsplit("/", 1)[-1].split("-", 1)[0].split(".", 1)[0] if keep else None
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        if content is None or not name.startswith(content):
            default_storage.delete(f"{folder}/{name}")


def draft_pdfs_forget(project: Project, *, keep: str = "") -> None:
    """Delete the project's stored draft PDFs but those of the content `keep` names: when
    a new draft is stored, and all of them for the benchmark, which times a cold render."""
    drafts_forget(_draft_folder(project), keep=keep)


def stored_read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def stored_claim(name: str, content: bytes) -> bytes:
    """Store content under a name, unless someone stored it first: then theirs is the
    one, and it is what comes back."""
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)
        return stored_read(name) or content
    return content


def draft_content_key(project: Project) -> str:
    """The content key (draft_key) of the project as it is now. It needs the whole
    document, so it is worked out once per change (blueprint.cached): asking again for an
    unchanged blueprint's PDF or bundle reads neither the document nor the rows."""

    def key() -> str:
        return draft_key(pdf_meta_for_project(project=project, doc=document_load(project)))

    return cached_per_change(project, "draft-content-key", key)


def draft_pdf_name(project: Project, page_size: str = DEFAULT_PAGE_SIZE) -> str:
    """Where the draft's PDF of the project as it is now is kept."""
    return f"{_draft_folder(project)}/{draft_content_key(project)}-{page_size_from(page_size)}.pdf"


def draft_pdf_stored(project: Project, page_size: str = DEFAULT_PAGE_SIZE) -> bytes | None:
    """The draft's PDF of the project as it is now, if it has been rendered."""
    return stored_read(draft_pdf_name(project, page_size))


def project_pdf_render(
    *,
    project: Project,
    page_size: str = DEFAULT_PAGE_SIZE,
    doc: Document | None = None,
    progress: RenderProgress | None = None,
) -> bytes:
    """Today's blueprint of a project that is not signed off (draft or awaiting).

    Rendered once per content: an unchanged blueprint is served from storage (Django's
    STORAGES, so several servers can share it), not rendered again on every click. A
    caller that has loaded the document already (the bundle) passes it.
    """
    doc = document_load(project) if doc is None else doc
    meta = pdf_meta_for_project(project=project, doc=doc, page_size=page_size)
    name = _draft_name(project, meta)
    stored = stored_read(name)
    if stored is not None:
        return stored
    pdf = pdf_render(doc=doc, meta=meta, progress=progress)
    # Drafts stored before of other content show an older blueprint: they go, and storage
    # holds the current draft only (in each page size asked for).
    draft_pdfs_forget(project, keep=name)
    return stored_claim(name, pdf)


# --- signed versions: rendered once from the snapshot, then served from storage -------


def _letter_name(version: Version) -> str:
    return f"signed-pdfs/project-{version.project_id}-v{version.number}-letter.pdf"


def version_pdf_stored(*, version: Version, page_size: str = DEFAULT_PAGE_SIZE) -> bytes | None:
    """The signed version's PDF if it has been rendered. A snapshot that no longer
    matches its hash is refused, stored PDF or not."""
    if not version.is_intact:
        raise SnapshotTampered(TAMPERED_MESSAGE.format(number=version.number))
    page_size = page_size_from(page_size)
    name = version.pdf.name if page_size == DEFAULT_PAGE_SIZE else _letter_name(version)
    return stored_read(name) if name else None


def version_pdf_get(
    *,
    version: Version,
    page_size: str = DEFAULT_PAGE_SIZE,
    progress: RenderProgress | None = None,
) -> bytes:
    """The signed version's PDF: stored the first time, the same bytes ever after.

    A4 lives in `Version.pdf`; Letter in a file of its own beside it. A snapshot that no
    longer matches its hash is refused, stored PDF or not.
    """
    page_size = page_size_from(page_size)
    stored = version_pdf_stored(version=version, page_size=page_size)
    if stored is not None:
        return stored
    doc = document_from_json(version.snapshot)
    meta = pdf_meta_for_version(version=version, page_size=page_size)
    pdf = pdf_render(doc=doc, meta=meta, progress=progress)
    if page_size != DEFAULT_PAGE_SIZE:
        return stored_claim(_letter_name(version), pdf)
    saved = default_storage.save(
        f"signed-pdfs/project-{version.project_id}-v{version.number}.pdf", ContentFile(pdf)
    )
    claimed = (
        Version.objects.filter(pk=version.pk, pdf=version.pdf.name or "").update(pdf=saved) == 1
    )
    if not claimed:
        default_storage.delete(saved)
        version.refresh_from_db(fields=["pdf"])
        return stored_read(version.pdf.name) or pdf
    version.pdf.name = saved
    return pdf


def pdf_filename(*, project_name: str, version_number: int, state: str, page_size: str) -> str:
    stem = slugify(project_name)[:60].strip("-") or "blueprint"
    label = "signed" if state == Project.State.SIGNED else "draft"
    suffix = "-letter" if page_size_from(page_size) == "letter" else ""
    return f"{stem}-v{version_number}-{label}{suffix}.pdf"
