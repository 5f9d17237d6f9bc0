"""The staff sign-in settings refuse a configuration that could not work, at start-up."""

from __future__ import annotations

from tests.config.test_settings_values import _import_settings

ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"


def test_oidc_settings_are_checked_at_start_up(tmp_path):
    full = {"OIDC_ISSUER": ISSUER + "/", "OIDC_CLIENT_ID": "app", "OIDC_CLIENT_SECRET": "s"}
    results = _import_settings(
        tmp_path,
        [
            ({}, ["OIDC_ENABLED", "PASSWORD_SIGN_IN"]),
            (full, ["OIDC_ENABLED", "OIDC_ISSUER", "OIDC_EMAIL_VERIFIED_CLAIMS"]),
            ({**full, "PASSWORD_SIGN_IN": "0"}, ["PASSWORD_SIGN_IN"]),
            ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "app"}, []),
            ({**full, "OIDC_ISSUER": "http://idp.example/"}, []),
            ({**full, "OIDC_ISSUER": "http://127.0.0.1:9000"}, ["OIDC_ENABLED"]),
            ({"PASSWORD_SIGN_IN": "0"}, []),
        ],
    )
    assert results[0] == {"values": {"OIDC_ENABLED": False, "PASSWORD_SIGN_IN": True}}
    # A trailing slash is dropped: the issuer is compared exactly with the provider's own.
    assert results[1] == {
        "values": {
            "OIDC_ENABLED": True,
            "OIDC_ISSUER": ISSUER,
            "OIDC_EMAIL_VERIFIED_CLAIMS": ["email_verified", "xms_edov"],
        }
    }
    assert results[2] == {"values": {"PASSWORD_SIGN_IN": False}}
    assert results[3]["error"] == "ImproperlyConfigured"
    assert "OIDC_CLIENT_SECRET" in results[3]["message"]
    assert results[4]["error"] == "ImproperlyConfigured"
    assert "https://" in results[4]["message"]
    assert results[5] == {"values": {"OIDC_ENABLED": True}}
    assert results[6]["error"] == "ImproperlyConfigured"
    assert "PASSWORD_SIGN_IN=0 needs OIDC_ISSUER" in results[6]["message"]
