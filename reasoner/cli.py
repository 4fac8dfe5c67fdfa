"""The `mtus` command line: reason, validate, serve, query, check, ingest, eval.

Exit codes: 0 decided / valid / check passed, 1 check failed or internal error, 2 bad input
(unreadable document, incomplete case, bad query).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError, MtusError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_STORE = "var/store"


def _read(path: str, fmt: str | None) -> tuple[bytes, str, str]:
    from reasoner.engine.intake import SUFFIXES, media_type_for

    if path == "-":
        media = SUFFIXES.get(f".{fmt}", fmt) if fmt else "text/turtle"
        return sys.stdin.buffer.read(), media, "<stdin>"
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file", source=path)
    media = SUFFIXES.get(f".{fmt}", fmt) if fmt else media_type_for(file)
    return file.read_bytes(), media, path


def cmd_reason(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.engine.report import case_json

    kb = KnowledgeBase.load()
    data, media, source = _read(args.file, args.format)
    result = kb.reason_document(data, media, source)
    out = case_json(result, kb)
    if not args.no_store:
        from reasoner.store.embedded import Store

        store = Store.open(args.store)
        try:
            store.ensure_guidelines(kb)
            out["run"] = store.save_case(result, kb)
        finally:
            store.close()
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(_summary(out))
    return EXIT_OK


def _summary(out: dict) -> str:
    lines = [f"case {out['case']}"]
    for d in out["determinations"]:
        lines.append(f"\n{d['service']}: {d['outcome']} (IMR: {d['imr_equivalent'] or 'n/a'})")
        lines.append(f"  {d['action']}")
        if d["citation"]:
            lines.append(f"  cites: {d['citation']['text']} [{d['citation']['source']}]")
        for c in d["criteria"]:
            mark = "*" if c["decisive"] else " "
            tag = f" [{c['verification']}]" if c["verification"] else ""
            lines.append(f"  {mark}{'  ' * c['depth']}{c['result']:8} {c['statement']}{tag}")
            for e in c["evidence"]:
                lines.append(f"   {'  ' * c['depth']}         - {e['text']}")
        for label, items in (("missing", d["missing"]), ("would change", d["would_change"]),
                             ("note", d["notes"])):
            lines += [f"  {label}: {item}" for item in items]
    if "run" in out:
        lines.append(f"\nstored as run {out['run']}")
    return "\n".join(lines)


def cmd_validate(args) -> int:
    from reasoner import KnowledgeBase

    kb = KnowledgeBase.load()
    data, media, source = _read(args.file, args.format)
    problems = kb.checker.check(kb.parse(data, media, source), source, engine=args.engine)
    if args.json:
        print(json.dumps({"conforms": not any(p.severity == "violation" for p in problems),
                          "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        for p in problems:
            print(f"{source}: {p.severity}: {p.message} [{p.focus}]")
        if not problems:
            print(f"{source}: complete enough to decide")
    return EXIT_BAD_INPUT if any(p.severity == "violation" for p in problems) else EXIT_OK


def cmd_check(args) -> int:
    from reasoner.authoring.check import run_check

    report = run_check(hermit=not args.no_hermit, tests=not args.no_tests)
    for line in report.info:
        print(line)
    for line in report.failures:
        print(f"FAIL {line}", file=sys.stderr)
    print(f"\nmtus check: {'passed' if report.ok else f'{len(report.failures)} failure(s)'}")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_serve(args) -> int:
    import os

    import uvicorn

    from api.settings import Settings

    os.environ["MTUS_STORE_PATH"] = args.store  # the flag wins over the environment
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers > 1 and not Settings().sparql_query_url:
        # Each worker is a process with its own store: the embedded one is locked by the
        # first, and ':memory:' stores would differ from worker to worker.
        print("error: --workers above 1 needs a SPARQL server store (MTUS_SPARQL_QUERY_URL)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    # uvicorn picks uvloop and httptools when installed (uvicorn[standard]), else asyncio + h11.
    from api.limits import HEADER_DEADLINE_PROTOCOL

    # The protocol class answers 408 to a client whose request head trickles in (uvicorn has
    # no such deadline; the app's own BodyLimit only sees complete heads).
    uvicorn.run("api.main:app", host=args.host, port=args.port, log_level="info",
                workers=args.workers, access_log=args.access_log,
                http=HEADER_DEADLINE_PROTOCOL)
    return EXIT_OK


def cmd_query(args) -> int:
    from reasoner.store.embedded import Store

    text = Path(args.query).read_text() if Path(args.query).is_file() else args.query
    store = Store.open(args.store, read_only=True)
    try:
        print(store.query_text(text, args.format))
    finally:
        store.close()
    return EXIT_OK


def cmd_prune(args) -> int:
    from reasoner.store.embedded import Store

    store = Store.open(args.store)
    try:
        report = store.prune()
    finally:
        store.close()
    if args.json:
        print(json.dumps(report))
    else:
        print(f"dropped {report['runs_dropped']} run(s); store {report['bytes_before']} -> "
              f"{report['bytes_after']} bytes")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.reader.ingest import ingest, letter_files, progress_bar
    from reasoner.store.embedded import Store

    kb = KnowledgeBase.load()
    files = letter_files(args.paths)
    store = Store.open(args.store)
    try:
        store.ensure_guidelines(kb)  # the terminology, so queries can group services
        results = ingest(files, kb, store, progress_bar(sys.stderr) if len(files) > 1 else None,
                         reason=args.reason, jobs=args.jobs)
    finally:
        store.close()
    for r in results:
        if r.summary is None:
            print(f"error: {r.error}", file=sys.stderr)
        elif args.json:
            print(json.dumps(r.summary))
        else:
            print(_letter_line(r.summary))
    failed = sum(not r.ok for r in results)
    print(f"ingested {len(results) - failed} of {len(results)} letter(s) into {args.store}"
          + (_decided_line(results) if args.reason else ""), file=sys.stderr)
    return EXIT_BAD_INPUT if failed or not results else EXIT_OK


def _letter_line(summary: dict) -> str:
    items = "; ".join(f"{i['name']} ({i['recorded_outcome'] or '?'}"
                      + (f" -> {i['outcome'] or 'not decided'})" if "outcome" in i else ")")
                      for i in summary["items"])
    why = f" [not decided: {summary['not_decided']}]" if "not_decided" in summary else ""
    return f"{summary['source']}: {summary['layout']}: {summary['case']}: {items}{why}"


def _decided_line(results) -> str:
    from collections import Counter

    outcomes = Counter(i.get("outcome") or "not decided"
                       for r in results if r.summary for i in r.summary["items"])
    undecided = sum(1 for r in results if r.summary and "run" not in r.summary)
    return (f"; items: {', '.join(f'{k} {n}' for k, n in sorted(outcomes.items()))}"
            f"; {undecided} letter(s) stored without determinations")


def cmd_eval(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.reader.ingest import letter_files, progress_bar
    from reasoner.scoring import csv_text, evaluate, text_report

    kb = KnowledgeBase.load()
    files = letter_files(args.paths)
    report = evaluate(files, kb, progress_bar(sys.stderr))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.json").write_text(json.dumps(report, indent=2))
    (out / "eval.csv").write_text(csv_text(report))
    print(json.dumps(report, indent=2) if args.json else text_report(report))
    print(f"wrote {out / 'eval.json'} and {out / 'eval.csv'}", file=sys.stderr)
    return EXIT_OK if report["overall"]["items"] else EXIT_BAD_INPUT


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mtus", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("reason", help="decide each requested service of a case file")
    r.add_argument("file", help="case file (.ttl, .jsonld, .json, .nt) or - for stdin")
    r.add_argument("--format", help="ttl, jsonld or nt (default: from the file name)")
    r.add_argument("--json", action="store_true", help="print the JSON output contract")
    r.add_argument("--store", default=DEFAULT_STORE,
                   help=f"embedded store (default {DEFAULT_STORE})")
    r.add_argument("--no-store", action="store_true", help="do not store the case")
    r.set_defaults(func=cmd_reason)

    v = sub.add_parser("validate", help="check a case file is complete enough to decide")
    v.add_argument("file")
    v.add_argument("--format")
    v.add_argument("--json", action="store_true")
    v.add_argument("--engine", default="compiled", choices=["compiled", "pyshacl"],
                   help="compiled shapes (default, fast) or pySHACL (the reference)")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("serve", help="run the HTTP API (OpenAPI at /docs)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--store", default=DEFAULT_STORE)
    s.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1; more need MTUS_SPARQL_QUERY_URL)")
    s.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                   help="log every request (default on)")
    s.set_defaults(func=cmd_serve)

    pr = sub.add_parser("prune", help="drop superseded and orphaned runs, then compact the store")
    pr.add_argument("--store", default=DEFAULT_STORE)
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(func=cmd_prune)

    q = sub.add_parser("query", help="run a read-only SPARQL query over the store")
    q.add_argument("query", help="SPARQL text or a file holding it")
    q.add_argument("--store", default=DEFAULT_STORE)
    q.add_argument("--format", default="table", choices=["table", "json", "csv", "tsv", "xml"])
    q.set_defaults(func=cmd_query)

    i = sub.add_parser("ingest", help="read IMR letters (text) into case graphs and store them",
                       description="Read IMR letters into case graphs with the reviewer's "
                                   "record and store each letter whole or not at all (new "
                                   "letters in bulk batches; a crash is undone when the store "
                                   "next opens). With --reason, also decide each letter and "
                                   "store its determinations with it. Progress (count, rate, "
                                   "time left) goes to stderr. Exit 2 if any file could not "
                                   "be read or stored.")
    i.add_argument("paths", nargs="+", metavar="FILE_OR_DIR",
                   help="letter files, or directories of .txt letters (not recursive)")
    i.add_argument("--store", default=DEFAULT_STORE)
    i.add_argument("--json", action="store_true", help="one JSON summary line per letter")
    i.add_argument("--reason", action="store_true",
                   help="also decide each letter from its case facts (never its recorded "
                        "decision) and store the determinations with the letter, whole or not "
                        "at all; a letter that cannot be decided is stored with the reason")
    i.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes that read and reason while this one writes "
                        "(0: none; default: from 400 letters one per CPU, else 0)")
    i.set_defaults(func=cmd_ingest)

    e = sub.add_parser("eval", help="reason over IMR letters and compare with their decisions")
    e.add_argument("paths", nargs="+", metavar="DIR_OR_FILE")
    e.add_argument("--out", default="build/eval", help="where eval.json and eval.csv go")
    e.add_argument("--json", action="store_true", help="print the JSON report")
    e.set_defaults(func=cmd_eval)

    c = sub.add_parser("check", help="guideline authors: shapes, OWL (HermiT), test cases")
    c.add_argument("--no-hermit", action="store_true", help="skip HermiT (no Java needed)")
    c.add_argument("--no-tests", action="store_true", help="skip the guideline test cases")
    c.set_defaults(func=cmd_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except IncompleteCase as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        print(f"error: {exc.describe()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KnowledgeBaseError as exc:
        print(f"knowledge base error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except MtusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
