"""The pure core: fact models, quote location, matching and rendering. Nothing here imports discord."""
