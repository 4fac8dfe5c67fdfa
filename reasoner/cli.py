"""The `mtus` command line: reason, validate, read, serve, query, prune, check, ingest, eval.

Exit codes, the same for every command (`mtus --help` and README.md list them too; EXIT_CODES
below is the one source, a test keeps the three in step):
  0    success: decided, valid, check passed, query answered, letters stored
  1    failed: `mtus check` found problems, the knowledge base does not compile, or an
       internal error (one line on stderr; MTUS_DEBUG=1 prints the traceback)
  2    bad input: bad arguments, a missing or unreadable file, a directory where a file is
       expected, an incomplete case, a bad query, a store that cannot be opened (a running
       server holds it), a letter not stored
  3    serve did not start: the port is in use or not permitted (pass --port), or the app
       failed to start (the log says why)
  130  interrupted (Ctrl-C)
  141  stdout closed early (piped into `head`, say): the output stops quietly, as for a
       command ended by SIGPIPE

A reader that leaves in the middle of one large write is not always noticed (the kernel
reports a short write, which Python's text layer does not check): that output is cut short
too, and the exit is 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError, MtusError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_CANNOT_SERVE = 3  # serve: cannot listen, or the app did not start (uvicorn's code too)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports `yes | head`
EXIT_CODES = {
    EXIT_OK: "success: decided, valid, check passed, query answered, letters stored",
    EXIT_FAILED: "failed: `mtus check` found problems, the knowledge base does not compile, "
                 "or an internal error (one line on stderr; MTUS_DEBUG=1 prints the traceback)",
    EXIT_BAD_INPUT: "bad input: bad arguments, a missing or unreadable file, a directory where "
                    "a file is expected, an incomplete case, a bad query, a store that cannot "
                    "be opened (a running server holds it), a letter not stored",
    EXIT_CANNOT_SERVE: "serve did not start: the port is in use or not permitted (pass "
                       "--port), or the app failed to start (the log says why)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_BROKEN_PIPE: "stdout closed early (piped into `head`, say): the output stops "
                      "quietly, as for a command ended by SIGPIPE",
}
DEFAULT_STORE = "var/store"
HERMIT_RUNS = 60  # as reasoner.authoring.qc.HERMIT_RUNS (a test keeps them equal): the CLI
# does not import the authoring tools (owlready2, pySHACL) to build its help
QUERY_SUFFIXES = (".rq", ".sparql")


# The largest case document the CLI reads (the API's default body limit is far smaller): more
# is no case (`mtus reason - < /dev/zero` read until the memory ran out).
MAX_CASE_BYTES = 64 << 20


def _bounded(stream, source: str) -> bytes:  # noqa: ANN001 (a binary stream)
    data = stream.read(MAX_CASE_BYTES + 1)
    if len(data) > MAX_CASE_BYTES:
        raise InputError(f"larger than {MAX_CASE_BYTES >> 20} MiB: not a case document",
                         source=source)
    return data


def _read(path: str, fmt: str | None) -> tuple[bytes, str, str]:
    from reasoner.engine.intake import SUFFIXES, media_type_for

    if path == "-":
        media = SUFFIXES.get(f".{fmt}", fmt) if fmt else "text/turtle"
        return _bounded(sys.stdin.buffer, "<stdin>"), media, "<stdin>"
    file = Path(path)
    if _is_dir(file):
        raise InputError("is a directory: pass a case file (.ttl, .jsonld, .json, .nt), or - "
                         "to read one from stdin (`mtus ingest` takes directories of letters)",
                         source=path)
    data = _read_bytes(file)
    media = SUFFIXES.get(f".{fmt}", fmt) if fmt else media_type_for(file)
    return data, media, path


def _is_dir(file: Path) -> bool:
    try:
        return file.is_dir()
    except (OSError, ValueError):  # a name too long, or with a NUL byte: not a directory
        return False


def _read_bytes(file: Path) -> bytes:
    """A missing or unreadable file is bad input, with the reason, not a traceback."""
    try:
        with file.open("rb") as stream:
            return _bounded(stream, str(file))
    except FileNotFoundError:
        raise InputError("no such file", source=str(file)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", source=str(file)) from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read: {why}", source=str(file)) from None


def cmd_reason(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.workflows.cases import reason_case

    kb = KnowledgeBase.load()
    data, media, source = _read(args.file, args.format)
    store = None if args.no_store else _open_store(args.store)
    try:
        report = reason_case(kb, data, media, source, store)
    finally:
        if store is not None:
            store.close()
    print(_json(report) if args.json else _summary(report))
    return EXIT_OK


def _open_store(path: str, read_only: bool = False):  # noqa: ANN202 (loaded only when needed)
    from reasoner.store.embedded import Store

    return Store.open(path, read_only=read_only)


def _json(value: object) -> str:
    """The output model as JSON, as the API writes it (orjson: dataclasses natively)."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def _summary(report) -> str:  # noqa: ANN001
    lines = [f"case {report.case}"]
    for d in report.determinations:
        lines.append(f"\n{d.service}: {d.outcome} (IMR: {d.imr_equivalent or 'n/a'})")
        lines.append(f"  {d.action}")
        if d.citation:
            lines.append(f"  cites: {d.citation.text} [{d.citation.source}]")
        if d.drug_list:
            lines.append(f"  drug list: {d.drug_list.text}")
        for c in d.criteria:
            mark = "*" if c.decisive else " "
            tag = f" [{c.verification}]" if c.verification else ""
            lines.append(f"  {mark}{'  ' * c.depth}{c.result:8} {c.statement}{tag}")
            if c.note:  # the values the criterion compared: '5 prior + 6 requested = 11 > 10'
                lines.append(f"   {'  ' * c.depth}         = {c.note}")
            for e in c.evidence:
                lines.append(f"   {'  ' * c.depth}         - {e.text}")
            if c.evidence_total > len(c.evidence):
                lines.append(f"   {'  ' * c.depth}         - ... {c.evidence_total} facts in all")
        for label, items in (("missing", d.missing), ("would change", d.would_change),
                             ("note", d.notes)):
            lines += [f"  {label}: {item}" for item in items]
    if report.run:
        lines.append(f"\nstored as run {report.run}")
    return "\n".join(lines)


