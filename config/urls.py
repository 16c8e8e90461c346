from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config.views import favicon, home

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("", include("plans.urls")),
    # Under its prefix, so that an address outside it is not tried against its 35 patterns.
    path("coaching/", include("coaching.urls")),
    path("reviews/", include("reviews.urls")),
    path("language/", account_views.language_switch, name="language_switch"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
