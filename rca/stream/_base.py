"""The two small interfaces every transport implements: :class:`Source` and :class:`Sink`.

A transport (a followed file, standard input, Redis Streams; Kafka later)
is one module with a class of each. The watcher never sees the transport:
it reads batches of :class:`~rca.stream.Message`, hands answers and dead
letters to the sink, and then acknowledges the messages it is done with.
The order of those three calls is the delivery guarantee:

1. ``sink.dead_letter(letters)`` and ``sink.publish(answers)`` return only
   when what they were given is stored (a Redis reply, a flushed file);
2. only then ``source.ack(messages)``: a message is acknowledged after
   every answer that includes it was published, so a crash between the
   two repeats messages (at least once), never loses one.

A source without acknowledgement (a file, a pipe) makes ``ack`` a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from ._message import DeadLetter, Message

__all__ = ["Sink", "Source"]


@runtime_checkable
class Source(Protocol):
    """Where messages come from."""

    #: True once the source has ended for good (end of a pipe or of a file not followed).
    exhausted: bool

    def read(self, max_count: int, timeout_s: float) -> list[Message]:
        """Up to ``max_count`` messages in stream order; waits at most ``timeout_s`` for the first."""
        ...

    def ack(self, messages: Sequence[Message]) -> None:
        """The watcher is done with these messages (their answers, if any, are published)."""
        ...

    def close(self) -> None:
        """Release the connection or file."""
        ...


@runtime_checkable
class Sink(Protocol):
    """Where answers and dead letters go."""

    def publish(self, answers: Sequence[dict]) -> None:
        """Store the answers (JSON objects) in order; return only once they are stored."""
        ...

    def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        """Store the skipped messages with their reasons; return only once they are stored."""
        ...

    def close(self) -> None:
        """Flush and release."""
        ...
