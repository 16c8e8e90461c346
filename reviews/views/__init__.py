"""The review pages, one module per area: the lists, a table's page and its questions,
exports, the dashboard and the background jobs' page."""
