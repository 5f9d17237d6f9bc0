from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import statutory_views
from config.api_urls import schema_urlpatterns
from core import views as core_views
from partnerships import sign_in_views
from partnerships import views as partnership_views
from partnerships.auth_forms import QueuedPasswordResetForm

urlpatterns = [
    path("", partnership_views.home, name="home"),
    path("language/<str:code>/", core_views.language_choose, name="language"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    # Sign-in: the password form and the council's identity provider (OpenID Connect).
    path("accounts/login/", sign_in_views.SignInView.as_view(), name="login"),
    path("accounts/oidc/start/", sign_in_views.SignInStart.as_view(), name="oidc_start"),
    path("accounts/oidc/callback/", sign_in_views.sign_in_callback, name="oidc_callback"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accessibility/", statutory_views.accessibility, name="accessibility"),
    path("privacy/", statutory_views.privacy, name="privacy"),
    path("cookies/", statutory_views.cookies, name="cookies"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/", include(schema_urlpatterns)),
    path("", include("partnerships.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
]

handler500 = "config.views.server_error"
