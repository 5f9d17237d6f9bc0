from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Agency, AuditEvent

IMPORT_URL = reverse("partnerships:agency_import")
CONFIRM_URL = reverse("partnerships:agency_import_confirm")


def _csv(text: str, name: str = "agencies.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_an_officer_adds_an_agency(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:agency_create"),
        {"name": "Teenage Health Service", "agency_type": "health", "email": "th@example.org"},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Teenage Health Service")
    assert agency.authority == cast.authority


def test_an_invalid_email_gets_a_message_on_the_field(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("partnerships:agency_create"),
        {"name": "X", "agency_type": "health", "email": "not-an-address"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Agency.objects.filter(name="X").exists()


def test_the_list_filters_by_type(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:agency_list"), {"agency_type": "fe_college"})
    assert [a.name for a in response.context["page"].object_list] == ["Northshire College"]


def test_an_officer_archives_an_agency(client, cast):
    client.force_login(cast.alice)
    client.post(reverse("partnerships:agency_archive", args=[cast.agency.pk]))
    cast.agency.refresh_from_db()
    assert cast.agency.active is False


def test_the_template_file_downloads_with_the_header_row(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("partnerships:agency_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines()[0] == "name,type,contact_name,email,phone"


def test_a_valid_file_is_previewed_then_imported_on_confirmation(client, cast):
    client.force_login(cast.alice)
    text = (
        "name,type,contact_name,email,phone\n"
        "Open Door Youth Project,voluntary,Sam,sam@example.org,\n"
        "Northshire Homes,Housing,,,01234 567890\n"
    )
    preview = client.post(IMPORT_URL, {"file": _csv(text)})
    assert preview.status_code == 200
    assert preview.context["preview"].is_valid
    # A preview saves nothing.
    assert not Agency.objects.filter(name="Open Door Youth Project").exists()
    response = client.post(CONFIRM_URL)
    assert response.status_code == 302
    imported = Agency.objects.filter(
        authority=cast.authority, name__in=["Open Door Youth Project", "Northshire Homes"]
    )
    assert {a.agency_type for a in imported} == {"voluntary", "housing"}
    assert AuditEvent.objects.get(action="agency.imported").data["count"] == 2


def test_one_bad_row_blocks_the_whole_import_with_row_level_errors(client, cast):
    client.force_login(cast.alice)
    text = (
        "name,type,contact_name,email,phone\n"
        "Good Agency,school,,,\n"
        "Bad Agency,spaceship,,not-an-email,\n"
        "Northshire College,fe_college,,,\n"
        "Good Agency,school,,,\n"
    )
    response = client.post(IMPORT_URL, {"file": _csv(text)})
    preview = response.context["preview"]
    assert not preview.is_valid
    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "spaceship" in errors[3] and "mail" in errors[3].lower()
    assert "already has an agency with this name" in errors[4]
    assert "also on line 2" in errors[5]
    assert "The file has problems" in response.content.decode()
    # Confirming without a valid preview imports nothing.
    client.post(CONFIRM_URL)
    assert not Agency.objects.filter(name="Good Agency").exists()


def test_a_file_over_the_size_limit_is_refused(client, cast, settings):
    settings.AGENCY_IMPORT_MAX_BYTES = 100
    client.force_login(cast.alice)
    response = client.post(IMPORT_URL, {"file": _csv("name,type\n" + "A,school\n" * 50)})
    assert "too large" in str(response.context["form"].errors["file"])
    assert response.context["preview"] is None


def test_a_file_that_is_not_csv_or_utf8_is_refused(client, cast):
    client.force_login(cast.alice)
    response = client.post(IMPORT_URL, {"file": _csv("x", name="agencies.xlsx")})
    assert "CSV" in str(response.context["form"].errors["file"])
    latin = SimpleUploadedFile("a.csv", "name,type\nCaf\xe9,school\n".encode("latin-1"))
    response = client.post(IMPORT_URL, {"file": latin})
    assert "UTF-8" in " ".join(response.context["preview"].file_errors)


def test_a_file_without_the_required_columns_is_refused(client, cast):
    client.force_login(cast.alice)
    response = client.post(IMPORT_URL, {"file": _csv("title,kind\nA,school\n")})
    assert response.context["preview"].file_errors
    assert not response.context["preview"].is_valid


def test_a_name_taken_between_preview_and_confirmation_imports_nothing(client, cast):
    client.force_login(cast.alice)
    client.post(IMPORT_URL, {"file": _csv("name,type\nFirst,school\nSecond,school\n")})
    Agency.objects.create(authority=cast.authority, name="Second", agency_type="school")
    response = client.post(CONFIRM_URL, follow=True)
    assert "no longer passes the checks" in response.content.decode()
    assert not Agency.objects.filter(name="First").exists()
