"""One module per command group; each imports its heavy libraries inside the command."""
