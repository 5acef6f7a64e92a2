"""Ids drawn from a buffer of random bytes: well-formed, never repeated, not even across threads or a fork."""

from __future__ import annotations

import os
import threading
import uuid

from koers import ids


def test_ids_carry_their_version_and_the_rfc_variant() -> None:
    for make, version in ((ids.uuid7, 7), (ids.uuid4, 4)):
        parsed = [uuid.UUID(make()) for _ in range(1_000)]  # several refills of the buffer
        assert {(u.version, u.variant) for u in parsed} == {(version, uuid.RFC_4122)}
        assert len(set(parsed)) == 1_000


def test_threads_draw_different_bytes() -> None:
    drawn: list[str] = []

    def draw() -> None:
        drawn.extend(ids.uuid4() for _ in range(500))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(drawn)) == len(drawn) == 2_000


def test_a_forked_child_does_not_hand_out_its_parents_ids() -> None:
    ids.uuid4()  # the parent's buffer now holds bytes it has yet to use
    read, write = os.pipe()
    if (child := os.fork()) == 0:  # pragma: no cover - runs in the child
        os.write(write, "\n".join(ids.uuid4() for _ in range(10)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        theirs = set(pipe.read().split("\n"))
    ours = {ids.uuid4() for _ in range(10)}
    assert len(theirs) == 10
    assert not theirs & ours
