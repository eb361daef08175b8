from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from blueprint import rules
from blueprint.activity import activity_record
from blueprint.models import (
    ActivityEntry,
    Approval,
    Attribute,
    AuditItem,
    Automation,
    CategoryNotApplicable,
    ContractItem,
    DeliveryPhase,
    Entity,
    EntityCopy,
    ExceptionRule,
    FieldMapping,
    Guardrail,
    Invitation,
    JourneyStep,
    Membership,
    Note,
    Outcome,
    OwnershipRule,
    PdfRender,
    Presence,
    Project,
    ReasonCode,
    Relationship,
    Report,
    ReportDimension,
    Scenario,
    System,
    Version,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SystemInline(admin.TabularInline):
    model = System
    extra = 0
    fields = ["name", "kind", "api_maturity", "api_documentation", "test_environment"]


class SameProjectForm(forms.ModelForm):
    """The admin's form: the many-to-many choices offer every project's items, and none of
    another project may be chosen (the model's clean checks the single ones)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        project = cleaned.get("project") or getattr(self.instance, "project", None)
        if project is not None:
            chosen = {
                f.name: cleaned[f.name]
                for f in self._meta.model._meta.many_to_many
                if cleaned.get(f.name) is not None
            }
            errors = rules.other_project_errors(self.instance, project_id=project.pk, chosen=chosen)
            for name in chosen:
                if name in errors:
                    self.add_error(name, errors[name])
        return cleaned


class ChangeLogged(admin.ModelAdmin):
    """An admin whose saves and deletes count as changes of their project's blueprint."""

    form = SameProjectForm

    # A change made here is a change of the blueprint like any other: it is logged, and
    # the project's change number moves on (live pages, cached readiness).
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the item and its many-to-many links are saved: one entry per save.
        super().save_related(request, form, formsets, change)
        action = ActivityEntry.Action.UPDATED if change else ActivityEntry.Action.CREATED
        self._log(request, form.instance, action)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        project = obj.project
        label = str(obj)
        super().delete_model(request, obj)
        activity_record(
            project=project,
            user=request.user,
            action=ActivityEntry.Action.DELETED,
            item_kind=f"{obj._meta.verbose_name} (admin)",
            item_label=label,
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        projects = {obj.project for obj in queryset.select_related("project")}
        super().delete_queryset(request, queryset)
        for project in projects:
            activity_record(
                project=project,
                user=request.user,
                action=ActivityEntry.Action.DELETED,
                item_kind=f"{queryset.model._meta.verbose_name_plural} (admin)",
                item_label="several items",
            )

    def _log(self, request: HttpRequest, obj: Any, action: str) -> None:
        activity_record(
            project=obj.project,
            user=request.user,
            action=action,
            item_kind=f"{obj._meta.verbose_name} (admin)",
            item_pk=obj.pk,
            item_label=str(obj),
        )


class ProjectItemAdmin(ChangeLogged):
    """Admin for a blueprint item: filter by project, search by its text."""

    list_filter = ["project"]
    list_select_related = ["project"]
    readonly_fields = ["revision", "created_at", "updated_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "version_number", "created_at"]
    list_filter = ["state"]
    search_fields = ["name", "summary", "business_question"]
    inlines = [MembershipInline, SystemInline]


@admin.register(Membership)
class MembershipAdmin(ChangeLogged):
    list_display = ["project", "user", "role"]
    list_filter = ["role"]
    search_fields = ["project__name", "user__email", "user__display_name"]
    autocomplete_fields = ["user"]


@admin.register(System)
class SystemAdmin(ChangeLogged):
    list_display = ["name", "project", "kind", "api_maturity", "api_documentation"]
    list_filter = ["kind", "api_maturity", "api_documentation", "test_environment"]
    search_fields = ["name", "description", "project__name"]


class JourneyStepInline(admin.TabularInline):
    model = JourneyStep
    extra = 0
    fields = ["position", "system", "description", "actor"]


@admin.register(Scenario)
class ScenarioAdmin(ProjectItemAdmin):
    list_display = ["title", "category", "project"]
    list_filter = ["project", "category"]
    search_fields = ["title", "narrative"]
    filter_horizontal = ["systems", "entities", "attributes", "outcomes"]
    inlines = [JourneyStepInline]


@admin.register(JourneyStep)
class JourneyStepAdmin(ProjectItemAdmin):
    list_display = ["scenario", "position", "system", "actor"]


@admin.register(CategoryNotApplicable)
class CategoryNotApplicableAdmin(ProjectItemAdmin):
    list_display = ["category", "project"]


class AttributeInline(admin.TabularInline):
    model = Attribute
    extra = 0
    fields = ["name", "kind", "source_of_truth"]


@admin.register(Entity)
class EntityAdmin(ProjectItemAdmin):
    list_display = ["name", "kind", "home_system", "sync_state", "project"]
    search_fields = ["name", "description"]
    filter_horizontal = ["identity_attributes", "identifier_acceptors"]
    inlines = [AttributeInline]


@admin.register(EntityCopy)
class EntityCopyAdmin(ProjectItemAdmin):
    list_display = ["entity", "system", "project"]


@admin.register(Attribute)
class AttributeAdmin(ProjectItemAdmin):
    list_display = ["name", "entity", "kind", "source_of_truth", "project"]
    search_fields = ["name", "description"]
    filter_horizontal = ["display_systems", "update_systems"]


@admin.register(Relationship)
class RelationshipAdmin(ProjectItemAdmin):
    list_display = ["from_entity", "description", "to_entity", "maintained_in"]
    filter_horizontal = ["synced_systems"]


class ReasonCodeInline(admin.TabularInline):
    model = ReasonCode
    extra = 0
    fields = ["code", "description"]


@admin.register(Outcome)
class OutcomeAdmin(ProjectItemAdmin):
    list_display = ["name", "polarity", "entity", "recorded_in", "project"]
    inlines = [ReasonCodeInline]


@admin.register(ReasonCode)
class ReasonCodeAdmin(ProjectItemAdmin):
    list_display = ["code", "outcome", "project"]


@admin.register(FieldMapping)
class FieldMappingAdmin(ProjectItemAdmin):
    list_display = [
        "source_system",
        "source_field",
        "target_system",
        "target_field",
        "direction",
        "conflict_rule",
        "project",
    ]
    list_select_related = ["project", "source_system", "target_system"]
    search_fields = ["source_field", "target_field", "transformation"]


@admin.register(OwnershipRule)
class OwnershipRuleAdmin(ProjectItemAdmin):
    list_display = ["area", "system", "owner_name", "owner_role", "project"]


@admin.register(ExceptionRule)
class ExceptionRuleAdmin(ProjectItemAdmin):
    list_display = ["situation", "manual_owner", "project"]


@admin.register(Note)
class NoteAdmin(ProjectItemAdmin):
    list_display = ["kind", "__str__", "asked_of", "status", "must_answer", "project"]
    list_filter = ["project", "kind", "status"]
    search_fields = ["text", "answer", "asked_of", "raised_by"]


@admin.register(Guardrail)
class GuardrailAdmin(ProjectItemAdmin):
    list_display = ["kind", "attribute", "system", "project"]
    filter_horizontal = ["forbidden_systems"]


class ReportDimensionInline(admin.TabularInline):
    model = ReportDimension
    extra = 0
    fields = ["name", "attribute"]


@admin.register(Report)
class ReportAdmin(ProjectItemAdmin):
    list_display = ["name", "measures", "project"]
    inlines = [ReportDimensionInline]


@admin.register(ReportDimension)
class ReportDimensionAdmin(ProjectItemAdmin):
    list_display = ["name", "report", "attribute", "project"]


@admin.register(Automation)
class AutomationAdmin(ProjectItemAdmin):
    list_display = ["name", "trigger_type", "action", "sending_system", "owner", "project"]


@admin.register(DeliveryPhase)
class DeliveryPhaseAdmin(ProjectItemAdmin):
    list_display = ["phase", "target_date", "project"]


@admin.register(ContractItem)
class ContractItemAdmin(ProjectItemAdmin):
    list_display = ["system", "topic", "done", "project"]


@admin.register(AuditItem)
class AuditItemAdmin(ProjectItemAdmin):
    list_display = ["topic", "done", "project"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Signed versions, approvals and the activity log are evidence: nobody edits them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "signed_at", "sha256", "intact"]
    list_filter = ["project"]

    @admin.display(boolean=True, description="snapshot intact")
    def intact(self, obj: Version) -> bool:
        return obj.is_intact


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["project", "version_number", "role", "signer_name", "approved_at"]
    list_filter = ["project", "role"]


@admin.register(ActivityEntry)
class ActivityEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "project", "user_name", "action", "item_kind", "item_label"]
    list_filter = ["project", "action", "artifact"]
    search_fields = ["item_label", "user_name", "comment"]


@admin.register(Presence)
class PresenceAdmin(ReadOnlyAdmin):
    list_display = ["project", "user", "where", "seen_at"]
    list_filter = ["project"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations are made and revoked on the project's page, where the rules are kept."""

    list_display = ["project", "email", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["project", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]


@admin.register(PdfRender)
class PdfRenderAdmin(ReadOnlyAdmin):
    """Background PDF renders and how far they got (the worker writes them)."""

    list_display = ["project", "key", "state", "step", "page", "pages", "updated_at"]
    list_filter = ["state", "project"]
