from __future__ import annotations

from django.urls import path, register_converter

from blueprint.views import (
    acceptance,
    delivery,
    exports,
    field_mappings,
    governance,
    interchange,
    items,
    mapping,
    mapping_grid,
    notes,
    project,
    pulse,
    readiness,
    requirements,
    scenarios,
    signoff,
)
from blueprint.views.invitations import invitation_accept_view


class IdConverter:
    """A database id: digits only, and small enough for a 64-bit column (else 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "blueprint"

urlpatterns = [
    path("", project.project_list, name="project_list"),
    path("projects/new/", project.project_new, name="project_new"),
    path("p/<id:pk>/", project.project_detail, name="project_detail"),
    path("p/<id:pk>/edit/", project.project_edit, name="project_edit"),
    path("p/<id:pk>/export.json", project.project_json, name="project_json"),
    path("p/<id:pk>/members/", project.member_create, name="member_create"),
    path(
        "p/<id:pk>/invitations/<id:invitation_pk>/revoke/",
        project.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("invite/<str:token>/", invitation_accept_view, name="invitation_accept"),
    path("p/<id:pk>/members/<id:member_pk>/", project.member_update, name="member_update"),
    path("p/<id:pk>/members/<id:member_pk>/delete/", project.member_delete, name="member_delete"),
    # One page per artifact.
    path("p/<id:pk>/scenarios/", scenarios.scenarios_page, name="scenarios"),
    path(
        "p/<id:pk>/scenarios/<id:item_pk>/trace/",
        acceptance.trace_page,
        name="scenario_trace",
    ),
    path("p/<id:pk>/acceptance/", acceptance.acceptance_page, name="acceptance"),
    path("p/<id:pk>/acceptance.zip", acceptance.acceptance_download, name="acceptance_zip"),
    path(
        "p/<id:pk>/acceptance/<slug:kind>/<id:item_pk>/",
        acceptance.acceptance_edit,
        name="acceptance_edit",
    ),
    path("p/<id:pk>/data-model/", mapping.data_model_page, name="data_model"),
    path("p/<id:pk>/field-mappings/", field_mappings.mappings_page, name="mappings"),
    path("p/<id:pk>/field-mappings/export.csv", interchange.mappings_csv, name="mappings_csv"),
    path("p/<id:pk>/field-mappings/export.xlsx", interchange.mappings_xlsx, name="mappings_xlsx"),
    path("p/<id:pk>/field-mappings/import/", interchange.mappings_import, name="mappings_import"),
    path(
        "p/<id:pk>/field-mappings/<id:item_pk>/cell/",
        mapping_grid.mapping_hx_cell,
        name="mapping_hx_cell",
    ),
    path("p/<id:pk>/field-mappings/add/", mapping_grid.mapping_hx_add, name="mapping_hx_add"),
    path("p/<id:pk>/field-mappings/bulk/", mapping_grid.mapping_hx_bulk, name="mapping_hx_bulk"),
    path("p/<id:pk>/field-mappings/paste/", mapping_grid.mapping_hx_paste, name="mapping_hx_paste"),
    path("p/<id:pk>/ownership/", governance.governance_page, name="governance"),
    path("p/<id:pk>/reporting/", requirements.requirements_page, name="requirements"),
    path("p/<id:pk>/delivery/", delivery.delivery_page, name="delivery"),
    # Questions, proposed changes and decisions on any item or the project.
    path("p/<id:pk>/notes/", notes.notes_page, name="notes"),
    path("p/<id:pk>/notes/new/", notes.note_create_view, name="note_create"),
    path("p/<id:pk>/notes/<id:item_pk>/answer/", notes.note_answer_view, name="note_answer"),
    path("p/<id:pk>/notes/<id:item_pk>/decide/", notes.note_decide_view, name="note_decide"),
    path("p/<id:pk>/notes/<id:item_pk>/delete/", notes.note_delete_view, name="note_delete"),
    path("p/<id:pk>/pulse/", pulse.project_pulse, name="project_pulse"),
    # Readiness, sign-off, versions, activity.
    path("p/<id:pk>/readiness/", readiness.readiness_page, name="readiness"),
    path("p/<id:pk>/readiness/nav/", readiness.readiness_hx_nav, name="readiness_hx_nav"),
    path("p/<id:pk>/signoff/", signoff.signoff_page, name="signoff"),
    path("p/<id:pk>/review/", signoff.review_page, name="review"),
    path("p/<id:pk>/signoff/request/", signoff.signoff_request_view, name="signoff_request"),
    path("p/<id:pk>/signoff/approve/", signoff.signoff_approve_view, name="signoff_approve"),
    path("p/<id:pk>/signoff/send-back/", signoff.signoff_send_back_view, name="signoff_send_back"),
    path("p/<id:pk>/reopen/", signoff.project_reopen_view, name="project_reopen"),
    path("p/<id:pk>/versions/", signoff.versions_page, name="versions"),
    path("p/<id:pk>/versions/<id:number>/", signoff.version_detail, name="version_detail"),
    path("p/<id:pk>/diff/", signoff.diff_page, name="diff"),
    path("p/<id:pk>/activity/", signoff.activity_page, name="activity"),
    # Exports.
    path("p/<id:pk>/export.pdf", exports.project_pdf, name="project_pdf"),
    path("p/<id:pk>/versions/<id:number>/export.pdf", exports.version_pdf, name="version_pdf"),
    path(
        "p/<id:pk>/pdf-renders/<id:render_id>/",
        exports.pdf_render_progress,
        name="pdf_render_progress",
    ),
    path("p/<id:pk>/vendor-bundle.zip", exports.project_bundle, name="project_bundle"),
    path(
        "p/<id:pk>/versions/<id:number>/vendor-bundle.zip",
        exports.version_bundle,
        name="version_bundle",
    ),
    path("p/<id:pk>/system-map/", exports.system_map, name="system_map"),
    # The inline editor shared by every kind of item.
    path("p/<id:pk>/items/<slug:kind>/new/", items.item_create, name="item_create"),
    path("p/<id:pk>/items/<slug:kind>/<id:item_pk>/", items.item_hx_row, name="item_hx_row"),
    path("p/<id:pk>/items/<slug:kind>/<id:item_pk>/edit/", items.item_update, name="item_update"),
    path(
        "p/<id:pk>/items/<slug:kind>/<id:item_pk>/delete/",
        items.item_delete_view,
        name="item_delete",
    ),
    path(
        "p/<id:pk>/items/<slug:kind>/<id:item_pk>/move/<str:direction>/",
        items.item_hx_move,
        name="item_hx_move",
    ),
]
