// Incident maps: on the report form, a click on the map fills in the coordinates (and typing
// them moves the marker); on a report's page, the point and its uncertainty circle. Agreed
// pauses (data-geojson) are drawn underneath. The form works without this script.
(function () {
  "use strict";
  const element = document.getElementById("incident-map");
  if (!element || !window.L || !window.CorridorMap) return;
  const map = CorridorMap.create(element);
  element.corridorMap = map;  // for tests and other scripts of the page
  const pauses = CorridorMap.layer(map, JSON.parse(element.dataset.geojson || '{"type":"FeatureCollection","features":[]}'), "pause");
  let marker = null;
  let circle = null;

  function show(lat, lon, radius) {
    if (marker) marker.remove();
    if (circle) circle.remove();
    marker = L.circleMarker([lat, lon], {radius: 8, color: CorridorMap.colourOf({kind: "incident"}),
                                         weight: 3, fillOpacity: 0.8}).addTo(map);
    if (radius > 0) circle = L.circle([lat, lon], {radius: radius, color: "#b00020", weight: 1,
                                                   fillOpacity: 0.1}).addTo(map);
  }

  if (element.dataset.lat) {
    const lat = parseFloat(element.dataset.lat), lon = parseFloat(element.dataset.lon);
    show(lat, lon, parseFloat(element.dataset.radius || "0"));
    map.setView([lat, lon], 9);
    return;
  }
  CorridorMap.fit(map, [pauses]);
  const latInput = document.getElementById(element.dataset.latInput);
  const lonInput = document.getElementById(element.dataset.lonInput);
  const radiusInput = document.getElementById("uncertainty_m");
  function radius() { return parseFloat(radiusInput && radiusInput.value) || 0; }
  function fromInputs() {
    const lat = parseFloat((latInput.value || "").replace(",", "."));
    const lon = parseFloat((lonInput.value || "").replace(",", "."));
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) show(lat, lon, radius());
  }
  function pick(event) {
    latInput.value = event.latlng.lat.toFixed(5);
    lonInput.value = L.Util.wrapNum(event.latlng.lng, [-180, 180], true).toFixed(5);
    fromInputs();
  }
  map.on("click", pick);
  // A click on a drawn pause stops at the pause (Leaflet's canvas), so it picks the place too.
  pauses.on("click", function (event) { pick(event); map.closePopup(); });
  [latInput, lonInput, radiusInput].forEach(function (input) {
    if (input) input.addEventListener("change", fromInputs);
  });
  fromInputs();
})();

// Evidence files over the server's limit are stopped here, before a long upload that the server
// would refuse anyway; the message (data-too-large) comes from the page, in the reader's language.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    const form = input.form;
    if (!form) return;
    const limit = parseInt(input.dataset.maxBytes, 10);
    const id = input.id + "-size-error";
    function check() {
      const total = Array.prototype.reduce.call(input.files || [], function (sum, file) {
        return sum + file.size;
      }, 0);
      let message = document.getElementById(id);
      if (total <= limit) {
        if (message) message.remove();
        input.removeAttribute("aria-invalid");
        return true;
      }
      if (!message) {
        message = document.createElement("p");
        message.id = id;
        message.className = "field-error";
        message.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", message);
      }
      message.textContent = input.dataset.tooLarge;
      input.setAttribute("aria-invalid", "true");
      return false;
    }
    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        input.focus();
      }
    });
  });
})();
