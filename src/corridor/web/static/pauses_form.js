// The propose/amend form's extras: suggestions for the place field, waypoints added by clicking
// the map, and the corridor's buffer drawn live from the server's metric buffer (the same one it
// stores). The form itself works without this script: the waypoints are a plain textarea.
(function () {
  "use strict";
  const element = document.getElementById("pause-form-map");
  const waypoints = document.getElementById("waypoints");
  const halfWidth = document.getElementById("half_width_km");
  const place = document.getElementById("place");
  const addPlace = document.getElementById("add-place");
  const list = document.getElementById("place-suggestions");
  if (!element || !waypoints) return;

  function addLine(text) {
    const current = waypoints.value.replace(/\s+$/, "");
    waypoints.value = (current ? current + "\n" : "") + text;
    schedule();
  }

  let suggestTimer = null;
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
  function takePlace() {
    if (place.value.trim()) { addLine(place.value.trim()); place.value = ""; }
  }
  addPlace.addEventListener("click", takePlace);
  place.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); takePlace(); }
  });

  if (!window.L || !window.CorridorMap) return;
  const map = CorridorMap.create(element);
  let preview = null;
  let first = true;
  map.on("click", function (event) {
    addLine(event.latlng.lat.toFixed(4) + ", " + event.latlng.lng.toFixed(4));
  });

  let timer = null;
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  async function refresh() {
    const params = new URLSearchParams({waypoints: waypoints.value,
                                        half_width_km: halfWidth.value || "3"});
    const response = await fetch(element.dataset.preview + "?" + params,
                                 {credentials: "same-origin"});
    if (!response.ok) return;
    const data = await response.json();
    if (preview) map.removeLayer(preview);
    preview = CorridorMap.layer(map, data, "proposed", {colour: "#8a5a00"});
    element.dataset.features = String(data.features.length);
    if (first && data.features.length) { CorridorMap.fit(map, [preview]); first = false; }
  }
  waypoints.addEventListener("input", schedule);
  halfWidth.addEventListener("input", schedule);
  refresh();
})();
