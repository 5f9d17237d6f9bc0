"""Authority PDF packs expire, and are only ever served within the requester's scope today.

The attacks: keeping a pack's link after one's access narrowed (a manager unassigned from a
partnership, an officer made a manager or a partner, moved to another authority, deactivated)
and downloading what one may no longer see; downloading a pack long after it was built.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Role
from reports import exports
from reports.models import Export, ExportStatus
from reports.selectors import export_readable_by
from reports.services import round_score
from reports.tasks import purge_expired_exports
from tests import factories

NAMES = ("export_detail", "export_status", "export_download")


def _scored(cast, project) -> None:
    rnd = factories.survey_round(project)
    factories.submitted_response(rnd, cast.agency)
    round_score(round_id=rnd.pk)


def answers(client, export) -> list[int]:
    return [client.get(reverse(f"reports:{name}", args=[export.pk])).status_code for name in NAMES]


def request_pack(client, user, capture) -> Export:
    client.force_login(user)
    with capture(execute=True):
        client.post(reverse("reports:authority_pack_request"))
    export = Export.objects.get(requested_by=user)
    assert export.status == ExportStatus.DONE
    return export


@pytest.fixture
def two_partnerships(cast):
    """Mo manages both Northshire partnerships, each with a scored project."""
    _scored(cast, cast.project)
    riverside = factories.project(cast.unassigned_partnership, "Riverside Project")
    factories.membership(cast.unassigned_partnership, cast.agency)
    _scored(cast, riverside)
    cast.mo.assigned_partnerships.add(cast.unassigned_partnership)
    return cast


def test_the_pack_records_what_it_covers(
    client, two_partnerships, django_capture_on_commit_callbacks
):
    cast = two_partnerships
    export = request_pack(client, cast.mo, django_capture_on_commit_callbacks)
    assert export.authority == cast.authority
    assert export.covers_partnerships is not None
    assert sorted(export.covers_partnerships) == sorted(
        [cast.partnership.pk, cast.unassigned_partnership.pk]
    )
    assert answers(client, export) == [200, 200, 200]


def test_a_manager_whose_assignment_narrowed_cannot_download_the_wider_pack(
    client, two_partnerships, django_capture_on_commit_callbacks
):
    cast = two_partnerships
    export = request_pack(client, cast.mo, django_capture_on_commit_callbacks)
    cast.mo.assigned_partnerships.remove(cast.unassigned_partnership)
    assert answers(client, export) == [404, 404, 404]


def test_a_pack_still_inside_the_narrowed_scope_stays_downloadable(
    client, cast, django_capture_on_commit_callbacks
):
    _scored(cast, cast.project)  # only Mo's first partnership has results
    cast.mo.assigned_partnerships.add(cast.unassigned_partnership)
    export = request_pack(client, cast.mo, django_capture_on_commit_callbacks)
    assert export.covers_partnerships == [cast.partnership.pk]
    cast.mo.assigned_partnerships.remove(cast.unassigned_partnership)
    assert answers(client, export) == [200, 200, 200]


def test_a_whole_authority_manager_narrowed_to_assignments_loses_the_authority_pack(
    client, two_partnerships, django_capture_on_commit_callbacks
):
    cast = two_partnerships
    cast.mo.assigned_partnerships.remove(cast.unassigned_partnership)
    cast.mo.sees_whole_authority = True
    cast.mo.save()
    export = request_pack(client, cast.mo, django_capture_on_commit_callbacks)
    assert export.covers_partnerships is not None and len(export.covers_partnerships) == 2
    cast.mo.sees_whole_authority = False
    cast.mo.save()
    assert answers(client, export) == [404, 404, 404]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("manager_of_nothing", [404, 404, 404]),
        ("partner", [403, 403, 403]),
        ("other_authority", [404, 404, 404]),
        ("no_authority", [403, 403, 403]),
    ],
)
def test_an_officer_whose_role_changed_cannot_read_her_pack(
    client, cast, django_capture_on_commit_callbacks, change, expected
):
    _scored(cast, cast.project)
    alice = cast.alice
    export = request_pack(client, alice, django_capture_on_commit_callbacks)
    if change == "manager_of_nothing":
        alice.role = Role.MANAGER
    elif change == "partner":
        alice.role, alice.agency = Role.PARTNER, cast.agency
    elif change == "other_authority":
        alice.authority = cast.other_authority
    else:
        alice.role, alice.authority = "", None
    alice.save()
    assert answers(client, export) == expected


def test_a_deactivated_user_cannot_download_her_pack(
    client, cast, django_capture_on_commit_callbacks
):
    _scored(cast, cast.project)
    export = request_pack(client, cast.alice, django_capture_on_commit_callbacks)
    cast.alice.is_active = False
    cast.alice.save()
    # Her session no longer signs her in; and the rule itself refuses her too.
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 302 and "login" in download["Location"]
    assert not export_readable_by(cast.alice, export)


def test_a_pack_is_not_built_for_a_requester_who_lost_the_role_before_the_task_ran(cast):
    export = Export.objects.create(
        requested_by=cast.alice, authority=cast.authority, kind=exports.EXPORT_AUTHORITY_PACK
    )
    cast.alice.role, cast.alice.agency = Role.PARTNER, cast.agency
    cast.alice.save()
    built = exports.export_build(export_id=export.pk)
    assert built.status == ExportStatus.FAILED
    assert built.content is None and built.covers_partnerships is None


def test_a_pack_from_before_the_scope_was_recorded_is_never_served(client, cast):
    export = Export.objects.create(
        requested_by=cast.alice, kind="authority_pack", status="done", content=b"%PDF-"
    )
    client.force_login(cast.alice)
    assert answers(client, export) == [404, 404, 404]


def test_an_expired_pack_cannot_be_downloaded_and_is_purged_by_the_task(
    client, cast, django_capture_on_commit_callbacks
):
    assert django_settings.EXPORT_RETENTION_DAYS == 7
    _scored(cast, cast.project)
    export = request_pack(client, cast.alice, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    fresh = Export.objects.create(
        requested_by=cast.bob, authority=cast.authority, kind="authority_pack"
    )
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 410
    assert download["Content-Type"].startswith("text/html")
    assert "This export has expired" in download.content.decode()
    assert answers(client, export) == [410, 410, 410]
    assert client.get(reverse("reports:export_status", args=[export.pk])).json()["status"] == (
        "expired"
    )
    assert purge_expired_exports.apply().get() == 1
    assert list(Export.objects.all()) == [fresh]
    assert answers(client, export) == [404, 404, 404]


def test_the_retention_is_a_setting(settings, cast):
    settings.EXPORT_RETENTION_DAYS = 30
    old = Export.objects.create(requested_by=cast.alice, authority=cast.authority, kind="x")
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=29))
    assert exports.export_purge_expired() == 0
    assert exports.export_purge_expired(now=timezone.now() + dt.timedelta(days=2)) == 1


def test_beat_purges_expired_exports():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert any(job["task"] == "reports.tasks.purge_expired_exports" for job in schedule.values())
