"""api.limits.run_heavy: heavy work waits for its lane's few threads for a bounded time."""

from __future__ import annotations

import threading

import anyio
import pytest

from api.limits import HEAVY_THREADS, Busy, run_heavy


def test_a_request_that_waits_too_long_for_its_lane_is_told_busy():
    """With every thread of the lane taken, a request is answered 503 (Retry-After) once
    its wait is over, rather than left waiting past its client's timeout; the work under way
    finishes, and the lane serves again after it."""
    release = threading.Event()
    outcomes: list[object] = []

    async def main() -> None:
        async def hold() -> None:
            outcomes.append(await run_heavy(lambda: release.wait(10), lane="test"))

        async with anyio.create_task_group() as tasks:
            for _ in range(HEAVY_THREADS):
                tasks.start_soon(hold)
            await anyio.sleep(0.1)
            with pytest.raises(Busy) as refused:
                await run_heavy(lambda: "late", lane="test", wait=0.2)
            assert refused.value.status == 503
            assert refused.value.headers["Retry-After"] == "1"
            release.set()
        assert await run_heavy(lambda: "served", lane="test", wait=5) == "served"

    anyio.run(main)
    assert outcomes == [True] * HEAVY_THREADS
