from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Agency, AuditEvent, LocalAuthority, Membership, Partnership, Project, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "authority", "role", "agency", "is_active")
    list_filter = ("authority", "role", "is_active", "is_superuser")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),  # Django sets it; its type says it may be None
        (
            _("Partnership Lens"),
            {
                "fields": (
                    "authority",
                    "role",
                    "agency",
                    "sees_whole_authority",
                    "assigned_partnerships",
                )
            },
        ),
    )
    filter_horizontal = ("assigned_partnerships", "groups", "user_permissions")


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "agency_type", "active")
    list_filter = ("authority", "agency_type", "active")
    search_fields = ("name",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "programme", "level", "active", "updated_at")
    list_filter = ("authority", "level", "active")
    search_fields = ("name",)
    readonly_fields = ("created_by", "updated_by", "created_at", "updated_at", "version")
    inlines = [MembershipInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "partnership", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "authority", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
