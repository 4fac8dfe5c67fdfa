"""Reading IMR determination letters into case graphs plus the reviewer's recorded decision.

clean (PDF noise, offsets back into the letter) -> layout (which letter form, its sections) ->
extract (case facts from the case summary only, as `mention.Mention`s with their spans) ->
graph (RDF in the case vocabulary). `letter.read_letter` runs them; synth writes synthetic
letters for tests and benchmarks. Text in, case graph out: nothing here decides or stores.
"""
