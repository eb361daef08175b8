from __future__ import annotations

from django.contrib import admin

from blueprint.models import Membership, Project, System


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SystemInline(admin.TabularInline):
    model = System
    extra = 0
    fields = ["name", "kind", "api_maturity", "api_documentation", "test_environment"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "version_number", "created_at"]
    list_filter = ["state"]
    search_fields = ["name", "summary", "business_question"]
    inlines = [MembershipInline, SystemInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role"]
    search_fields = ["project__name", "user__email", "user__display_name"]
    autocomplete_fields = ["user"]


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "kind", "api_maturity", "api_documentation"]
    list_filter = ["kind", "api_maturity", "api_documentation", "test_environment"]
    search_fields = ["name", "description", "project__name"]
