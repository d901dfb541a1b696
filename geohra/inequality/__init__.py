"""Inequality statistics: Gini (plain, weighted, spatial), Theil, Dagum, agglomeration, bootstrap."""
