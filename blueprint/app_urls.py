from __future__ import annotations

from django.urls import path

from blueprint.views import (
    delivery,
    exports,
    field_mappings,
    governance,
    interchange,
    items,
    mapping,
    project,
    pulse,
    readiness,
    requirements,
    scenarios,
    signoff,
)

app_name = "blueprint"

urlpatterns = [
    path("", project.project_list, name="project_list"),
    path("projects/new/", project.project_new, name="project_new"),
    path("p/<int:pk>/", project.project_detail, name="project_detail"),
    path("p/<int:pk>/edit/", project.project_edit, name="project_edit"),
    path("p/<int:pk>/export.json", project.project_json, name="project_json"),
    path("p/<int:pk>/members/", project.member_create, name="member_create"),
    path("p/<int:pk>/members/<int:member_pk>/", project.member_update, name="member_update"),
    path("p/<int:pk>/members/<int:member_pk>/delete/", project.member_delete, name="member_delete"),
    # One page per artifact.
    path("p/<int:pk>/scenarios/", scenarios.scenarios_page, name="scenarios"),
    path("p/<int:pk>/data-model/", mapping.data_model_page, name="data_model"),
    path("p/<int:pk>/field-mappings/", field_mappings.mappings_page, name="mappings"),
    path("p/<int:pk>/field-mappings/export.csv", interchange.mappings_csv, name="mappings_csv"),
    path("p/<int:pk>/field-mappings/export.xlsx", interchange.mappings_xlsx, name="mappings_xlsx"),
    path("p/<int:pk>/field-mappings/import/", interchange.mappings_import, name="mappings_import"),
    path("p/<int:pk>/ownership/", governance.governance_page, name="governance"),
    path("p/<int:pk>/reporting/", requirements.requirements_page, name="requirements"),
    path("p/<int:pk>/delivery/", delivery.delivery_page, name="delivery"),
    path("p/<int:pk>/pulse/", pulse.project_pulse, name="project_pulse"),
    # Readiness, sign-off, versions, activity.
    path("p/<int:pk>/readiness/", readiness.readiness_page, name="readiness"),
    path("p/<int:pk>/readiness/nav/", readiness.readiness_hx_nav, name="readiness_hx_nav"),
    path("p/<int:pk>/signoff/", signoff.signoff_page, name="signoff"),
    path("p/<int:pk>/signoff/request/", signoff.signoff_request_view, name="signoff_request"),
    path("p/<int:pk>/signoff/approve/", signoff.signoff_approve_view, name="signoff_approve"),
    path("p/<int:pk>/signoff/send-back/", signoff.signoff_send_back_view, name="signoff_send_back"),
    path("p/<int:pk>/reopen/", signoff.project_reopen_view, name="project_reopen"),
    path("p/<int:pk>/versions/", signoff.versions_page, name="versions"),
    path("p/<int:pk>/versions/<int:number>/", signoff.version_detail, name="version_detail"),
    path("p/<int:pk>/diff/", signoff.diff_page, name="diff"),
    path("p/<int:pk>/activity/", signoff.activity_page, name="activity"),
    # Exports.
    path("p/<int:pk>/export.pdf", exports.project_pdf, name="project_pdf"),
    path("p/<int:pk>/versions/<int:number>/export.pdf", exports.version_pdf, name="version_pdf"),
    path("p/<int:pk>/system-map/", exports.system_map, name="system_map"),
    # The inline editor shared by every kind of item.
    path("p/<int:pk>/items/<slug:kind>/new/", items.item_create, name="item_create"),
    path("p/<int:pk>/items/<slug:kind>/<int:item_pk>/", items.item_hx_row, name="item_hx_row"),
    path("p/<int:pk>/items/<slug:kind>/<int:item_pk>/edit/", items.item_update, name="item_update"),
    path(
        "p/<int:pk>/items/<slug:kind>/<int:item_pk>/delete/",
        items.item_delete_view,
        name="item_delete",
    ),
    path(
        "p/<int:pk>/items/<slug:kind>/<int:item_pk>/move/<str:direction>/",
        items.item_hx_move,
        name="item_hx_move",
    ),
]
