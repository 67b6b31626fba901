// Dashboards: the monthly trend charts, the recomputation progress, the year picker and printing.
// Kept out of the HTML: the CSP forbids inline scripts. Data comes from json_script elements.
(function () {
  "use strict";

  function drawTrends() {
    const source = document.getElementById("trend-data");
    if (!source || typeof window.Chart === "undefined") return;
    const trend = JSON.parse(source.textContent);
    const draw = (canvasId, series) => {
      const canvas = document.getElementById(canvasId);
      if (!canvas) return;
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: trend.labels,
          datasets: [
            { label: trend.text.previous, data: series.previous, backgroundColor: "#adb5bd" },
            { label: trend.text.current, data: series.current, backgroundColor: "#0d6efd" },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: "bottom" } },
        },
      });
    };
    draw("chart-cases", trend.cases);
    draw("chart-subjects", trend.subjects);
  }

  // Poll a running recomputation every 2 s; reload the figures when it is done.
  function followRun() {
    const badge = document.querySelector("#run-status[data-run-url]");
    if (!badge) return;
    const url = badge.dataset.runUrl;
    const tick = () => {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((run) => {
          badge.dataset.state = run.state;
          if (run.done) {
            badge.classList.remove("text-bg-info");
            badge.classList.add(run.failed ? "text-bg-danger" : "text-bg-success");
            badge.textContent = run.failed ? run.message : badge.dataset.doneText;
            if (!run.failed) window.setTimeout(() => window.location.reload(), 500);
            return;
          }
          const label = badge.querySelector(".run-state");
          if (label) label.textContent = run.state_label;
          window.setTimeout(tick, 2000);
        })
        .catch(() => window.setTimeout(tick, 2000));
    };
    window.setTimeout(tick, 2000);
  }

  function autoSubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => {
        // A new year: the as-of date of the old year no longer applies.
        const asOf = select.form.querySelector("input[name=as_of]");
        if (asOf) asOf.value = "";
        select.form.submit();
      });
    });
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawTrends();
    followRun();
    autoSubmit();
    printButtons();
  });
})();
