from __future__ import annotations

# The review tables' own fixtures: Rob's table of March with two objectives, Sales' table.
from tests.review_tables.conftest import (  # noqa: F401
    cycle,
    month,
    robs_objectives,
    sales_table,
    table,
)
