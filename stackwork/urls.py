from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cases import oidc
from cases.views.pages import favicon

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch also serves the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # single sign-on (404 unless OIDC is configured)
    path("oidc/authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("favicon.ico", favicon),  # unnamed: not a page
    path("oidc/failed/", oidc.failed, name="oidc_failed"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api.urls")),
    path("", include("cases.urls")),
]

handler400 = "cases.errors.bad_request"
handler403 = "cases.errors.permission_denied"
handler404 = "cases.errors.page_not_found"
handler500 = "cases.errors.server_error"
