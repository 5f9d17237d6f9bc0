from __future__ import annotations

from django.core.management import call_command

from partnerships.models import Agency, Partnership, Project, User


def test_seed_demo_is_idempotent_and_prints_sign_ins(db, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Agency.objects.count() == 12
    assert Partnership.objects.count() == 3
    assert Project.objects.count() == 4
    assert set(User.objects.values_list("role", flat=True)) == {"officer", "manager", "partner"}
    assert "username: officer" in out and "demo-password-for-tests" in out
    assert User.objects.get(username="partner").check_password("demo-password-for-tests")


def test_seed_demo_generates_passwords_when_none_is_given(db, capsys, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "username: officer" in line)
    password = line.split("password:")[1].strip()
    assert len(password) >= 12
    assert User.objects.get(username="officer").check_password(password)
