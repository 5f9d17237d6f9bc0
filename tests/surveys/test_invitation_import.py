"""Inviting many people to a round from a CSV file: checked row by row, nobody invited unless
every row is right, as the agency import does."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import AuditEvent
from surveys.models import Invitation
from tests import factories
from tests.unchanged import nothing_written

HEADER = "name,email,agency\n"


@pytest.fixture
def rnd(cast):
    return factories.survey_round(cast.project, title="Spring 2026 survey")


def upload(client, rnd, text: str):
    return client.post(
        reverse("surveys:invitation_import", args=[rnd.pk]),
        {"file": SimpleUploadedFile("people.csv", text.encode("utf-8"))},
    )


def confirm(client, rnd):
    return client.post(reverse("surveys:invitation_import_confirm", args=[rnd.pk]))


def row_errors(response) -> dict[int, list[str]]:
    return {row.line: row.errors for row in response.context["preview"].rows if row.errors}


def test_a_valid_file_is_previewed_then_invited_on_confirmation(client, cast, rnd):
    client.force_login(cast.alice)
    text = (
        HEADER + "Kim Worker,Kim@Example.org,Northshire Youth Service\n"
        "Lee Tutor,lee@example.org,northshire college\n"  # agency names match in any case
        ",,\n"  # an empty row is skipped
    )
    with nothing_written():
        preview = upload(client, rnd, text)
    assert preview.context["preview"].is_valid
    page = preview.content.decode()
    assert "2 people are ready to invite" in page and "Kim Worker" in page
    response = confirm(client, rnd)
    assert response["Location"] == reverse("surveys:round_detail", args=[rnd.pk])
    invited = {(i.name, i.email, i.agency.name) for i in rnd.invitations.all()}
    assert invited == {
        ("Kim Worker", "kim@example.org", "Northshire Youth Service"),
        ("Lee Tutor", "lee@example.org", "Northshire College"),
    }
    assert all(i.sent_at is None for i in rnd.invitations.all())  # sent only when asked
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="invitation.imported")
    assert event.data == {"count": 2}  # no names or addresses in the audit


def test_every_row_error_is_shown_and_nothing_is_saved(client, cast, rnd):
    factories.invitation(rnd, cast.agency, name="Already Here", email="here@example.org")
    outsider = factories.agency(cast.authority, "Northshire Housing")  # not a member
    client.force_login(cast.alice)
    text = HEADER + "\n".join(
        [
            "Kim Worker,kim@example.org,Northshire Youth Service",  # line 2: fine
            "Nobody,not-an-address,Northshire Youth Service",  # 3
            f"Out Sider,out@example.org,{outsider.name}",  # 4
            "Far Away,far@example.org,Southshire Police",  # 5: another authority's agency
            "Kim Again,KIM@example.org,Northshire College",  # 6: same address as line 2
            "Here Again,here@example.org,Northshire College",  # 7: invited already
            ",nameless@example.org,Northshire College",  # 8
        ]
    )
    with nothing_written():
        response = upload(client, rnd, text)
        assert confirm(client, rnd)["Location"] == reverse(
            "surveys:invitation_import", args=[rnd.pk]
        )
    errors = row_errors(response)
    assert errors == {
        3: ["E-mail address: Enter a valid email address."],
        4: ["'Northshire Housing' is not a current member agency of Eastfield New Start."],
        5: ["'Southshire Police' is not a current member agency of Eastfield New Start."],
        6: ["This e-mail address is also on line 2."],
        7: ["This person is already invited to this round."],
        8: ["Full name: This field is required."],
    }
    page = response.content.decode()
    assert "The file has problems. Nothing has been imported." in page
    assert '<a href="#row-3">Line 3: E-mail address: Enter a valid email address.</a>' in page


def test_a_former_member_agency_cannot_be_invited(client, cast, rnd):
    import datetime as dt

    membership = cast.partnership.memberships.get(agency__name="Northshire College")
    membership.left_on = dt.date(2026, 1, 31)
    membership.save()
    client.force_login(cast.alice)
    response = upload(client, rnd, HEADER + "Lee Tutor,lee@example.org,Northshire College\n")
    assert list(row_errors(response)) == [2]


def test_formulas_are_refused_and_everything_echoed_is_escaped(client, cast, rnd):
    client.force_login(cast.alice)
    text = HEADER + (
        '"=HYPERLINK(""http://evil.example/"",""Click"")",a@example.org,Northshire Youth Service\n'
        "<script>alert(1)</script>,b@example.org,<b>Agency</b>\n"
        "@SUM(A1),+c@example.org,Northshire Youth Service\n"
    )
    with nothing_written():
        response = upload(client, rnd, text)
    errors = row_errors(response)
    assert errors[2] == ["The name cannot begin with =, +, -, @ or a tab."]
    assert errors[3] == ["'<b>Agency</b>' is not a current member agency of Eastfield New Start."]
    assert errors[4][:2] == [
        "The name cannot begin with =, +, -, @ or a tab.",
        "The email cannot begin with =, +, -, @ or a tab.",
    ]
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>Agency</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#x27;&lt;b&gt;Agency&lt;/b&gt;&#x27; is not a current member agency" in page


def test_file_problems_are_said_plainly(client, cast, rnd):
    client.force_login(cast.alice)
    wrong_header = upload(client, rnd, "who,address\nKim,kim@example.org\n")
    assert wrong_header.context["preview"].file_errors == [
        "The header row must include the columns: name, email, agency."
    ]
    empty = upload(client, rnd, HEADER)
    assert empty.context["preview"].file_errors == ["The file has nobody in it."]
    not_utf8 = client.post(
        reverse("surveys:invitation_import", args=[rnd.pk]),
        {
            "file": SimpleUploadedFile(
                "people.csv", HEADER.encode() + "Zoë,z@example.org,x".encode("latin-1")
            )
        },
    )
    assert not_utf8.context["preview"].file_errors == [
        "The file is not UTF-8 text. Save it as 'CSV UTF-8'."
    ]
    not_csv = client.post(
        reverse("surveys:invitation_import", args=[rnd.pk]),
        {"file": SimpleUploadedFile("people.xlsx", b"PK\x03\x04")},
    )
    assert not_csv.context["form"].errors["file"] == [
        "The file must be a CSV file (ending in .csv)."
    ]


def test_someone_invited_between_preview_and_confirmation_stops_the_whole_import(client, cast, rnd):
    client.force_login(cast.alice)
    upload(
        client,
        rnd,
        HEADER + "Kim Worker,kim@example.org,Northshire Youth Service\n"
        "Lee Tutor,lee@example.org,Northshire College\n",
    )
    factories.invitation(rnd, cast.agency, name="Lee", email="lee@example.org")  # Bob, meanwhile
    with nothing_written():
        response = confirm(client, rnd)
    assert response["Location"] == reverse("surveys:invitation_import", args=[rnd.pk])
    assert not Invitation.objects.filter(email="kim@example.org").exists()


def test_a_checked_file_is_confirmed_once(client, cast, rnd):
    client.force_login(cast.alice)
    upload(client, rnd, HEADER + "Kim Worker,kim@example.org,Northshire Youth Service\n")
    confirm(client, rnd)
    with nothing_written():
        again = confirm(client, rnd)
    assert again["Location"] == reverse("surveys:invitation_import", args=[rnd.pk])
    assert rnd.invitations.count() == 1


def test_a_file_checked_for_one_round_is_not_imported_into_another(client, cast, rnd):
    other = factories.survey_round(cast.project)
    client.force_login(cast.alice)
    upload(client, rnd, HEADER + "Kim Worker,kim@example.org,Northshire Youth Service\n")
    with nothing_written():
        confirm(client, other)


def test_the_template_file_has_the_columns_and_an_example(client, cast, rnd):
    client.force_login(cast.alice)
    response = client.get(reverse("surveys:invitation_import_template", args=[rnd.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="invitations-template.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["name", "email", "agency"],
        ["Kim Example", "kim@example.org", "Northside Youth Service"],
    ]


def test_the_import_is_for_officers_of_the_authority(client, cast, rnd):
    text = HEADER + "Kim Worker,kim@example.org,Northshire Youth Service\n"
    client.force_login(cast.mo)
    with nothing_written():
        assert upload(client, rnd, text).status_code == 403
    client.force_login(cast.oscar)
    with nothing_written():
        assert upload(client, rnd, text).status_code == 404
