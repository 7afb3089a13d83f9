// Draws the graph the page embeds as JSON: laid out in layers by the vendored dagre (each concept
// after its broader ones, left to right), drawn by the vendored Cytoscape.js. Each label is inside its
// box, and dagre never lets two boxes overlap, so no two labels do; the view never zooms out so far
// that a label is smaller than LEGIBLE px. Zoom with the wheel, a pinch or the buttons; drag to pan;
// the search box finds a concept by its name.
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const container = document.getElementById("graph");
  const palette = ["#e07a5f", "#3d9970", "#5b7dd8", "#c9a227", "#b565a7", "#2aa3b8", "#8d6e63", "#7f8c8d"];
  const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const SIZE = 13;
  const LINE = 1.25;
  const PAD = 7;
  const LEGIBLE = 11;
  const narrow = container.clientWidth < 600;
  const maxLabelWidth = narrow ? 120 : 170;

  const colour = {};
  data.categories.forEach((slug, i) => { colour[slug] = palette[i % palette.length]; });
  const legend = document.getElementById("legend");
  if (legend) {
    data.categories.forEach((slug) => {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.style.background = colour[slug];
      item.append(swatch, document.createTextNode(slug));
      legend.appendChild(item);
    });
  }

  // Labels are wrapped here, with the font they are drawn in, so each box is made to fit its text.
  const measure = document.createElement("canvas").getContext("2d");
  function wrapped(label, bold) {
    measure.font = `${bold ? "bold " : ""}${SIZE}px ${FONT}`;
    const lines = [];
    let line = "";
    label.split(/\s+/).forEach((word) => {
      const candidate = line ? `${line} ${word}` : word;
      if (line && measure.measureText(candidate).width > maxLabelWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    });
    if (line) lines.push(line);
    const width = Math.max(...lines.map((l) => measure.measureText(l).width));
    return { text: lines.join("\n"), width: Math.ceil(width) + 2 * PAD, height: Math.ceil(lines.length * SIZE * LINE) + 2 * PAD };
  }

  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: "LR", nodesep: 10, ranksep: narrow ? 28 : 48, marginx: 12, marginy: 12 });
  layout.setDefaultEdgeLabel(() => ({}));
  const boxes = {};
  data.nodes.forEach((n) => {
    boxes[n.id] = wrapped(n.label, n.kind === "category" || n.kind === "focus");
    layout.setNode(n.id, { width: boxes[n.id].width, height: boxes[n.id].height });
  });
  data.edges.forEach((e) => layout.setEdge(e.source, e.target));
  dagre.layout(layout);

  const elements = [
    ...data.nodes.map((n) => {
      const box = boxes[n.id];
      const fill = colour[n.groups[0]] || "#9aa5ad";
      return {
        data: { ...n, text: box.text, width: box.width, height: box.height, colour: fill,
                border: colour[n.groups[1]] || fill },
        position: { x: layout.node(n.id).x, y: layout.node(n.id).y },
        classes: n.kind,
      };
    }),
    ...data.edges.map((e, i) => ({
      data: { id: `e${i}`, ...e },
      classes: [e.status === "suggested" ? "suggested" : "", e.member ? "member" : ""].join(" "),
    })),
  ];

  const minZoom = LEGIBLE / SIZE;
  const cy = cytoscape({
    container,
    elements,
    layout: { name: "preset" },
    minZoom,
    maxZoom: 3,
    wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: {
          "shape": "round-rectangle", "width": "data(width)", "height": "data(height)",
          "label": "data(text)", "text-wrap": "wrap", "text-max-width": 1000, "line-height": LINE,
          "font-family": FONT, "font-size": SIZE, "text-valign": "center", "text-halign": "center",
          "color": "#1d2a31", "background-color": "data(colour)", "background-opacity": 0.16,
          "border-width": 2, "border-color": "data(border)" } },
      { selector: "node.category", style: {
          "font-weight": "bold", "background-opacity": 0.32, "border-width": 3 } },
      { selector: "node.focus", style: { "font-weight": "bold", "border-color": "#264b5d", "border-width": 4 } },
      { selector: "node.match", style: { "border-color": "#d62828", "border-width": 4, "background-opacity": 0.5 } },
      { selector: "node.faded", style: { "opacity": 0.35 } },
      { selector: "edge", style: {
          "width": 1.4, "line-color": "#8a979f", "target-arrow-color": "#8a979f",
          "target-arrow-shape": "triangle", "curve-style": "bezier" } },
      { selector: "edge.member", style: { "line-color": "#c3ccd1", "target-arrow-color": "#c3ccd1", "width": 1 } },
      { selector: "edge.suggested", style: { "line-style": "dashed" } },
      { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } },
    ],
  });

  // The whole drawing if it fits at a legible size; else its start (the first layer), legible.
  function overview() {
    const box = cy.elements().boundingBox();
    const fits = Math.min((container.clientWidth - 32) / box.w, (container.clientHeight - 32) / box.h);
    if (fits >= minZoom) {
      cy.fit(undefined, 16);
      if (cy.zoom() > 1.25) {  // a few boxes are not blown up to fill the frame
        cy.zoom(1.25);
        cy.center();
      }
    } else {  // cy.fit would stop at minZoom around the middle: show the start instead
      cy.zoom(minZoom);
      cy.pan({ x: 16 - box.x1 * minZoom, y: 16 - box.y1 * minZoom });
    }
  }
  overview();

  cy.on("tap", "node", (event) => {
    const url = event.target.data("url");
    if (url) window.location.href = url;
  });

  const controls = document.getElementById("graph-controls");
  if (controls) {
    const zoomBy = (factor) => cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    controls.querySelector("[data-zoom=in]").addEventListener("click", () => zoomBy(1.25));
    controls.querySelector("[data-zoom=out]").addEventListener("click", () => zoomBy(0.8));
    controls.querySelector("[data-zoom=all]").addEventListener("click", overview);
    const search = controls.querySelector("input[type=search]");
    const said = controls.querySelector("output");
    const find = () => {
      const words = search.value.trim().toLowerCase();
      cy.nodes().removeClass("match faded");
      if (!words) { said.textContent = ""; return cy.collection(); }
      const found = cy.nodes().filter((n) => n.data("label").toLowerCase().includes(words));
      found.addClass("match");
      cy.nodes().not(found).addClass("faded");
      said.textContent = found.length === 1 ? "1 concept" : `${found.length} concepts`;
      return found;
    };
    search.addEventListener("input", find);
    controls.addEventListener("submit", (event) => {
      event.preventDefault();
      const found = find();
      if (found.length) cy.animate({ center: { eles: found[0] }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
    });
  }
  window.bibliographyGraph = cy;
})();
