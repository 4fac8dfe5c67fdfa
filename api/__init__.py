"""HTTP API of mtus-kg: `uvicorn api.main:app`. Routers stay thin; the reasoner does the work."""
