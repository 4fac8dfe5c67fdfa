"""Reading IMR determination letters into case graphs plus the reviewer's recorded decision.

clean (PDF noise, offsets back into the letter) -> layout (which letter form, its sections) ->
extract (case facts from the case summary only, with provenance) -> graph (RDF in the case
vocabulary) -> ingest (one store transaction per letter, per-file errors in a batch).
"""
