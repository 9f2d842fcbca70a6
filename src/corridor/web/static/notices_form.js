// Extras of the notification forms; both forms work without this script.
// Movement form (data-target="route"): place-name suggestions, a click on the map adds a
// "lat, lon" line to the route, and the route as the server resolves it is drawn.
// Site form (data-target="point"): a click on the map fills latitude and longitude.
(function () {
  "use strict";
  const element = document.getElementById("notices-map");
  if (!element) return;
  const target = element.dataset.target;
  const route = document.getElementById("route");
  const place = document.getElementById("place");
  const addPlace = document.getElementById("add-place");
  const list = document.getElementById("place-suggestions");

  let suggestTimer = null;
  if (place && list && element.dataset.places) {
    place.addEventListener("input", function () {
      clearTimeout(suggestTimer);
      suggestTimer = setTimeout(async function () {
        const q = place.value.trim();
        if (q.length < 2) return;
        const response = await fetch(element.dataset.places + "?q=" + encodeURIComponent(q),
                                     {credentials: "same-origin"});
        if (!response.ok) return;
        list.replaceChildren();
        (await response.json()).forEach(function (name) {
          const option = document.createElement("option");
          option.value = name;
          list.appendChild(option);
        });
      }, 200);
    });
  }

  function addLine(text) {
    const current = route.value.replace(/\s+$/, "");
    route.value = (current ? current + "\n" : "") + text;
    schedule();
  }
  if (target === "route" && place && addPlace) {
    const take = function () {
      if (place.value.trim()) { addLine(place.value.trim()); place.value = ""; }
    };
    addPlace.addEventListener("click", take);
    place.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); take(); }
    });
  }

  let timer = null;
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  if (!window.L || !window.CorridorMap) return;
  const map = CorridorMap.create(element);
  let drawn = null;
  let first = true;

  async function refresh() {
    if (target !== "route") return;
    const params = new URLSearchParams({waypoints: route.value, half_width_km: "0.05"});
    const response = await fetch(element.dataset.preview + "?" + params,
                                 {credentials: "same-origin"});
    if (!response.ok) return;
    const data = await response.json();
    data.features = data.features.filter(function (f) { return f.properties.part !== "buffer"; });
    if (drawn) map.removeLayer(drawn);
    drawn = CorridorMap.layer(map, data, "movement");
    element.dataset.features = String(data.features.length);
    if (first && data.features.length) { CorridorMap.fit(map, [drawn]); first = false; }
  }

  let marker = null;
  function showPoint(lat, lon) {
    if (marker) map.removeLayer(marker);
    marker = L.circleMarker([lat, lon], {radius: 8, color: CorridorMap.colourOf({kind: "site"}),
                                         weight: 2, fillOpacity: 0.7}).addTo(map);
  }
  map.on("click", function (event) {
    const lat = event.latlng.lat.toFixed(5);
    const lon = event.latlng.lng.toFixed(5);
    if (target === "route") {
      addLine(lat + ", " + lon);
    } else {
      document.getElementById("lat").value = lat;
      document.getElementById("lon").value = lon;
      showPoint(lat, lon);
    }
  });
  if (target === "route") {
    route.addEventListener("input", schedule);
    refresh();
  } else {
    const lat = parseFloat(document.getElementById("lat").value);
    const lon = parseFloat(document.getElementById("lon").value);
    if (isFinite(lat) && isFinite(lon)) { showPoint(lat, lon); map.setView([lat, lon], 9); }
  }
})();
