// The overview's chart: runs that succeeded or failed per day, and products that failed (data from the page).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("runs-chart");
  const source = document.getElementById("runs-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({
        type: s.line ? "line" : "bar", label: s.label, data: s.data, backgroundColor: s.color,
        borderColor: s.color, stack: s.line ? undefined : "runs", yAxisID: s.line ? "products" : "runs",
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        runs: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        products: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        x: { stacked: true },
      },
    },
  });
});
