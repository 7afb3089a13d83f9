// Draws the charts whose numbers the page embeds as JSON (#chart-data), with the vendored Chart.js:
// whichever of papers per year, top topics, papers per kind of file and imports per day it has.
"use strict";
{
    const data = JSON.parse(document.getElementById("chart-data").textContent);
    const ink = getComputedStyle(document.documentElement).getPropertyValue("--body-fg").trim() || "#333";
    const blue = "#417690", green = "#79aec8";
    const drawn = {};
    Chart.defaults.color = ink;
    Chart.defaults.font.size = 12;

    function chart(id, config) {
        const canvas = document.getElementById(id);
        if (!canvas) return;
        drawn[id] = new Chart(canvas, {
            ...config,
            options: {
                responsive: true, maintainAspectRatio: false, animation: false,
                plugins: { legend: { display: config.data.datasets.length > 1 } },
                ...config.options,
            },
        });
    }
    const whole = { ticks: { precision: 0 }, beginAtZero: true };

    function counted(id, rows, label) {
        chart(id, {
            type: "bar",
            data: { labels: rows.map(label), datasets: [{ label: "papers", data: rows.map((r) => r.papers), backgroundColor: blue }] },
            options: { scales: { y: whole } },
        });
    }

    if (data.years) counted("chart-years", data.years, (r) => r.year);
    if (data.concepts) {
        chart("chart-concepts", {
            type: "bar",
            data: { labels: data.concepts.map((r) => r.name),
                    datasets: [{ label: "papers", data: data.concepts.map((r) => r.papers), backgroundColor: blue }] },
            options: {
                indexAxis: "y", scales: { x: whole, y: { ticks: { autoSkip: false,
                    callback(value) { const name = this.getLabelForValue(value); return name.length > 38 ? name.slice(0, 37) + "…" : name; } } } },
                onClick(event, bars) { if (bars.length) window.location.href = `/graph/concepts/${data.concepts[bars[0].index].slug}/`; },
            },
        });
    }
    if (data.formats) counted("chart-formats", data.formats, (r) => r.format);
    if (data.imports) {
        chart("chart-imports", {
            type: "bar",
            data: { labels: data.imports.map((r) => r.day), datasets: [
                { label: "created", data: data.imports.map((r) => r.created), backgroundColor: blue },
                { label: "updated", data: data.imports.map((r) => r.updated), backgroundColor: green },
            ] },
            options: { scales: { x: { stacked: true }, y: { ...whole, stacked: true } } },
        });
    }
    window.bibliographyCharts = drawn;
}
