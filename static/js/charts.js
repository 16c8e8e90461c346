// Dashboard charts: the same numbers as the tables beside them (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Each colour at least 3:1 against the white background (WCAG 1.4.11): a darker yellow.
  const palette = ["#6c757d", "#0d6efd", "#997404", "#198754", "#dc3545"];
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = data[canvas.dataset.chart];
    if (!chart || chart.labels.length === 0) return;
    const datasets = Object.entries(chart.series).map(([label, values], index) => ({
      label, data: values, backgroundColor: palette[index % palette.length],
    }));
    new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets },
      options: {
        responsive: true,
        animation: false,
        scales: { x: { stacked: canvas.dataset.chart !== "lagging" }, y: { stacked: canvas.dataset.chart !== "lagging", beginAtZero: true, ticks: canvas.dataset.integer === undefined ? {} : { precision: 0 } } },
      },
    });
  });
});
