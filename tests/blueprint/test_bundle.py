"""The vendor bundle: every file valid against its standard, the manifest's hashes
right, a signed version's bundle built once and refused from a tampered snapshot, and a
vendor-side reader that finds every row of the mapping sheet in the contracts and APIs.

The bundles of the demo, the template and the large benchmark blueprint are built once
per module (checking a big bundle against the standards takes seconds).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from open_data_contract_standard.model import OpenDataContractStandard

from blueprint.benchdata import BenchSize, benchmark_blueprint_create
from blueprint.bundle import bundle_build, bundle_check, version_bundle_get
from blueprint.bundle.validate import document_problems, odcs_problems, openapi_problems
from blueprint.demo import demo_load
from blueprint.document import Document, document_hash, document_load, document_to_dict
from blueprint.interchange.schema import document_json_schema
from blueprint.interchange.sheet_columns import HEADERS
from blueprint.interchange.templates import templates_list
from blueprint.models import FieldMapping, Project, Role, Version
from blueprint.pdf import PdfMeta, Signature, SnapshotTampered
from blueprint.systemmap import mermaid_label, systemmap_mermaid
from tests.blueprint.blueprints import adding, change, ready_document, signed_version_create
from tests.factories import (
    FieldMappingFactory,
    MembershipFactory,
    SystemFactory,
    UserFactory,
)

SIGNED_AT = datetime.datetime(2026, 3, 12, 9, 30, 5, tzinfo=datetime.UTC)
FAKE_PDF = b"%PDF-1.7 stand-in for the tests that do not read it"
DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def meta_for(doc: Document, *, signed: bool = True) -> PdfMeta:
    return PdfMeta(
        version_number=3,
        state=Project.State.SIGNED if signed else Project.State.DRAFT,
        date=SIGNED_AT,
        sha256=document_hash(doc),
        signatures=(Signature("Business leader", "Bianca Rossi", "Approved", SIGNED_AT, "ab" * 32),)
        if signed
        else (),
    )


def build(doc: Document, *, signed: bool = True) -> bytes:
    return bundle_build(doc=doc, meta=meta_for(doc, signed=signed), pdf=lambda: FAKE_PDF)


def files_of(bundle: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(bundle))
    return {name: archive.read(name) for name in archive.namelist()}


# --- a vendor's reader: the standard libraries only -----------------------------------


@dataclasses.dataclass
class VendorView:
    """What a vendor gets out of the bundle with yaml and the ODCS model (that every
    OpenAPI file validates is `bundle_check`'s test), indexed for finding mappings."""

    contracts: dict[str, OpenDataContractStandard]  # by entity name
    apis: dict[str, dict[str, Any]]  # by system name
    sheet: list[dict[str, str]]


_READ: dict[str, VendorView] = {}


def vendor_read(bundle: bytes) -> VendorView:
    key = hashlib.sha256(bundle).hexdigest()
    if key in _READ:
        return _READ[key]
    files = files_of(bundle)
    contracts = {}
    apis = {}
    for name, content in files.items():
        if name.startswith("contracts/"):
            contract = OpenDataContractStandard.model_validate(yaml.safe_load(content))
            contracts[contract.name] = contract
        elif name.startswith("openapi/"):
            spec = yaml.safe_load(content)
            apis[spec["info"]["title"].split(": what “", 1)[0]] = spec
    sheet = list(csv.DictReader(io.StringIO(files["mapping-sheet.csv"].decode("utf-8-sig"))))
    _READ[key] = VendorView(contracts, apis, sheet)
    return _READ[key]


def unescaped(cell: str) -> str:
    """A CSV cell as typed: the sheet guards formula-like text with an apostrophe."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in "=+-@\t\r" else cell


def sheet_row_found(view: VendorView, row: dict[str, str]) -> list[str]:
    """Where a vendor finds one mapping row: what is missing, [] when all is found."""
    source_system, source_field = row[HEADERS[0]], unescaped(row[HEADERS[1]])
    target_system, target_field = row[HEADERS[2]], unescaped(row[HEADERS[3]])
    entity, attribute = row[HEADERS[8]], row[HEADERS[9]]
    source = f"{source_system}.{source_field}"
    missing = []
    api = view.apis.get(target_system)
    in_api = api is not None and any(
        source in schema.get("properties", {}).get(target_field, {}).get("x-source", [])
        for schema in api["components"]["schemas"].values()
    )
    if not in_api:
        missing.append(f"OpenAPI of {target_system} has no {target_field} from {source}")
    if not entity:
        return missing
    contract = view.contracts.get(entity)
    if contract is None:
        return [*missing, f"no contract for {entity}"]
    logical, *received = contract.schema_ or []
    fed = next((p for p in logical.properties or [] if p.name == attribute), None)
    if fed is None or source not in (fed.transformSourceObjects or []):
        missing.append(f"contract {entity} has no attribute {attribute} fed by {source}")
    written = any(
        prop.name == target_field and source in (prop.transformSourceObjects or [])
        for obj in received
        if obj.physicalName == target_system
        for prop in obj.properties or []
    )
    if not written:
        missing.append(f"contract {entity} has no {target_system}.{target_field} from {source}")
    return missing


# --- the three blueprints ---------------------------------------------------------------


@pytest.fixture(scope="module")
def template_bundle() -> bytes:
    return build(templates_list()[0].document())


# Built once per run (in the first test that asks, inside its transaction) and kept.
_BUILT: dict[str, Any] = {}


@pytest.fixture
def demo_bundle(db: None) -> bytes:
    if "demo" not in _BUILT:
        demo_load(data=json.loads(DEMO.read_text(encoding="utf-8")))
        doc = document_load(Project.objects.get(name="Lead-to-cash: CRM and ERP"))
        _BUILT["demo"] = build(doc)
    return _BUILT["demo"]


@pytest.fixture
def large_bundle(db: None) -> tuple[bytes, Document]:
    if "large" not in _BUILT:
        project = Project.objects.create(name="Benchmark blueprint")
        benchmark_blueprint_create(project=project, size=BenchSize())
        doc = document_load(project)
        _BUILT["large"] = (build(doc, signed=False), doc)
    return _BUILT["large"]


ALL = ("template_bundle", "demo_bundle", "large_bundle")


def bundle_of(request: pytest.FixtureRequest, name: str) -> bytes:
    value = request.getfixturevalue(name)
    return value[0] if isinstance(value, tuple) else value


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_every_file_follows_its_standard_and_its_hash(
    request: pytest.FixtureRequest, name: str
) -> None:
    bundle = bundle_of(request, name)
    assert bundle_check(bundle) == {}
    files = files_of(bundle)
    assert any(n.startswith("contracts/") for n in files)
    assert any(n.startswith("openapi/") for n in files)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_a_vendor_finds_every_mapping_of_the_sheet(
    request: pytest.FixtureRequest, name: str
) -> None:
    view = vendor_read(bundle_of(request, name))
    assert view.sheet, "the sheet has rows"
    problems = [p for row in view.sheet for p in sheet_row_found(view, row)]
    assert problems == []


def test_the_large_bundle_has_a_contract_per_entity_and_an_api_per_target(
    large_bundle: tuple[bytes, Document],
) -> None:
    bundle, doc = large_bundle
    files = files_of(bundle)
    contracts = [n for n in files if n.startswith("contracts/")]
    apis = [n for n in files if n.startswith("openapi/")]
    assert len(contracts) == len(doc.entities)
    receivers = {m.target_system_id for m in doc.mappings} | {
        m.source_system_id
        for m in doc.mappings
        if m.direction == FieldMapping.Direction.BIDIRECTIONAL
    }
    assert len(apis) == len(receivers)
    view = vendor_read(bundle)
    assert len(view.sheet) == len(doc.mappings)


# --- the manifest -----------------------------------------------------------------------


def test_the_manifest_ties_every_file_to_the_snapshot(template_bundle: bytes) -> None:
    files = files_of(template_bundle)
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest()
        assert entry["bytes"] == len(files[path])
    assert hashlib.sha256(files["blueprint.json"]).hexdigest() == manifest["snapshotSha256"]
    assert manifest["status"] == "signed" and manifest["version"] == 3
    assert manifest["signedAt"] == SIGNED_AT.isoformat()
    assert manifest["approvals"][0]["name"] == "Bianca Rossi"
    assert files["blueprint.pdf"] == FAKE_PDF
    assert files["README.md"] == (Path(settings.BASE_DIR) / "docs/vendor-bundle.md").read_bytes()
    for expected in ("mapping-sheet.xlsx", "mapping-sheet.csv", "blueprint.schema.json"):
        assert expected in files
    features = [n for n in files if n.endswith(".feature")]
    doc = templates_list()[0].document()
    assert len(features) == len(doc.scenarios) + len(doc.exceptions)
    assert all(n.startswith(("features/scenarios/", "features/exceptions/")) for n in features)
    assert files["system-map.svg"].startswith(b"<svg")
    assert files["system-map.mmd"].startswith(b"flowchart LR")


def test_a_changed_file_or_a_stray_file_is_caught() -> None:
    doc = ready_document()
    files = files_of(build(doc))
    files["mapping-sheet.csv"] += b"Extra,row\n"
    files["extra.txt"] = b"not listed"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    problems = bundle_check(buffer.getvalue())
    assert problems == {
        "mapping-sheet.csv": ["its SHA-256 differs from the manifest's"],
        "extra.txt": ["in the zip but not in the manifest"],
    }


def test_a_draft_says_draft_everywhere() -> None:
    doc = ready_document()
    files = files_of(build(doc, signed=False))
    manifest = json.loads(files["manifest.json"])
    assert manifest["status"] == "DRAFT" and manifest["signedAt"] is None
    for name, content in files.items():
        if name.startswith("contracts/"):
            assert yaml.safe_load(content)["status"] == "draft"
        if name.startswith("openapi/"):
            assert "DRAFT" in yaml.safe_load(content)["info"]["description"]


# --- what the contracts say -------------------------------------------------------------


def contract_of(doc: Document, entity: str) -> dict[str, Any]:
    files = files_of(build(doc))
    for name, content in files.items():
        if name.startswith("contracts/"):
            data = yaml.safe_load(content)
            if data["name"] == entity:
                return data
    raise AssertionError(f"no contract for {entity}")


def api_of(doc: Document, system: str) -> dict[str, Any]:
    for name, content in files_of(build(doc)).items():
        if name.startswith("openapi/"):
            data = yaml.safe_load(content)
            if data["info"]["title"].startswith(f"{system}:"):
                return data
    raise AssertionError(f"no OpenAPI for {system}")


def test_a_contract_carries_identity_source_of_truth_owners_and_exceptions() -> None:
    doc = ready_document()
    entity = doc.entities[0]
    contract = contract_of(doc, entity.name)
    logical = contract["schema"][0]
    assert logical["name"] == entity.name
    by_name = {p["name"]: p for p in logical["properties"]}
    for key in entity.identity_attribute_ids:
        attribute = doc.get("attributes", key)
        assert by_name[attribute.name]["primaryKey"] is True
    for attribute in doc.children_of("attributes", "entity_id", entity.id):
        custom = {c["property"]: c["value"] for c in by_name[attribute.name]["customProperties"]}
        if attribute.source_of_truth_id is not None:
            assert custom["sourceOfTruth"] == doc.name_of("systems", attribute.source_of_truth_id)
    quality = {q["name"] for q in logical["quality"]}
    assert "Identity" in quality
    assert {f"Exception: {doc.name_of('exceptions', x.id)}" for x in doc.exceptions} <= quality
    assert {m["username"] for m in contract["team"]["members"]} == {m.email for m in doc.members}
    assert len(contract["roles"]) == len(doc.ownership)
    custom = {c["property"]: c["value"] for c in contract["customProperties"]}
    assert custom["blueprintSha256"] == document_hash(doc)
    assert odcs_problems(contract) == []


def test_an_api_types_fields_from_the_attribute_kinds_and_keeps_protected_fields() -> None:
    doc = ready_document()
    mapping = doc.mappings[0]
    attribute = doc.get("attributes", mapping.attribute_id)
    dated = change(doc, "attributes", attribute.id, kind="date")
    kept = change(dated, "mappings", mapping.id, conflict_rule="never_overwrite", required=True)
    target = doc.name_of("systems", mapping.target_system_id)
    api = api_of(kept, target)
    assert openapi_problems(api) == []
    entity = doc.name_of("entities", attribute.entity_id)
    schemas = api["components"]["schemas"]
    create = next(s for s in schemas.values() if s.get("description", "").startswith(entity + ":"))
    field = create["properties"][mapping.target_field]
    assert field["type"] == "string" and field["format"] == "date"
    assert mapping.target_field in create["required"]
    assert (
        f"{doc.name_of('systems', mapping.source_system_id)}.{mapping.source_field}"
        in (field["x-source"])
    )
    update = next(
        s
        for s in schemas.values()
        if s.get("description", "").startswith(f"{entity}: the fields an update")
    )
    assert mapping.target_field not in update["properties"]


def test_exception_rules_become_error_responses() -> None:
    doc = ready_document()
    mapping = doc.mappings[0]
    api = api_of(doc, doc.name_of("systems", mapping.target_system_id))
    operation = next(iter(api["paths"].values()))["post"]
    situations = {x.situation for x in doc.exceptions}
    if "already_exists" in situations:
        assert "409" in operation["responses"]
    assert all(
        "x-exception-rules" in r for code, r in operation["responses"].items() if code != "201"
    )


def test_hostile_names_stay_text_in_every_format() -> None:
    doc = ready_document()
    system = doc.systems[0]
    entity = doc.entities[0]
    hostile = change(
        change(doc, "systems", system.id, name='Evil"]; click s1 call x() %% <b>#1</b>'),
        "entities",
        entity.id,
        name="../../etc/passwd: &anchor *alias",
    )
    bundle = build(hostile)
    assert bundle_check(bundle) == {}
    files = files_of(bundle)
    assert not any(".." in name or name.startswith("/") for name in files)
    contract = contract_of(hostile, "../../etc/passwd: &anchor *alias")
    assert contract["schema"][0]["name"] == "../../etc/passwd: &anchor *alias"
    mermaid = files["system-map.mmd"].decode()
    assert '"]' not in mermaid.replace('"]\n', "\n").replace('"|', "|")
    assert "<b>" not in mermaid and "#quot;" in mermaid and "#lt;b#gt;" in mermaid


# --- the system map in Mermaid ----------------------------------------------------------


def test_mermaid_draws_a_node_per_system_and_an_edge_per_arrow_group() -> None:
    doc = ready_document()
    text = systemmap_mermaid(doc)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [line for line in lines[1:] if "[" in line and "|" not in line]
    edges = [line for line in lines[1:] if "|" in line]
    assert len(nodes) == len(doc.systems)
    from blueprint.systemmap import systemmap_groups

    groups = systemmap_groups(doc)
    assert len(edges) == len(groups)
    assert sum(g.bidirectional for g in groups) == sum("<-->" in e for e in edges)


def test_a_mermaid_label_cannot_end_itself() -> None:
    assert (
        mermaid_label('a "b" <c> #d `e`|\nf')
        == '"a #quot;b#quot; #lt;c#gt; #35;d #96;e#96;#124; f"'
    )


# --- the blueprint's own JSON Schema ----------------------------------------------------


def test_the_json_schema_accepts_exports_and_refuses_what_the_import_refuses() -> None:
    doc = ready_document()
    data = json.loads(json.dumps(document_to_dict(doc), default=str))
    assert document_problems(data) == []
    data["systems"][0]["kind"] = "mainframe"
    data["entities"][0]["name"] = "   "
    data["mappings"][0]["surprise"] = 1
    problems = document_problems(data)
    assert len(problems) == 3
    assert document_json_schema()["$defs"]["systems"]["properties"]["kind"]["enum"][0] == "crm"


# --- signed versions: stored once, refused when tampered --------------------------------


def signed_version() -> Version:
    return signed_version_create()


@pytest.mark.django_db
class TestSignedBundles:
    def test_it_is_built_once_from_the_snapshot_and_never_changes(self) -> None:
        version = signed_version()
        first = version_bundle_get(version)
        files = files_of(first)
        manifest = json.loads(files["manifest.json"])
        assert manifest["snapshotSha256"] == version.sha256
        assert files["blueprint.json"] == version.snapshot.encode("utf-8")
        assert [a["contentSha256"] for a in manifest["approvals"]] == [version.sha256] * 3
        version.refresh_from_db()
        assert files["blueprint.pdf"] == version.pdf.read()
        # Today's rows change; the signed bundle does not.
        SystemFactory(project=version.project, name="Added after signing")
        assert version_bundle_get(Version.objects.get(pk=version.pk)) == first
        assert b"Added after signing" not in first

    def test_a_tampered_snapshot_is_refused(self) -> None:
        version = signed_version()
        version_bundle_get(version)  # stored before the tampering
        Version.objects.filter(pk=version.pk).update(
            snapshot=version.snapshot.replace("Sales CRM", "Hacked CRM")
        )
        with pytest.raises(SnapshotTampered, match="no longer matches"):
            version_bundle_get(Version.objects.get(pk=version.pk))


# --- the views --------------------------------------------------------------------------


@pytest.mark.django_db
class TestViews:
    def test_the_draft_bundle_downloads_marked_draft(self, alice: Client, project: Project) -> None:
        source = SystemFactory(project=project, name="CRM")
        target = SystemFactory(project=project, name="ERP")
        FieldMappingFactory(project=project, source_system=source, target_system=target)
        response = alice.get(reverse("blueprint:project_bundle", args=[project.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert "draft-vendor-bundle.zip" in response["Content-Disposition"]
        files = files_of(response.content)
        assert json.loads(files["manifest.json"])["status"] == "DRAFT"
        assert files["blueprint.pdf"].startswith(b"%PDF")
        assert bundle_check(response.content) == {}

    def test_an_unchanged_draft_is_served_as_stored_and_a_change_replaces_it(
        self, alice: Client, project: Project
    ) -> None:
        SystemFactory(project=project, name="CRM")
        url = reverse("blueprint:project_bundle", args=[project.pk])
        first = alice.get(url).content
        folder = Path(settings.MEDIA_ROOT) / f"draft-bundles/project-{project.pk}"
        assert len(list(folder.iterdir())) == 1
        assert alice.get(url).content == first
        alice.post(
            reverse("blueprint:item_create", args=[project.pk, "system"]),
            {
                "name": "ERP",
                "kind": "erp",
                "api_maturity": "mature",
                "api_documentation": "complete",
                "test_environment": "yes",
            },
        )
        second = alice.get(url).content
        assert second != first and b"ERP" in files_of(second)["blueprint.json"]
        assert len(list(folder.iterdir())) == 1

    def test_a_viewer_may_download_and_an_outsider_may_not(
        self, vera: Client, charlie: Client, project: Project
    ) -> None:
        url = reverse("blueprint:project_bundle", args=[project.pk])
        assert vera.get(url).status_code == 200
        assert charlie.get(url).status_code == 404

    def test_a_signed_project_sends_people_to_the_signed_bundle(self) -> None:
        version = signed_version()
        project = version.project
        user = UserFactory()
        MembershipFactory(project=project, user=user, role=Role.VIEWER)
        client = Client()
        client.force_login(user)
        response = client.get(reverse("blueprint:project_bundle", args=[project.pk]))
        url = reverse("blueprint:version_bundle", args=[project.pk, version.number])
        assert response.status_code == 302 and response["Location"] == url
        signed = client.get(url)
        assert signed.status_code == 200
        assert "v1-signed-vendor-bundle.zip" in signed["Content-Disposition"]
        assert json.loads(files_of(signed.content)["manifest.json"])["status"] == "signed"

    def test_a_tampered_version_gets_a_page_that_says_so(self) -> None:
        version = signed_version()
        Version.objects.filter(pk=version.pk).update(snapshot=version.snapshot + " ")
        user = UserFactory()
        MembershipFactory(project=version.project, user=user, role=Role.VIEWER)
        client = Client()
        client.force_login(user)
        url = reverse("blueprint:version_bundle", args=[version.project.pk, version.number])
        response = client.get(url)
        assert response.status_code == 409
        assert "no longer matches" in response.context["message"]

    def test_an_unknown_version_is_not_found(self, alice: Client, project: Project) -> None:
        url = reverse("blueprint:version_bundle", args=[project.pk, 9])
        assert alice.get(url).status_code == 404


def test_a_mapping_without_an_attribute_is_an_unassigned_field_of_the_api() -> None:
    doc = ready_document()
    m = doc.mappings[0]
    extra = dataclasses.replace(m, id="loose", attribute_id=None, target_field="Loose field")
    loose = adding(doc, "mappings", extra)
    api = api_of(loose, doc.name_of("systems", m.target_system_id))
    unassigned = next(
        s
        for s in api["components"]["schemas"].values()
        if s.get("description", "").startswith("Unassigned fields:")
    )
    assert "Loose field" in unassigned["properties"]
