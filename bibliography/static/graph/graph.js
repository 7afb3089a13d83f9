// Draws the graph whose nodes and edges the page embeds as JSON, with the vendored Cytoscape.js.
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const palette = ["#e07a5f", "#3d9970", "#5b7dd8", "#c9a227", "#b565a7", "#2aa3b8", "#8d6e63", "#7f8c8d"];
  const colour = {};
  data.categories.forEach((slug, i) => { colour[slug] = palette[i % palette.length]; });

  const legend = document.getElementById("legend");
  if (legend) {
    data.categories.forEach((slug) => {
      const item = document.createElement("li");
      item.innerHTML = `<span style="background:${colour[slug]}"></span>${slug}`;
      legend.appendChild(item);
    });
  }

  const elements = [
    ...data.nodes.map((n) => ({
      data: { ...n, colour: colour[n.groups[0]] || "#9aa5ad", border: colour[n.groups[1]] || colour[n.groups[0]] || "#6c7a83" },
      classes: n.kind,
    })),
    ...data.edges.map((e, i) => ({ data: { id: `e${i}`, ...e }, classes: e.status === "suggested" ? "suggested" : "" })),
  ];

  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements,
    wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "text-wrap": "wrap", "text-max-width": 140, "font-size": 9,
          "text-valign": "bottom", "text-margin-y": 4, "background-color": "data(colour)",
          "border-width": 3, "border-color": "data(border)", "width": 18, "height": 18 } },
      { selector: "node.category", style: {
          "shape": "round-rectangle", "background-opacity": 0.12, "border-width": 2,
          "text-valign": "top", "text-halign": "center", "text-margin-y": -4,
          "font-size": 12, "font-weight": "bold", "color": "data(colour)", "padding": 14 } },
      { selector: "node.focus", style: { "width": 30, "height": 30, "background-color": "#264b5d", "font-weight": "bold" } },
      { selector: "edge", style: {
          "width": 1.2, "line-color": "#9aa5ad", "target-arrow-color": "#9aa5ad",
          "target-arrow-shape": "triangle", "curve-style": "bezier" } },
      { selector: "edge.suggested", style: { "line-style": "dashed" } },
      { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } },
    ],
    layout: data.categories.length
      ? { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 70, nestingFactor: 0.9, padding: 20 }
      : { name: "breadthfirst", directed: true, spacingFactor: 1.2, avoidOverlap: true },
  });
  cy.on("tap", "node", (event) => { window.location.href = event.target.data("url"); });
  window.bibliographyGraph = cy;
})();
