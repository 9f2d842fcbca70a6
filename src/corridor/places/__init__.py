"""Places: the registry's towns (GeoNames, from a package) and those a contact group adds itself."""
