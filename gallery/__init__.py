"""geohra gallery: one small example script per analysis (see README.md)."""
