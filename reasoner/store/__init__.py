"""Where cases, runs and the guidelines are kept and queried: `protocol.GraphStore`, with the
embedded Oxigraph store (`embedded`) and any SPARQL 1.1 server (`remote`) side by side.

Kept light on purpose: `python -m reasoner.store.queryworker` imports this package first.
"""