def cmd_validate(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.workflows.cases import validate_case

    kb = KnowledgeBase.load()
    data, media, source = _read(args.file, args.format)
    report = validate_case(kb, data, media, source, engine=args.engine)
    if args.json:
        print(_json(report))
    else:
        for p in report.problems:
            print(f"{source}: {p.severity}: {p.message} [{p.focus}]")
        if not report.problems:
            print(f"{source}: complete enough to decide")
    return EXIT_OK if report.conforms else EXIT_BAD_INPUT


def cmd_check(args) -> int:
    from reasoner.workflows.check import check_knowledge_base

    if args.watch:
        return _watch_check(args)
    report = check_knowledge_base(hermit=not args.no_hermit, tests=not args.no_tests,
                                  guideline=args.guideline, hermit_runs=args.hermit_runs)
    _print_check(report)
    return EXIT_OK if report.ok else EXIT_FAILED


def _print_check(report) -> None:  # noqa: ANN001
    for line in report.info:
        print(line)
    sys.stdout.flush()  # the failures go to stderr: after the table, not inside it
    for line in report.failures:
        print(f"FAIL {line}", file=sys.stderr)
    print(f"\nmtus check: {'passed' if report.ok else f'{len(report.failures)} failure(s)'}",
          flush=True)


def _watch_check(args) -> int:
    """The quick checks (no HermiT) again on every change under ontology/, shapes/ and
    tests/cases/, until Ctrl-C, which ends the watch as a success."""
    import time

    from reasoner.engine.home import home
    from reasoner.workflows.check import check_knowledge_base
    from reasoner.workflows.watch import WATCHED, snapshot, wait_for_change

    root = home()
    try:
        files = snapshot(root)
        first = True
        while True:
            try:
                _print_check(check_knowledge_base(hermit=False, tests=not args.no_tests,
                                                  guideline=args.guideline))
            except MtusError as exc:
                if first:  # a bad --guideline: say so and stop, as without --watch
                    raise
                print(f"error: {exc}", file=sys.stderr)  # a file half-written, say: wait on
            first = False
            print(f"watching {', '.join(f'{root / w}/' for w in WATCHED)} (Ctrl-C stops)",
                  flush=True)
            files, changed = wait_for_change(root, files)
            shown = "; ".join(changed[:3]) + (f"; {len(changed) - 3} more" if changed[3:] else "")
            print(f"\n--- {time.strftime('%H:%M:%S')} {shown}", flush=True)
    except KeyboardInterrupt:
        print("\nstopped watching", file=sys.stderr)
        return EXIT_OK


def cmd_coverage(args) -> int:
    from reasoner.workflows.coverage import coverage_by_year, knowledge_coverage

    if args.by_year:
        years = coverage_by_year(2014, args.date.year)
        print(_json(years) if args.json else "\n".join(
            f"{year}-07-01  {share:6.1%}" for year, share in years.items()))
        return EXIT_OK
    report = knowledge_coverage(args.date)
    print(_json(report.to_json()) if args.json else _coverage_text(report))
    return EXIT_OK


def _coverage_text(report) -> str:  # noqa: ANN001
    lines = [f"commonly disputed services on {report.date}: {report.weighted:.1%} of the IMR "
             f"volume they stand for has a recommendation in force ({report.weighted_mtus:.1%}"
             " MTUS); shares marked ~ are estimates, not published figures"]
    for cat in report.categories:
        mark = "" if cat.published else "~"
        lines.append(f"\n{cat.name} ({mark}{cat.share:g}% of IMR decisions): "
                     f"{cat.covered_share / cat.share:.0%} covered")
        for s in cat.services:
            state = ("; ".join(s.cited) if s.covered else
                     "MISSING" + ("" if s.known else " (no such term in the terminology)"))
            when = f"  [only when: {'; '.join(s.contexts)}]" if s.contexts else ""
            lines.append(f"  {s.label:42} {state}{when}")
    return "\n".join(lines)


def cmd_impact(args) -> int:
    from reasoner.workflows.impact import impact, stored_impact

    if args.before is None and args.store is None:
        raise InputError("give the knowledge base before the edit (REV_OR_DIR), or --store DIR "
                         "to compare with the runs stored there", source="mtus impact")
    store = None if args.store is None else _open_store(_existing_store(args.store), True)
    try:
        if args.before is None:
            assert store is not None
            report = stored_impact(store)
        else:
            report = impact(args.before, store=store)
    finally:
        if store is not None:
            store.close()
    print(_json(report) if args.json else _impact_text(report))
    return EXIT_OK


def _impact_text(report) -> str:  # noqa: ANN001
    lines = [f"knowledge base {report.before} -> {report.after}: {report.decided} requested "
             f"services decided under both, {len(report.flips)} changed "
             f"({report.seconds:.1f} s)"]
    if report.runs:
        lines.append(f"stored runs: {sum(report.runs.values())}, {report.runs_elsewhere} made "
                     f"under another knowledge base than the working files' ({report.after}); "
                     "by digest: " + ", ".join(f"{d} {n}" for d, n in report.runs.items()))
    if report.without_run:
        lines.append(f"{report.without_run} stored case(s) have no run: not compared")
    if report.edited:
        lines.append("edited: " + ", ".join(report.edited))
    lines += [f"warning: {w}" for w in report.warnings]
    for (rec, service), flips in report.groups().items():
        lines.append(f"\n{rec} / {service}: {len(flips)} changed")
        for f in flips:
            lines.append(f"  {f.case}: {f.before} -> {f.after}")
            lines += [f"      {c}" for c in f.criteria[:4]]
    lines += [f"not decided: {e}" for e in report.errors]
    return "\n".join(lines)


def cmd_new(args) -> int:
    from reasoner.vocab import short
    from reasoner.workflows.scaffold import Request, new_recommendation

    out = new_recommendation(Request(args.guideline, args.service, args.kind, args.name,
                                     args.section, args.polarity))
    print(f"appended to {out.guideline_file}: {short(out.recommendation)} "
          f"({short(out.polarity)}), its criterion {short(out.criterion)}"
          + ("" if args.section else f" and its section {short(out.section)}"))
    for path in out.cases:
        print(f"wrote {path}")
    for warning in out.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"\nfill in the {out.placeholders} \"FILL:\" values: `mtus check --no-hermit "
          f"--guideline {args.guideline}` fails, naming each, until none is left")
    return EXIT_OK


