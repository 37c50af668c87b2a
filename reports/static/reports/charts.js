// Draws the dashboard's charts from the figures the page already shows (json_script), so CSP needs no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const palette = ["#198754", "#0d6efd", "#ffc107", "#dc3545", "#6f42c1", "#20c997"];
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const series = data[canvas.dataset.chart];
    if (!series || series.values.every((v) => v === 0)) {
      canvas.hidden = true;
      return;
    }
    const kind = canvas.dataset.kind || "bar";
    new Chart(canvas, {
      type: kind,
      data: {
        labels: series.labels,
        datasets: [{ data: series.values, backgroundColor: kind === "bar" ? palette[0] : palette }],
      },
      options: {
        plugins: { legend: { display: kind !== "bar" } },
        scales: kind === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
        maintainAspectRatio: true,
        aspectRatio: kind === "bar" ? 2 : 1.6,
      },
    });
  });
});
