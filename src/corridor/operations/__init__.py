"""Evacuations counted from boarding to arrival, and aid deliveries with their manifests."""
