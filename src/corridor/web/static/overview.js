// The overview's map: the group's features embedded in the page (#ov-features), one Leaflet layer
// per kind with checkboxes in the legend, and the gazetteer's towns as labels by zoom.
// Redrawn when a live update swaps the embedded data. The page is complete without it.
(function () {
  "use strict";
  const element = document.getElementById("ov-map");
  if (!element || !window.L || !window.CorridorMap) return;
  const palette = {agreed: "#1e6b30", active: "#1e6b30", proposed: "#8a5a00",
                   suspended: "#b00020", rejected: "#b00020", cancelled: "#b00020"};
  const map = CorridorMap.create(element);
  const layers = {pause: [], site: [], movement: [], incident: []};
  const shown = {pause: true, site: true, movement: true, incident: true, places: true};
  let places = null;

  function readFeatures() {
    const script = document.getElementById("ov-features");
    try { return JSON.parse(script.textContent); } catch (e) { return null; }
  }

  function draw(fit) {
    const data = readFeatures();
    if (!data) return;
    Object.keys(layers).forEach(function (kind) {
      layers[kind].forEach(function (layer) { map.removeLayer(layer); });
      layers[kind] = [];
    });
    // Pauses: one layer per colour, so that every status reads at a glance.
    const byColour = {};
    data.pause.features.forEach(function (f) {
      const colour = palette[f.properties.status] || "#767676";
      if (f.properties.part === "corridor") f.properties.dashed = true;
      (byColour[colour] = byColour[colour] || []).push(f);
    });
    Object.keys(byColour).forEach(function (colour) {
      layers.pause.push(CorridorMap.layer(map, {type: "FeatureCollection",
        features: byColour[colour]}, "pause", {colour: colour}));
    });
    ["site", "movement", "incident"].forEach(function (kind) {
      layers[kind].push(CorridorMap.layer(map, data[kind], kind));
    });
    layers.movement.concat(layers.incident).forEach(function (l) { l.bringToFront(); });
    Object.keys(layers).forEach(function (kind) {
      if (!shown[kind]) layers[kind].forEach(function (layer) { map.removeLayer(layer); });
    });
    // How many features are drawn (the canvas has no elements to count): for tests and tools.
    element.dataset.drawn = String(["pause", "site", "movement", "incident"].reduce(
      function (n, kind) { return n + data[kind].features.length; }, 0));
    if (fit) CorridorMap.fit(map, [].concat(layers.pause, layers.site, layers.movement,
                                            layers.incident));
  }

  // Town names: the larger the town, the further out its label shows.
  function labelPlaces() {
    if (!places) return;
    const zoom = map.getZoom();
    const limit = zoom >= 8 ? 3 : zoom >= 6 ? 2 : 1;
    places.eachLayer(function (marker) {
      const visible = shown.places && marker.feature.properties.rank <= limit;
      if (visible && !map.hasLayer(marker)) marker.addTo(map);
      if (!visible && map.hasLayer(marker)) map.removeLayer(marker);
    });
  }

  fetch(element.dataset.places).then(function (r) { return r.json(); }).then(function (data) {
    places = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {radius: 2, color: "#444", weight: 1, fillOpacity: 1,
                                       interactive: false})
          .bindTooltip(feature.properties.name, {permanent: true, direction: "right",
            className: "ov-place rank-" + feature.properties.rank, offset: [3, 0]});
      },
    });
    labelPlaces();
  });
  map.on("zoomend", labelPlaces);

  const legend = document.getElementById("ov-legend");
  legend.hidden = false;
  legend.addEventListener("change", function (event) {
    const kind = event.target.dataset.layer;
    if (!kind) return;
    shown[kind] = event.target.checked;
    if (kind === "places") { labelPlaces(); return; }
    layers[kind].forEach(function (layer) {
      if (shown[kind]) layer.addTo(map); else map.removeLayer(layer);
    });
  });

  draw(true);
  document.addEventListener("corridor:refreshed", function () { draw(false); });
})();
