from django.contrib import admin

from .models import Instrument, Invitation, Question, Response, Round, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "code", "title")
    readonly_fields = fields
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-only: questionnaires are loaded from the repository with `load_instrument`."""

    list_display = ("code", "version", "title", "created_at")
    inlines = [SectionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "instrument", "type", "dimension", "reverse", "required")
    list_filter = ("instrument", "type", "dimension")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "opens_on", "closes_on", "reporting_mode")
    list_filter = ("reporting_mode",)
    # Kept when the round was opened (what its relationships section lists): never edited.
    readonly_fields = ("agencies_at_opening",)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.responses.exists():
            # What respondents were promised when they answered never changes afterwards.
            readonly += ["reporting_mode", "min_group_size"]
        return readonly


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "agency", "round", "sent_at", "opened_at", "revoked_at")
    exclude = ("token_salt", "token_hash")
    search_fields = ("email", "name")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("id", "round", "agency", "started_at", "submitted_at", "entered_by")
    list_filter = ("round",)
    readonly_fields = ("submitted_at", "entered_by", "invitation")
