from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api_urls import schema_urlpatterns
from core import views as core_views
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
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/", include(schema_urlpatterns)),
    path("", include("partnerships.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
]

handler500 = "config.views.server_error"