def cmd_release(args) -> int:
    from reasoner.workflows.release import build_release

    path = build_release(_version(), Path(args.out) if args.out else None)
    print(f"wrote {path} (RDF/XML, version {_version()}): open it in Protégé or owlready2")
    return EXIT_OK


def cmd_serve(args) -> int:
    # The one place the CLI reaches into api/: it starts the server (api/serve.py checks
    # the options and the address, then runs uvicorn).
    from api.serve import CannotServe, serve

    try:
        serve(args.host, args.port, args.store, workers=args.workers,
              access_log=args.access_log)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CannotServe as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_SERVE
    return EXIT_OK


def cmd_query(args) -> int:
    from reasoner.store.embedded import Store

    text = _query_text(args.query)
    store = Store.open(_existing_store(args.store), read_only=True)
    try:
        result = store.query_text(text, args.format)
    finally:
        store.close()
    sys.stdout.write(result if result.endswith("\n") else result + "\n")  # CSV ends in one
    return EXIT_OK


def _query_text(arg: str) -> str:
    """The query `mtus query` runs: `-` reads stdin, `@FILE` reads FILE, and an argument
    that looks like a file name is read as one; anything else is the SPARQL text itself.

    Looks like a file name: no `{` and no line break (every SPARQL query but a bare DESCRIBE
    has a group `{ }`), and it ends in .rq or .sparql, has no whitespace, or names an existing
    file. Such an argument that names no file is an error, not a query to parse."""
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        return _read_text(Path(arg[1:]))
    if _looks_like_path(arg):
        return _read_text(Path(arg))
    return arg


