"""``/api/v1/`` (the endpoints), ``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (its viewer).

Each domain module registers its viewsets on ``router``; the viewer's scripts come
from ``drf-spectacular-sidecar`` through our own static files, never a CDN.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import coaching, people, plans, progress, review_exports, reviews
from api.problems import api_not_found

router = DefaultRouter(trailing_slash=True)
people.register(router)
plans.register(router)
progress.register(router)
coaching.register(router)
reviews.register(router)
review_exports.register(router)

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Any other address under /api/ is a 404 in problem details, not the site's HTML page.
    re_path(r"^.*$", api_not_found),
]
