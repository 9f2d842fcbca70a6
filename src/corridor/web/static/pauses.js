// Pause pages: the map of a pause's area and corridor (from the GeoJSON embedded in the page).
// The page is complete without it; the map is an extra.
(function () {
  "use strict";
  const element = document.getElementById("pause-map");
  const data = document.getElementById("pause-geojson");
  if (!element || !data || !window.L || !window.CorridorMap) return;
  const geojson = JSON.parse(data.textContent);
  const map = CorridorMap.create(element);
  const layer = CorridorMap.layer(map, geojson, "pause");
  CorridorMap.fit(map, [layer]);
  element.dataset.features = String(geojson.features.length);
})();