def _looks_like_path(arg: str) -> bool:
    if "{" in arg or "\n" in arg:
        return False
    if arg.lower().endswith(QUERY_SUFFIXES) or not any(c.isspace() for c in arg):
        return True
    try:
        return Path(arg).is_file()
    except (OSError, ValueError):  # too long for a file name, a NUL byte: text
        return False


def _read_text(file: Path) -> str:
    if _is_dir(file):
        raise InputError("is a directory: pass a query file (.rq) or the query text",
                         source=str(file))
    try:
        return _read_bytes(file).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=str(file)) from None


def _existing_store(path: str) -> str:
    """A store to read: one that is not there is bad input (opening would create it)."""
    if not Path(path).exists():
        raise InputError("no store here: `mtus reason CASE --store DIR` or `mtus ingest` "
                         "creates one (default var/store)", source=path)
    return path


def cmd_prune(args) -> int:
    from reasoner.store.embedded import Store

    store = Store.open(_existing_store(args.store))
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


def cmd_read(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.workflows.letters import read_document

    kb = KnowledgeBase.load()
    if Path(args.file).is_dir():
        raise InputError("is a directory: pass one letter or progress report (.txt)",
                         source=args.file)
    read, report = read_document(Path(args.file), kb, reason=args.reason)
    if args.json:
        print(_json(report))
    elif args.reason:
        print(_letter_line(report, True))
        for item in report.items:
            print(f"  {item.name}: {item.outcome or 'not decided'} ({item.reason})")
    else:
        import pyoxigraph as ox

        prefixes = {"mtus": "https://w3id.org/mtus-kg/ontology#",
                    "term": "https://w3id.org/mtus-kg/term/",
                    "xsd": "http://www.w3.org/2001/XMLSchema#"}
        print((ox.serialize(read.graph.triples, format=ox.RdfFormat.TURTLE,
                            prefixes=prefixes) or b"").decode())
    return EXIT_OK


def cmd_ingest(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.progress import progress_bar
    from reasoner.workflows.letters import ingest_letters, letter_files

    kb = KnowledgeBase.load()
    files = letter_files(args.paths)
    store = _open_store(args.store)
    try:
        results = ingest_letters(files, kb, store,
                                 progress_bar(sys.stderr) if len(files) > 1 else None,
                                 reason=args.reason, jobs=args.jobs)
    finally:
        store.close()
    for r in results:
        if r.report is None:
            print(f"error: {r.error}", file=sys.stderr)
        elif args.json:
            import orjson

            print(orjson.dumps(r.report).decode())
        else:
            print(_letter_line(r.report, args.reason))
    failed = sum(not r.ok for r in results)
    print(f"ingested {len(results) - failed} of {len(results)} letter(s) into {args.store}"
          + (_decided_line(results) if args.reason else ""), file=sys.stderr)
    return EXIT_BAD_INPUT if failed or not results else EXIT_OK


def _letter_line(report, reasoned: bool) -> str:  # noqa: ANN001
    items = "; ".join(f"{i.name} ({i.recorded_outcome or '?'}"
                      + (f" -> {i.outcome or 'not decided'})" if reasoned else ")")
                      for i in report.items)
    why = f" [not decided: {report.not_decided}]" if report.not_decided else ""
    return f"{report.source}: {report.layout}: {report.case}: {items}{why}"


def _decided_line(results) -> str:  # noqa: ANN001
    from collections import Counter

    outcomes = Counter(i.outcome or "not decided"
                       for r in results if r.report for i in r.report.items)
    undecided = sum(1 for r in results if r.report and r.report.run is None)
    return (f"; items: {', '.join(f'{k} {n}' for k, n in sorted(outcomes.items()))}"
            f"; {undecided} letter(s) stored without determinations")


def cmd_eval(args) -> int:
    from reasoner import KnowledgeBase
    from reasoner.progress import progress_bar
    from reasoner.scoring import csv_text, text_report
    from reasoner.workflows.letters import letter_files, score_letters

    kb = KnowledgeBase.load()
    if args.facts:
        return _eval_facts(args, kb)
    files = letter_files(args.paths)
    report = score_letters(files, kb, progress_bar(sys.stderr))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.json").write_text(_json(report))
    (out / "eval.csv").write_text(csv_text(report))
    print(_json(report) if args.json else text_report(report))
    print(f"wrote {out / 'eval.json'} and {out / 'eval.csv'}", file=sys.stderr)
    return EXIT_OK if report.overall.items else EXIT_BAD_INPUT


def _eval_facts(args, kb) -> int:  # noqa: ANN001
    from reasoner.progress import progress_bar
    from reasoner.scoring import facts_text
    from reasoner.workflows.letters import score_reader

    report = score_reader(args.paths, kb, progress_bar(sys.stderr))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "facts.json").write_text(_json(report))
    print(_json(report) if args.json else facts_text(report))
    print(f"wrote {out / 'facts.json'}", file=sys.stderr)
    return EXIT_OK if report.kinds else EXIT_BAD_INPUT


def _version() -> str:
    """The installed distribution's version, else the checkout's pyproject.toml."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mtus-kg")
    except PackageNotFoundError:
        pass
    import tomllib

    from reasoner.engine.home import PACKAGE

    try:
        with (PACKAGE.parent / "pyproject.toml").open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, TypeError, ValueError):  # ValueError: TOMLDecodeError
        return "unknown"


def _exit_codes_help() -> str:
    import textwrap

    lines = ["exit codes (every command):"]
    for code, text in EXIT_CODES.items():
        lines += textwrap.wrap(text, width=88, initial_indent=f"  {code:<4} ",
                               subsequent_indent=" " * 7, break_on_hyphens=False,
                               break_long_words=False)
    return "\n".join(lines)


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is negative")
    return number


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not in 0-65535")
    return port


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mtus", description=__doc__.splitlines()[0],
                                epilog=_exit_codes_help(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
    s.add_argument("--port", type=_port, default=8000,
                   help="default 8000; one in use ends serve with exit 3")
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
    q.add_argument("query", metavar="QUERY_OR_FILE",
                   help="SPARQL text, or a file holding it: @FILE, - (stdin), or a name "
                        "without '{' that ends in .rq/.sparql, has no spaces or exists")
    q.add_argument("--store", default=DEFAULT_STORE)
    q.add_argument("--format", default="table", choices=["table", "json", "csv", "tsv", "xml"])
    q.set_defaults(func=cmd_query)

    rd = sub.add_parser("read", help="read one IMR letter or progress report (text) into a "
                                     "case graph: Turtle, or with --reason each item decided",
                        description="Read one document (an IMR letter in any of its layouts, "
                                    "or a treating physician's progress report with its "
                                    "requested treatments) into a case graph, each fact with "
                                    "its span in the text. Prints the graph as Turtle (feed it "
                                    "to `mtus reason`), or with --reason the decision on each "
                                    "requested item. Nothing is stored.")
    rd.add_argument("file", help="a .txt letter or progress report")
    rd.add_argument("--reason", action="store_true", help="decide each requested item")
    rd.add_argument("--json", action="store_true", help="the letter report as JSON")
    rd.set_defaults(func=cmd_read)

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
    e.add_argument("--facts", action="store_true",
                   help="the reader fact by fact: documents (.txt, letters or progress "
                        "reports) with a gold case graph beside them (.ttl), directories "
                        "searched recursively; precision and recall per fact kind, negated "
                        "facts read as present, and each item's outcome decided from the "
                        "gold facts and from the facts read (writes facts.json)")
    e.set_defaults(func=cmd_eval)

    c = sub.add_parser("check", help="guideline authors: shapes, OWL (HermiT), test cases")
    c.add_argument("--no-hermit", action="store_true", help="skip HermiT (no Java needed)")
    c.add_argument("--no-tests", action="store_true", help="skip the guideline test cases")
    c.add_argument("--guideline", metavar="ID",
                   help="one guideline's findings, test cases (tests/cases/ID/) and coverage, "
                        "ID being its file name in ontology/guidelines/ without .ttl (skips "
                        "HermiT, which classifies the whole knowledge base)")
    c.add_argument("--hermit-runs", type=_count, default=HERMIT_RUNS, metavar="N",
                   help="when HermiT finds the ontology inconsistent, at most N more runs "
                        "(about a second each) to name the axioms involved (default "
                        f"{HERMIT_RUNS}; 0: do not search)")
    c.add_argument("--watch", action="store_true",
                   help="re-run the quick checks (no HermiT) whenever a file under "
                        "ontology/, shapes/ or tests/cases/ changes; Ctrl-C stops")
    c.set_defaults(func=cmd_check)

    cv = sub.add_parser("coverage", help="guideline authors: the commonly disputed services "
                                         "with and without a recommendation in force on a date")
    cv.add_argument("--date", type=_iso_date, default=dt.date.today(),
                    help="the request date (YYYY-MM-DD; default today)")
    cv.add_argument("--by-year", action="store_true",
                    help="the weighted coverage on July 1 of each year from 2014 to --date's")
    cv.add_argument("--json", action="store_true", help="print the report as JSON")
    cv.set_defaults(func=cmd_coverage)

    im = sub.add_parser("impact", help="guideline authors: the determinations an edit changes",
                        description="Decide the guideline test cases (and, with --store, the "
                                    "stored cases) under the knowledge base before an edit "
                                    "and under the working files, and list every determination "
                                    "that changes, by recommendation and service, with the "
                                    "criteria that changed it. Warns when an edited criterion "
                                    "is shared by several recommendations. `mtus impact --store "
                                    "DIR` compares the stored cases decided now with the "
                                    "determinations their runs stored.")
    im.add_argument("before", metavar="REV_OR_DIR", nargs="?",
                    help="the knowledge base before the edit: a git revision of this checkout "
                         "(HEAD, main~1, a commit) or a directory holding ontology/ and shapes/; "
                         "without it, --store compares with the stored runs")
    im.add_argument("--store", help="also re-decide the cases of this store (opened read-only); "
                                    "with no REV_OR_DIR, compare them with their stored runs, "
                                    "whatever knowledge base made those (each records its "
                                    "digest)")
    im.add_argument("--json", action="store_true", help="print the report as JSON")
    im.set_defaults(func=cmd_impact)

    nw = sub.add_parser("new", help="guideline authors: scaffold new content to fill in")
    what = nw.add_subparsers(dest="what", required=True)
    nr = what.add_parser(
        "recommendation", help="append a recommendation skeleton to a guideline file and "
                               "write its three test cases",
        description="Append to ontology/guidelines/ID.ttl a recommendation for a service (label, "
                    "section, appliesTo, polarity, statement, verification, note) with one "
                    "criterion of a kind, its parameters as placeholders, and write its three "
                    "test cases (met, not met, not documented) under tests/cases/ID/, as "
                    "docs/authoring.md's worked example. Every value to decide is written "
                    "\"FILL: ...\": `mtus check` fails, naming each, until none is left.")
    nr.add_argument("--guideline", required=True, metavar="ID",
                    help="the guideline file's name in ontology/guidelines/ without .ttl")
    nr.add_argument("--service", required=True, metavar="TERM",
                    help="the service class it applies to (term:Biofeedback)")
    nr.add_argument("--kind", required=True, metavar="KIND",
                    help="the criterion kind (mtus:RequestedQuantityWithin; docs/criteria.md)")
    nr.add_argument("--name", metavar="SLUG",
                    help="the IRIs' and files' slug (default: from the service's label)")
    nr.add_argument("--section", metavar="IRI",
                    help="an existing section to cite (gl:...; default: a new one to fill in)")
    nr.add_argument("--polarity", choices=["RecommendedWithCriteria", "RecommendedWithLimits"],
                    help="default: RecommendedWithLimits for a limit kind (quantity, duration, "
                         "dose, levels, count), else RecommendedWithCriteria")
    nr.set_defaults(func=cmd_new)

    rl = sub.add_parser("release", help="guideline authors: the knowledge base as one RDF/XML "
                                        "ontology for Protégé and owlready2 (build/mtus-kg.owl)")
    rl.add_argument("--out", metavar="DIR", help="where mtus-kg.owl goes (default build/)")
    rl.set_defaults(func=cmd_release)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (EXIT_CODES): no traceback reaches the
    user unless MTUS_DEBUG=1."""
    try:
        args = parser().parse_args(argv)
        code = args.func(args)
        sys.stdout.flush()  # a reader gone early (`| head`) shows here, not at exit
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
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
    except Exception as exc:  # a bug, or something the commands do not expect
        return _internal_error(exc)


def _stdout_gone() -> int:
    """Python's recipe for a closed pipe: point stdout at /dev/null, so the interpreter's
    flush at exit does not fail again, and end quietly with the shell's code for SIGPIPE."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return EXIT_BROKEN_PIPE  # not a file descriptor (a test captures it): nothing to do
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def _debug() -> bool:
    return os.environ.get("MTUS_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def _internal_error(exc: Exception) -> int:
    """One line on stderr; the traceback only with MTUS_DEBUG=1."""
    if _debug():
        import traceback

        traceback.print_exception(exc)
    text = " ".join(str(exc).split()) or "(no message)"
    hint = "" if _debug() else " (MTUS_DEBUG=1 shows the traceback)"
    print(f"internal error: {type(exc).__name__}: {text}{hint}", file=sys.stderr)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
