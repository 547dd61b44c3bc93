"""Official statistics into the store: one module per source layout (today UN Comtrade)."""
