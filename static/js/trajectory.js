// Coaching trajectories: sessions per month by type (stacked), with confidence and lag
// as lines; the same numbers as the table beside each chart (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const palette = ["#dc3545", "#0d6efd", "#198754"];
  document.querySelectorAll("canvas[data-trajectory]").forEach((canvas) => {
    if (canvas.dataset.drawn) return;
    const source = document.getElementById(canvas.dataset.trajectory);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    const datasets = Object.entries(data.series).map(([label, values], index) => ({
      type: "bar", label, data: values, backgroundColor: palette[index % palette.length],
      stack: "sessions", yAxisID: "y", order: 2,
    }));
    datasets.push({
      type: "line", label: data.confidence.label, data: data.confidence.values,
      borderColor: "#6f42c1", backgroundColor: "#6f42c1", yAxisID: "confidence",
      spanGaps: true, order: 1,
    });
    datasets.push({
      type: "line", label: data.lag.label, data: data.lag.values, borderDash: [6, 4],
      borderColor: "#ca6510", backgroundColor: "#ca6510", yAxisID: "lag",
      spanGaps: true, order: 1,
    });
    // On a phone the three axis titles leave the plot no room: the right axes keep
    // their ticks without titles (the legend names each line) and the legend goes below.
    const narrow = window.matchMedia("(max-width: 575.98px)").matches;
    new Chart(canvas, {
      data: { labels: data.labels, datasets },
      options: {
        responsive: true,
        plugins: { legend: { position: narrow ? "bottom" : "top" } },
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 },
               title: { display: true, text: data.sessions_axis } },
          confidence: { position: "right", min: 0, max: 5, grid: { drawOnChartArea: false },
                        title: { display: !narrow, text: data.confidence.label } },
          lag: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                 title: { display: !narrow, text: data.lag.label } },
        },
      },
    });
  });
});
