// The map of the notification pages: the features the server put in #notices-geojson (movement
// routes, the check's red stretches outside a pause, pause corridors, sites, incidents), a legend
// whose words come from the map element's data-legend-* attributes, and the view fitted to them.
// The page's tables say everything without this script; the map only shows where.
(function () {
  "use strict";
  const element = document.getElementById("notices-map");
  const source = document.getElementById("notices-geojson");
  if (!element || !source || !window.L || !window.CorridorMap) return;
  const data = JSON.parse(source.textContent);
  const map = CorridorMap.create(element);
  const drawn = CorridorMap.layer(map, data, "movement");
  element.dataset.features = String(data.features.length);
  element.dataset.outside = String(data.features.filter(function (f) {
    return (f.properties || {}).part === "outside"; }).length);
  if (data.features.length) CorridorMap.fit(map, [drawn]);

  const entries = [["route", "movement"], ["under-way", "under_way"], ["outside", "outside"],
                   ["pause", "agreed"], ["site", "site"], ["incident", "incident"]];
  const legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    const box = L.DomUtil.create("div", "notices-legend");
    entries.forEach(function (entry) {
      const text = element.dataset["legend" + entry[0].replace(/-(\w)/g, function (_, c) {
        return c.toUpperCase(); }).replace(/^\w/, function (c) { return c.toUpperCase(); })];
      if (!text) return;
      const row = document.createElement("div");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = CorridorMap.colourOf({status: entry[1]});
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(" " + text));
      box.appendChild(row);
    });
    return box;
  };
  legend.addTo(map);

  // A click on a site's map (the site form) is handled by notices_form.js; nothing else here.
  window.CorridorNoticesMap = map;
})();
