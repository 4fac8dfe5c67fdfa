"""A query worker: one process that evaluates SPARQL queries on a read-only store snapshot.

Started by `querypool.QueryPool` as `python -m reasoner.store.queryworker MEMORY_BYTES`. Before it
reads anything it gives up the network (its own empty network namespace, else a seccomp filter
refusing internet sockets) and caps its address space, so a query can neither reach another
host nor take the machine's memory: the pool kills it at the deadline, and a query that needs
more memory or stack than allowed ends this process, never the server.

Protocol over stdin/stdout, one request at a time: a JSON line in; a JSON header line out, then
`size` bytes of payload (SPARQL JSON results, or N-Triples for graphs). Imports stay light
(no knowledge base): a worker starts in a fraction of a second.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import struct
import sys
import time

import pyoxigraph as ox

from reasoner.store.sparql import json_term, term_text

_CLONE_NEWNET, _CLONE_NEWUSER = 0x40000000, 0x10000000
# seccomp: the architecture tag and socket(2) number where we know them.
_SOCKET_CALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_AF_INET, _AF_INET6, _EACCES = 2, 10, 13


def isolate_network() -> str:
    """Take this process off the network; returns how ("netns", "userns", "seccomp", "none").

    A new network namespace has only a loopback device that is down: no address, not even the
    host's 127.0.0.1, is reachable. Where namespaces are not allowed (no privilege, no user
    namespaces), a seccomp filter makes socket(AF_INET/AF_INET6) fail instead."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) == 0:
        return "netns"
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return "userns"
    return "seccomp" if _seccomp_no_internet(libc) else "none"


def _seccomp_no_internet(libc: ctypes.CDLL) -> bool:
    arch, nr = _SOCKET_CALL.get(os.uname().machine, (None, None))
    if arch is None:
        return False
    ld, jeq, ret = 0x20, 0x15, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
    allow, deny = 0x7FFF0000, 0x00050000 | _EACCES  # SECCOMP_RET_ALLOW, RET_ERRNO(EACCES)
    program = [(ld, 0, 0, 4), (jeq, 0, 5, arch),      # other architecture: allow
               (ld, 0, 0, 0), (jeq, 0, 3, nr),        # not socket(): allow
               (ld, 0, 0, 16), (jeq, 2, 0, _AF_INET),  # socket(AF_INET, ...): deny
               (jeq, 1, 0, _AF_INET6),
               (ret, 0, 0, allow), (ret, 0, 0, deny)]
    code = b"".join(struct.pack("HBBI", *op) for op in program)
    buffer = ctypes.create_string_buffer(code)

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(len(program), ctypes.addressof(buffer))
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0  # PR_SET_SECCOMP, MODE_FILTER


def open_read_only(path: str, attempts: int = 5) -> ox.Store:
    """Open a store read-only. Where another process writes it (a CLI query beside a
    server), RocksDB may delete a file between reading its manifest and opening the file
    (a compaction): that open fails and a retry reads the new manifest."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except RuntimeError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def cap_memory(limit_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed worker leaves no core file


def evaluate(db: ox.Store, request: dict) -> tuple[dict, bytes]:
    """Run one request; the header and payload to send back."""
    options: dict = {"use_default_graph_as_union": request["union"]}
    if request.get("default") is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request["default"]]
    if request.get("named") is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named"]]
    answer = db.query(request["query"], **options)
    if isinstance(answer, ox.QueryBoolean):
        boolean = json.dumps({"head": {}, "boolean": bool(answer)})
        return {"kind": "ask", "cut": None}, boolean.encode()
    if isinstance(answer, ox.QuerySolutions):
        return _solutions(answer, request["max_rows"], request["max_bytes"])
    return _triples(answer, request["max_rows"], request["max_bytes"])


def _solutions(answer, max_rows: int, max_bytes: int) -> tuple[dict, bytes]:
    names = [v.value for v in answer.variables]
    head = json.dumps({"head": {"vars": names}, "results": {"bindings": []}})[:-3]
    rows = (json.dumps({n: json_term(t) for n, t in zip(names, solution, strict=True)
                        if t is not None}, ensure_ascii=False) + "," for solution in answer)
    taken, cut = _within(rows, max_rows, max_bytes - len(head))
    return {"kind": "select", "cut": cut}, (head + "".join(taken)[:-1] + "]}}").encode()


def _triples(answer, max_rows: int, max_bytes: int) -> tuple[dict, bytes]:
    lines = (f"{term_text(t.subject)} {term_text(t.predicate)} {term_text(t.object)} .\n"
             for t in answer)
    taken, cut = _within(lines, max_rows, max_bytes)
    return {"kind": "graph", "cut": cut}, "".join(taken).encode()


def _within(pieces, max_rows: int, max_bytes: int) -> tuple[list[str], str | None]:
    """The pieces up to the row limit and the byte limit; which limit cut them, if any."""
    taken: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece.encode())  # bytes, not characters: an emoji is four
        if size > max_bytes:
            return taken, "bytes"
        taken.append(piece)
        if len(taken) >= max_rows:
            return taken, "rows"
    return taken, None


def serve(memory_bytes: int) -> None:
    isolation = isolate_network()
    cap_memory(memory_bytes)
    out = sys.stdout.buffer
    out.write(json.dumps({"ready": True, "isolation": isolation}).encode() + b"\n")
    out.flush()
    db: ox.Store | None = None
    opened = None
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            if db is None or request["store"] != opened:
                db = opened = None  # close the old snapshot before opening the new one
                db, opened = open_read_only(request["store"]), request["store"]
            header, payload = evaluate(db, request)
            header = {"ok": True, **header}
        except SyntaxError as exc:
            header, payload = {"ok": False, "error": "syntax", "message": str(exc)}, b""
        except RecursionError:
            # a result nested deeper than Python can write (triple terms in triple terms,
            # built up by a chain of BINDs): the query's fault, not the store's
            header, payload = {"ok": False, "error": "limit", "message": (
                "the result is nested too deeply to write")}, b""
        except OSError as exc:  # the snapshot could not be read: the store's fault
            header, payload = {"ok": False, "error": "store", "message": str(exc)}, b""
        except (RuntimeError, ValueError) as exc:
            # Oxigraph refusing what the query asks ("The custom function <f> is not
            # supported", a type it cannot evaluate): the query's fault
            header, payload = {"ok": False, "error": "query", "message": str(exc)}, b""
        out.write(json.dumps({**header, "size": len(payload)}).encode() + b"\n" + payload)
        out.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
