"""Pure geometry: GeoJSON validation, metric measures, a spatial index and a gazetteer."""
