// The /orders chart: orders, buyouts, cancellations and returns per Moscow day, as bars side by side (data from
// the page, already counted per day by the server).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("orders-chart");
  const source = document.getElementById("orders-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
