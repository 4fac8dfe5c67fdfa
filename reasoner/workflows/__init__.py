"""The workflows: the one place that composes the engine, the reader, the store and the
scorer. The CLI and the API call these and nothing below them that composes.

- cases:   reason_case / start_reason_case / save_result (decide, report, store), validate_case
- letters: ingest_letter(s) (read, decide, store), score_letters (`mtus eval`)
- check:   check_knowledge_base (`mtus check`)
- impact:  impact (`mtus impact`: decide before and after a guideline edit)
- release: build_release (`mtus release`: one RDF/XML ontology for Protégé)
"""
