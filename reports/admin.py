from django.contrib import admin

from .models import InstrumentReliability, Scorecard


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scorecards are computed, never typed in: the admin only shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = (
        "round",
        "computed_at",
        "status",
        "index",
        "band",
        "uncertain",
        "n_agencies",
        "n_respondents",
        "scoring_version",
        "instrument_version",
    )
    list_filter = ("status", "band", "scoring_version")
    list_select_related = ("round",)
    search_fields = ("round__title",)
    date_hierarchy = "computed_at"
    raw_id_fields = ("round",)


@admin.register(InstrumentReliability)
class InstrumentReliabilityAdmin(ReadOnlyAdmin):
    list_display = ("instrument", "n_respondents", "computed_at")
    list_select_related = ("instrument",)
