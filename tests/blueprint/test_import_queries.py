"""Imports write in bulk: replacing the large benchmark's 1,000 mappings from a sheet
costs a few dozen queries, not one per row (issue: 1,985 queries before)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blueprint.benchdata import BenchSize, benchmark_blueprint_create
from blueprint.document import document_load
from blueprint.interchange.sheet import HEADERS, sheet_csv, sheet_parse, sheet_rows
from blueprint.interchange.sheet_import import mapping_import_apply
from blueprint.models import FieldMapping, Membership, Project, Role

pytestmark = pytest.mark.django_db


def test_replacing_1000_mappings_from_a_sheet_costs_at_most_50_queries() -> None:
    project = Project.objects.create(name="Large")
    benchmark_blueprint_create(project=project, size=BenchSize(mappings=1000))
    user = Membership.objects.get(project=project, role=Role.FACILITATOR).user
    header, body = list(HEADERS), sheet_rows(document_load(project))
    column = header.index("Transformation rule")
    # Change every other row, drop the last 100 and add 50 new ones.
    changed = [r[:column] + [f"{r[column]} (trimmed)"] + r[column + 1 :] for r in body[:900:2]]
    kept = body[1:900:2]
    added = [
        r[:3] + [f"{r[3]}_copy"] + r[4:] for r in body[:50]
    ]  # a new target field: a new mapping
    sheet = sheet_parse(filename="s.csv", content=sheet_csv([*changed, *kept, *added]))
    with CaptureQueriesContext(connection) as queries:
        applied = mapping_import_apply(
            project=project, user=user, sheet=sheet, filename="s.csv", replace=True
        )
    assert applied.count == 950 and len(applied.created) == 50
    assert len(queries) <= 50, len(queries)
    assert FieldMapping.objects.filter(project=project).count() == 950
    trimmed = FieldMapping.objects.filter(project=project, transformation__endswith="(trimmed)")
    assert trimmed.count() == 450
    assert set(trimmed.values_list("revision", flat=True)) == {2}
    assert project.activity.filter(action="imported").count() == 1
