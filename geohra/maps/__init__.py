"""Drawing only: static (matplotlib) and web (folium) maps. Imported on demand."""
