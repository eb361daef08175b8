"""Uploads (ASVS 12.1): a size limit before anything is parsed, a zip bomb refused with
memory bounded, entity expansion refused, odd encodings read or refused; every refusal
is a message at the upload field, never a 500, and nothing is saved."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from blueprint.models import Project
from tests.blueprint.test_views_interchange import csv_file, good, parts, post  # noqa: F401

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def rows() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def refused_at(response: Any, field: str) -> str:
    assert response.status_code == 422
    [message] = response.context["form"].errors[field]
    return message


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook-looking zip whose one sheet unpacks to `unpacked_mb` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * MB
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def peak_mb(call: Any) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def test_a_zip_bomb_workbook_is_refused_without_unpacking_it(
    alice: Client,
    project: Project,
    parts: dict[str, object],  # noqa: F811
) -> None:
    bomb = zip_bomb(600)
    assert len(bomb) < 5 * MB  # small enough to pass the upload limit
    before = rows()
    response, peak = peak_mb(lambda: post(alice, project, bomb, name="sheet.xlsx"))
    assert "unpacks to more than" in refused_at(response, "file")
    assert peak < 200, f"peak {peak:.0f} MB"
    assert rows() == before


def test_a_workbook_that_expands_xml_entities_is_refused(
    alice: Client,
    project: Project,
    parts: dict[str, object],  # noqa: F811
) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<workbook>&lol3;</workbook>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", laughs)
        archive.writestr("xl/workbook.xml", laughs)
    before = rows()
    response = post(alice, project, buffer.getvalue(), name="sheet.xlsx")
    assert "not an Excel workbook" in refused_at(response, "file")
    assert rows() == before


def test_a_50_mb_csv_is_refused_before_it_is_read(
    alice: Client,
    project: Project,
    parts: dict[str, object],  # noqa: F811
) -> None:
    big = csv_file(good()) + b"x," * (25 * MB)
    before = rows()
    response, peak = peak_mb(lambda: post(alice, project, big))
    assert "the most allowed is 5 MB" in refused_at(response, "file")
    assert rows() == before
    # The request itself holds the 50 MB once; nothing parses or copies it again.
    assert peak < 200, f"peak {peak:.0f} MB"


@pytest.mark.parametrize(
    ("encoding", "readable"),
    [("utf-8", True), ("utf-8-sig", True), ("utf-16", True), ("cp1252", True)],
)
def test_a_csv_in_another_encoding_is_read(
    alice: Client,
    project: Project,
    parts: dict[str, object],  # noqa: F811
    encoding: str,
    readable: bool,
) -> None:
    text = csv_file(good(**{"Transformation rule": "Café → crème"})).decode("utf-8")
    if encoding == "cp1252":
        text = text.replace("→", "-")
    response = post(alice, project, text.encode(encoding))
    assert response.status_code == 302, response.context and response.context["form"].errors


def test_bytes_that_are_no_text_at_all_are_refused_with_a_message(
    alice: Client,
    project: Project,
    parts: dict[str, object],  # noqa: F811
) -> None:
    before = rows()
    response = post(alice, project, b"\x00\x01\x02\xff\xfe\x00garbage\x00" * 100)
    assert "not a CSV file" in refused_at(response, "file")
    assert rows() == before


def new_project(client: Client, raw: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("blueprint.json", raw, content_type="application/json")
    return client.post(
        reverse("blueprint:project_new"), {"start": "file", "blueprint_file": upload}
    )


@pytest.mark.parametrize(
    ("raw", "imports"),
    [
        (b"[" * 100_000 + b"]" * 100_000, False),  # nesting deeper than any parser's stack
        (b'{"project": {"name": "' + b"\xff\xfe" * 10 + b'"}}', False),  # not UTF-8
        (b"\xef\xbb\xbf" + json.dumps({"project": {"name": "BOM"}}).encode(), True),
        (b'{"project": {"name": "x"}, "systems": ' + b"[" * 5000 + b"]" * 5000 + b"}", False),
        (b'{"project": {"name": "\\ud800"}}', False),  # a lone surrogate
        (b'{"project": {"name": "x"}, "systems": [{"id": 1, "name": "CRM\\udfff"}]}', False),
        (b'{"project": {"name": "x"}, "systems": [{"id": 1, "name": "CRM\\u0000"}]}', False),
    ],
    ids=["deep", "latin", "bom", "deep-inside", "surrogate", "surrogate-name", "nul-name"],
)
def test_a_hostile_json_file_gets_a_message_at_the_field_never_a_500(
    alice: Client, raw: bytes, imports: bool
) -> None:
    before = Project.objects.count()
    response = new_project(alice, raw)
    if imports:
        assert response.status_code == 302
    else:
        assert refused_at(response, "blueprint_file")
        assert Project.objects.count() == before


def test_a_json_file_over_10_mb_is_refused_before_parsing(alice: Client) -> None:
    raw = b'{"project": {"name": "x"}, "pad": "' + b"a" * (11 * MB) + b'"}'
    before = rows()
    response = new_project(alice, raw)
    assert "larger than 10 MB" in refused_at(response, "blueprint_file")
    assert rows() == before
