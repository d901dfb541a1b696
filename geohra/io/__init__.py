"""Input: boundaries, unit-name matching, panel readers (CSV/XLSX/Parquet, statistics-bureau
exports), table sniffing and the built-in demo datasets.

Data flow: boundaries + panel -> :func:`geohra.join` -> analyses. The public functions
are exported at the top level (``geohra.load_boundaries``, ``geohra.read_panel`` ...).
"""
