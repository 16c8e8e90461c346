"""The product's URLs plus the floor views of bench/floors.py (benchmarks only)."""

from django.urls import path

from bench.floors import FLOORS
from config.urls import urlpatterns as product

urlpatterns = [
    path("bench-floor/timeline/<int:pk>/", FLOORS["timeline"]),
    path("bench-floor/review_table/<int:pk>/", FLOORS["review_table"]),
    path("bench-floor/calibration/<int:pk>/", FLOORS["calibration"]),
    *(path(f"bench-floor/{name}/", view) for name, view in FLOORS.items()),
    *product,
]
