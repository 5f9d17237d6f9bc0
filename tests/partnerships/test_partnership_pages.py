"""Officers register, edit and archive partnerships; managers only read them."""

from __future__ import annotations

from django.urls import reverse

from partnerships.models import AuditEvent, Partnership


def test_an_officer_registers_a_partnership(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:partnership_create"),
        {"name": "Westfield Youth Partnership", "programme": "New Start", "level": "strategic"},
    )
    partnership = Partnership.objects.get(name="Westfield Youth Partnership")
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:partnership_detail", args=[partnership.pk])
    # The tenant comes from the officer, never from the form.
    assert partnership.authority == cast.authority
    assert partnership.created_by == cast.alice and partnership.updated_by == cast.alice
    assert AuditEvent.objects.filter(
        action="partnership.registered", object_id=str(partnership.pk), actor=cast.alice
    ).exists()


def test_it_shows_errors_on_the_fields_and_in_a_summary(client, cast):
    client.force_login(cast.alice)
    response = client.post(reverse("partnerships:partnership_create"), {"name": "", "level": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_name"' in body and 'href="#id_level"' in body
    assert response.context["form"].errors.keys() == {"name", "level"}
    assert not Partnership.objects.filter(authority=cast.authority, name="").exists()


def test_it_refuses_a_name_already_used_in_the_authority(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:partnership_create"),
        {"name": "eastfield new start", "level": "operational"},
    )
    assert response.status_code == 200
    assert "already has a partnership with this name" in str(response.context["form"].errors)
    assert Partnership.objects.filter(authority=cast.authority).count() == 2


def test_another_authority_may_reuse_a_name(client, cast):
    client.force_login(cast.oscar)
    response = client.post(
        reverse("partnerships:partnership_create"),
        {"name": "Eastfield New Start", "level": "operational"},
    )
    assert response.status_code == 302
    assert Partnership.objects.filter(name="Eastfield New Start").count() == 2


def test_an_officer_edits_a_partnership_and_the_change_is_recorded(client, cast):
    client.force_login(cast.bob)
    url = reverse("partnerships:partnership_edit", args=[cast.partnership.pk])
    response = client.post(
        url,
        {
            "name": "Eastfield New Start",
            "programme": "Connexions",
            "level": "operational",
            "version": cast.partnership.version,
        },
    )
    assert response.status_code == 302
    cast.partnership.refresh_from_db()
    assert cast.partnership.programme == "Connexions"
    assert cast.partnership.updated_by == cast.bob
    assert cast.partnership.version == 2
    event = AuditEvent.objects.get(action="partnership.updated")
    assert event.data["programme"] == ["New Start", "Connexions"]


def test_two_officers_editing_at_once_do_not_overwrite_each_other(client, cast):
    url = reverse("partnerships:partnership_edit", args=[cast.partnership.pk])
    stale_version = cast.partnership.version
    client.force_login(cast.alice)
    client.post(url, {"name": "Alice's name", "level": "operational", "version": stale_version})
    client.force_login(cast.bob)
    response = client.post(
        url, {"name": "Bob's name", "level": "strategic", "version": stale_version}
    )
    assert response.status_code == 200
    assert "Someone else changed this partnership" in response.content.decode()
    cast.partnership.refresh_from_db()
    assert cast.partnership.name == "Alice's name"
    assert cast.partnership.level == "operational"


def test_archiving_hides_a_partnership_from_the_default_list(client, cast):
    client.force_login(cast.alice)
    client.post(reverse("partnerships:partnership_archive", args=[cast.partnership.pk]))
    cast.partnership.refresh_from_db()
    assert cast.partnership.active is False
    listed = client.get(reverse("partnerships:partnership_list")).context["page"].object_list
    assert cast.partnership not in listed
    archived = client.get(reverse("partnerships:partnership_list"), {"status": "archived"})
    assert cast.partnership in archived.context["page"].object_list


def test_archive_only_accepts_post(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:partnership_archive", args=[cast.partnership.pk]))
    assert response.status_code == 405
    cast.partnership.refresh_from_db()
    assert cast.partnership.active is True


def test_the_list_searches_and_filters(client, cast):
    client.force_login(cast.alice)
    url = reverse("partnerships:partnership_list")
    names = lambda r: [p.name for p in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(url)) == ["Eastfield New Start", "Riverside Safer Streets"]
    assert names(client.get(url, {"q": "river"})) == ["Riverside Safer Streets"]
    assert names(client.get(url, {"programme": "New Start"})) == ["Eastfield New Start"]


def test_the_list_paginates(client, cast):
    from tests import factories

    for _ in range(30):
        factories.partnership(cast.authority)
    client.force_login(cast.alice)
    first = client.get(reverse("partnerships:partnership_list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("partnerships:partnership_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7


def test_a_manager_sees_only_assigned_partnerships(client, cast):
    client.force_login(cast.mo)
    listed = client.get(reverse("partnerships:partnership_list")).context["page"].object_list
    assert list(listed) == [cast.partnership]


def test_a_manager_for_the_whole_authority_sees_all_of_it(client, cast):
    cast.mo.sees_whole_authority = True
    cast.mo.save()
    client.force_login(cast.mo)
    listed = client.get(reverse("partnerships:partnership_list")).context["page"].object_list
    assert set(listed) == {cast.partnership, cast.unassigned_partnership}


def test_the_detail_page_shows_agencies_and_projects_escaped(client, cast):
    cast.project.name = "<script>alert(1)</script>"
    cast.project.save()
    client.force_login(cast.mo)
    body = client.get(
        reverse("partnerships:partnership_detail", args=[cast.partnership.pk])
    ).content.decode()
    assert "Northshire Youth Service" in body and "Northshire College" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    # A manager reads; the officer's buttons are not there.
    assert "Edit details" not in body
