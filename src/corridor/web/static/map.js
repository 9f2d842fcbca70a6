// CorridorMap: a Leaflet map on the offline base map (Natural Earth borders served by Corridor
// itself, /basemap.geojson), with a tile layer only where the server names a tile URL.
// Usage: const map = CorridorMap.create(element); CorridorMap.layer(map, geojson, "pause");
(function () {
  "use strict";
  const colours = {
    agreed: "#1e6b30", active: "#1e6b30", in_force: "#1e6b30", proposed: "#8a5a00",
    amended: "#8a5a00", suspended: "#b00020", withdrawn: "#777", expired: "#777",
    ended: "#777", breach: "#b00020", site: "#0b5394", movement: "#5b2c83",
    under_way: "#d35400", incident: "#b00020", outside: "#b00020",
  };

  function colourOf(props) {
    return colours[props.status] || colours[props.state] || colours[props.kind] || "#0b5394";
  }

  function create(element, options) {
    options = options || {};
    const map = L.map(element, {preferCanvas: true, zoomSnap: 0.5, attributionControl: true});
    map.setView(options.center || [47.5, 36.5], options.zoom || 7);
    const tiles = element.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, {maxZoom: 18, attribution: element.dataset.tilesAttribution || ""})
        .addTo(map);
    } else {
      fetch("/basemap.geojson").then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, {interactive: false, style: {color: "#7a7a7a", weight: 1,
          fillColor: "#f2efe9", fillOpacity: 1}}).addTo(map).bringToBack();
      });
      map.attributionControl.addAttribution("Natural Earth · GeoNames");
    }
    return map;
  }

  // A GeoJSON layer styled by each feature's status/kind; popups from properties.title/name.
  function layer(map, geojson, kind, extra) {
    extra = extra || {};
    return L.geoJSON(geojson, {
      style: function (feature) {
        const props = Object.assign({kind: kind}, feature.properties || {});
        const colour = extra.colour || colourOf(props);
        return {color: colour, weight: props.highlight ? 5 : 3, fillOpacity: 0.15,
                dashArray: props.dashed ? "6 4" : null};
      },
      pointToLayer: function (feature, latlng) {
        const props = Object.assign({kind: kind}, feature.properties || {});
        return L.circleMarker(latlng, {radius: props.highlight ? 9 : 6,
          color: extra.colour || colourOf(props), weight: 2, fillOpacity: 0.7});
      },
      onEachFeature: function (feature, item) {
        const props = feature.properties || {};
        const label = props.title || props.name || props.label;
        if (label) {
          const link = props.url ? '<a href="' + props.url + '">' : "";
          const text = document.createElement("span");
          text.textContent = label;
          item.bindPopup(link + text.innerHTML + (link ? "</a>" : ""));
        }
      },
    }).addTo(map);
  }

  function fit(map, layers) {
    const group = L.featureGroup(layers.filter(Boolean));
    const bounds = group.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.15), {maxZoom: 11});
  }

  window.CorridorMap = {create: create, layer: layer, fit: fit, colourOf: colourOf};
})();
