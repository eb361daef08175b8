"""The vendor bundle: one zip of the blueprint in the formats a vendor's tools read.

`bundle_build` writes the zip from a document and what it is (a signed version, or the
draft); `version_bundle_get` and `project_bundle_build` are the ways in. A signed
version's bundle is built once, from its snapshot, and stored (Django's STORAGES, like
its PDF): the same bytes ever after. A snapshot that no longer matches its hash is
refused, stored bundle or not, as the PDF is.

The zip's entries are in a fixed order (the manifest first), each dated with the
version's date (or the draft's build). The bytes of a signed version's bundle are fixed
by storing it, not by rebuilding: the workbook inside carries the time it was written.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.text import slugify

from blueprint.acceptance import acceptance_features
from blueprint.bundle.odcs import API_VERSION, entity_contracts
from blueprint.bundle.openapi import OPENAPI_VERSION, system_apis
from blueprint.document import Document, document_from_json, document_load, document_to_json
from blueprint.interchange.schema import document_json_schema
from blueprint.interchange.sheet_export import sheet_csv, sheet_rows, sheet_xlsx
from blueprint.models import Project, Version
from blueprint.pdf import (
    TAMPERED_MESSAGE,
    PdfMeta,
    SnapshotTampered,
    draft_content_key,
    draft_key,
    drafts_forget,
    pdf_meta_for_project,
    pdf_meta_for_version,
    project_pdf_render,
    stored_claim,
    stored_read,
    version_pdf_get,
)
from blueprint.presentation import document_present
from blueprint.systemmap import systemmap_mermaid, systemmap_svg
from blueprint.systemmap.layout import systems_in_order

MANIFEST = "manifest.json"
GUIDE = "README.md"
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".json": "application/json",
    ".yaml": "application/yaml",
    ".svg": "image/svg+xml",
    ".mmd": "text/vnd.mermaid",
    ".md": "text/markdown",
    ".feature": "text/x-gherkin",
}


@dataclass(frozen=True)
class BundleFile:
    path: str
    content: bytes
    describes: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(Path(self.path).suffix, "application/octet-stream")


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML, written out in full: no anchors and aliases for repeated parts (the
    error responses every operation shares), which some readers do not follow."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml(data: Any) -> bytes:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def _guide() -> bytes:
    path = Path(settings.BASE_DIR) / "docs" / "vendor-bundle.md"
    return path.read_bytes()


def bundle_files(
    *, doc: Document, meta: PdfMeta, pdf: Callable[[], bytes], snapshot: bytes | None = None
) -> list[BundleFile]:
    """Every file of the bundle but the manifest.

    Not validated here: checking every file against its standard takes far longer than
    writing them (seconds per file on a big blueprint), so the tests check the bundles of
    the demo, the template and the large benchmark blueprint, and `bundle_check` (also
    `manage.py bundle_check`) checks any bundle as a vendor would.
    """
    context = {
        "present": document_present(doc),
        "version_number": meta.version_number,
        "signed": meta.signed,
        "date": meta.date,
        "sha256": meta.sha256,
    }
    # A signed version ships its snapshot byte for byte, so its SHA-256 is the one signed.
    snapshot = snapshot if snapshot is not None else document_to_json(doc)
    rows = sheet_rows(doc)
    files = [
        BundleFile(GUIDE, _guide(), "What each file is, for the vendor."),
        BundleFile("blueprint.pdf", pdf(), "The vendor PDF, as signed (or marked DRAFT)."),
        BundleFile(
            "blueprint.json",
            snapshot,
            "The blueprint in the app's own JSON format: the signed snapshot itself.",
        ),
        BundleFile(
            "blueprint.schema.json",
            json.dumps(document_json_schema(), indent=2, ensure_ascii=False).encode("utf-8"),
            "The JSON Schema (2020-12) of blueprint.json.",
        ),
        BundleFile(
            "mapping-sheet.xlsx",
            sheet_xlsx(rows, systems=[s.name for s in systems_in_order(doc)]),
            "The field mapping sheet as a workbook.",
        ),
        BundleFile("mapping-sheet.csv", sheet_csv(rows), "The field mapping sheet as CSV."),
    ]
    for name, contract in entity_contracts(doc, context).items():
        files.append(
            BundleFile(
                name,
                _yaml(contract),
                f"The data contract of “{contract['name']}” (ODCS {API_VERSION}).",
            )
        )
    for name, spec in system_apis(doc, context).items():
        files.append(
            BundleFile(name, _yaml(spec), f"What the integration writes: {spec['info']['title']}.")
        )
    for feature in acceptance_features(doc):
        files.append(
            BundleFile(
                feature.path,
                feature.text.encode("utf-8"),
                f"Acceptance test (Gherkin): {feature.title}"
                + (", worded by the people." if feature.edited else "."),
            )
        )
    files.append(
        BundleFile("system-map.svg", systemmap_svg(doc).encode("utf-8"), "The system map.")
    )
    files.append(
        BundleFile(
            "system-map.mmd", systemmap_mermaid(doc).encode("utf-8"), "The system map in Mermaid."
        )
    )
    return files


def bundle_manifest(*, doc: Document, meta: PdfMeta, files: list[BundleFile]) -> dict[str, Any]:
    return {
        "bundle": "Integration Blueprint vendor bundle",
        "project": doc.project.name,
        "version": meta.version_number,
        "status": "signed"
        if meta.signed
        else ("DRAFT, awaiting sign-off" if meta.state == Project.State.AWAITING else "DRAFT"),
        "signedAt": meta.date.isoformat() if meta.signed else None,
        "builtAt": None if meta.signed else meta.date.isoformat(),
        "snapshotSha256": meta.sha256,
        "approvals": [
            {
                "role": s.role,
                "name": s.name,
                "meaning": s.meaning,
                "at": s.at.isoformat(),
                "contentSha256": s.content_hash,
            }
            for s in meta.signatures
        ],
        "standards": {
            "dataContracts": f"Open Data Contract Standard {API_VERSION}",
            "apis": f"OpenAPI {OPENAPI_VERSION}",
            "blueprint": "blueprint.schema.json (JSON Schema 2020-12)",
            "acceptanceTests": "Gherkin (checked with the official Cucumber parser)",
        },
        "files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "bytes": len(f.content),
                "mediaType": f.media_type,
                "describes": f.describes,
            }
            for f in files
        ],
    }


def _zip(entries: list[tuple[str, bytes]], date: datetime.datetime) -> bytes:
    stamp = max(date.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in entries:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def bundle_build(
    *, doc: Document, meta: PdfMeta, pdf: Callable[[], bytes], snapshot: bytes | None = None
) -> bytes:
    """The zip: the manifest first, then every file it lists."""
    files = bundle_files(doc=doc, meta=meta, pdf=pdf, snapshot=snapshot)
    manifest = bundle_manifest(doc=doc, meta=meta, files=files)
    entries = [(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))]
    entries += [(f.path, f.content) for f in files]
    return _zip(entries, meta.date)


def bundle_filename(*, project_name: str, version_number: int, signed: bool) -> str:
    stem = slugify(project_name)[:60].strip("-") or "blueprint"
    return f"{stem}-v{version_number}-{'signed' if signed else 'draft'}-vendor-bundle.zip"


# --- the ways in ------------------------------------------------------------------------


def project_bundle_build(project: Project) -> bytes:
    """The bundle of today's blueprint (draft or awaiting sign-off), marked DRAFT.

    Built once per content, like the draft PDF (under the same content key): an
    unchanged blueprint is served from storage without reading it again, and storage
    keeps the current one only.
    """
    folder = f"draft-bundles/project-{project.pk}"
    stored = stored_read(f"{folder}/{draft_content_key(project)}.zip")
    if stored is not None:
        return stored
    doc = document_load(project)
    meta = pdf_meta_for_project(project=project, doc=doc)
    name = f"{folder}/{draft_key(meta)}.zip"
    bundle = bundle_build(
        doc=doc, meta=meta, pdf=lambda: project_pdf_render(project=project, doc=doc)
    )
    drafts_forget(folder, keep=name)
    return stored_claim(name, bundle)


def _stored_name(version: Version) -> str:
    return f"signed-bundles/project-{version.project_id}-v{version.number}.zip"


def version_bundle_get(version: Version) -> bytes:
    """A signed version's bundle: built from its snapshot once, then served as stored."""
    if not version.is_intact:
        raise SnapshotTampered(TAMPERED_MESSAGE.format(number=version.number))
    name = _stored_name(version)
    stored = stored_read(name)
    if stored is not None:
        return stored
    doc = document_from_json(version.snapshot)
    bundle = bundle_build(
        doc=doc,
        meta=pdf_meta_for_version(version=version),
        pdf=lambda: version_pdf_get(version=version),
        snapshot=version.snapshot.encode("utf-8"),
    )
    return stored_claim(name, bundle)
