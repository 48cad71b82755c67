// A product's stock chart: the amount each marketplace accepted from us, one stepped line each (data from the page).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("stock-chart");
  const source = document.getElementById("stock-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({
        label: s.label, data: s.data, borderColor: s.color, backgroundColor: s.color, stepped: true, spanGaps: true,
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
