"""Tools for guideline authors: quality checks on the knowledge base (qc) and guideline test
cases as data (casetests). `reasoner.workflows.check` runs them as `mtus check`."""
