"""The Deliverer: `genjin run`'s outbox sender, one per platform, paced to its limits.

A dispatcher thread claims the due head runs of the queues and a pool of threads makes the
calls: concurrent across targets, in id order within each, each call taking its turn from
the platform's pacer just before it is made. The per-row rules (lease, send, record, give
up) are reminders.delivery's; this module only schedules them.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from queue import SimpleQueue

from sqlalchemy.orm import Session, sessionmaker

from bot.events import OutgoingMessage
from bot.ports import RetryLater, Sender
from reminders.delivery import GOES_ON, HOLD, PROCESS_ID, Ready, attempt_send, prepare, record
from reminders.pacing import EPSILON, POST, UPDATE, Pacer, limits_for, pacer_for
from storage import leases

log = logging.getLogger(__name__)


@dataclass
class _Queue:
    """A target this process holds a claimed run of."""

    rows: deque[leases.Claimed]
    ready_at: float = 0.0  # monotonic: when its own windows let its next row go
    busy: bool = False  # a row of it is out: being sent, or sent and not yet recorded


@dataclass
class _Attempt:
    """A send handed to the pool, and what came of it (to be recorded)."""

    target: str
    family: str
    ready: Ready
    finished_at: float = 0.0
    sent: bool = False  # False: it never got its turn (stopping); the row is given back unsent
    platform_id: str | None = None
    error: Exception | None = None


class Deliverer:
    """Delivers one platform's outbox until stopped, as fast as the platform allows.

    The dispatcher (the thread calling `run`) claims the head runs of due queues and, in one
    transaction per turn, records the sends that came back and leases the next rows whose
    target and app the pacer lets go; a pool of threads makes those calls, concurrently across
    targets, one at a time within each, in id order. Each call takes its turn from the pacer
    right before it is made. No transaction is open while anyone waits. `wake()` says new work
    is in the outbox; otherwise the dispatcher looks again when a queue is due, every `poll`
    seconds at most. With `threads=0` the calls run on the dispatcher's thread (tests drive it
    with a fake clock and `run_until_idle`).
    """

    LOOKAHEAD = 10.0  # seconds of one target's sending held claimed at once
    MAX_TARGETS = 500  # queues held at once (each claim skips them by name)
    MIN_PAUSE = 0.02  # seconds between claims while a due queue is out of reach (locked elsewhere)
    RECORD_AFTER = 0.05  # seconds an outcome may wait to be recorded with others in one transaction
    # Rows are leased and handed to a sender this long before their turn, which the sender then
    # waits for: the turn is taken the moment it comes, not a transaction later.
    AHEAD = 1.0
    PREPARE = 16  # rows leased per turn at most, so the first calls go while the next are leased

    def __init__(self, *, sessions: sessionmaker[Session], platform: str, sender: Sender,
                 clock: Callable[[], datetime], worker: str = PROCESS_ID, pacer: Pacer | None = None,
                 threads: int | None = None, poll: float = 1.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.sessions, self.platform, self.clock, self.worker = sessions, platform, clock, worker
        limits = pacer.limits if pacer is not None else limits_for(platform, sender)
        self.pacer = pacer or pacer_for(platform, limits)
        self.sender = _BackingOff(sender, self.pacer)
        self.threads = limits.concurrency if threads is None else threads
        self.poll = poll
        # Rows held claimed: a few seconds' worth per target, and what the app sends in half a lease.
        self.per_target, self.max_rows = limits.claim_sizes(self.LOOKAHEAD, leases.LEASE.total_seconds() / 2)
        self._signal = threading.Event()
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait  # a sender waiting for its turn wakes at once on stop
        self._lock = threading.Lock()
        self._queues: dict[str, _Queue] = {}
        self._done: SimpleQueue[_Attempt] = SimpleQueue()
        self._finished: list[_Attempt] = []
        self._promised: Counter[str] = Counter()  # calls handed out that have not taken their turn yet
        self._settle: set[str] = set()
        self._release: set[int] = set()
        self._claim_at = float("-inf")  # monotonic: when to claim again without being woken
        self._wanted = True  # new work was announced since the last claim
        self.delivered = 0
        self.found = False  # the last claim found work

    # -- control ---------------------------------------------------------------------------
    def wake(self) -> None:
        """New messages are in the outbox."""
        self._wanted = True
        self._signal.set()

    def stop(self) -> None:
        self._stop.set()
        self._signal.set()

    def run(self) -> None:
        """Deliver until `stop()`; then let the calls in flight finish, record them, give back the rest."""
        pool = ThreadPoolExecutor(self.threads, thread_name_prefix=f"genjin-send-{self.platform}") \
            if self.threads else None
        try:
            while not self._stop.is_set():
                self._signal.clear()
                try:
                    pause = self.step(pool)
                except Exception:
                    log.exception("delivery for %s failed; trying again shortly", self.platform)
                    pause = self.poll
                if pause > 0:
                    self._signal.wait(pause)
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
            self._give_back()

    def run_until_idle(self) -> int:
        """Inline (threads=0): deliver until a claim finds nothing due and nothing is held; returns
        how many were delivered in all. Pauses (the pacer's) go through `sleep`."""
        assert self.threads == 0, "run_until_idle sends on this thread"
        self._wanted = True
        while True:
            pause = self.step(None)
            if not self._queues and not self.found and not self._finished:
                break
            if pause > 0:
                self._sleep(pause)
        self._give_back()
        return self.delivered

    # -- one turn of the dispatcher ----------------------------------------------------------
    def step(self, pool: ThreadPoolExecutor | None) -> float:
        """Claim if there is room; record what came back and hand out what may go now, in one
        transaction; returns how long to wait before the next turn (s)."""
        now = self.pacer.clock()
        while not self._done.empty():
            self._finished.append(self._done.get())
        if self._may_claim():  # in batches, not a row per send
            if self._wanted or now >= self._claim_at:
                self._claim(now, self._room())
        waits = [self._claim_at - now] if self._may_claim() else []
        going, wait = self._going(now)
        waits.append(wait)
        oldest = min((a.finished_at for a in self._finished), default=None)
        if going or self._settle or self._release or (oldest is not None and (
                oldest + self.RECORD_AFTER <= now + EPSILON or self._stop.is_set()
                or any(self._next_ready(a.target, now) for a in self._finished))):
            ready = self._turn()
            for attempt in ready:
                with self._lock:
                    self._promised[attempt.family] += 1
                if pool is None:
                    self._call(attempt)
                else:
                    pool.submit(self._call, attempt)
            if ready or self._finished or not self._done.empty():
                return 0.0
            waits.append(self._going(self.pacer.clock())[1])
        elif oldest is not None:
            waits.append(oldest + self.RECORD_AFTER - now)
        return max(min([self.poll] + waits), 0.001)  # no sleeps shorter than a clock can tell

    def _next_ready(self, target: str, now: float) -> bool:
        """Once its outcome is recorded, may `target`'s next row be handed out now?"""
        queue = self._queues[target]
        return bool(queue.rows) and self.pacer.wait(target, UPDATE if queue.rows[0].edit else POST) <= self.AHEAD

    def _going(self, now: float) -> tuple[list[tuple[str, str]], float]:
        """The targets whose next row may go now, oldest first, within the app's free turns
        (those promised to calls about to go excluded); and how long until the next may."""
        free: dict[str, int] = {}
        going, waits = [], []
        candidates = [(q.rows[0].id, t) for t, q in self._queues.items() if q.rows and not q.busy]
        for _, target in sorted(candidates):
            queue = self._queues[target]
            if queue.ready_at > now + EPSILON:
                waits.append(queue.ready_at - now)
                continue
            family = UPDATE if queue.rows[0].edit else POST
            if family not in free:
                free[family] = self.pacer.free(family, ahead=self.AHEAD) - self._promised[family]
            wait = self.pacer.wait(target, family) - self.AHEAD
            if wait <= 0 and free[family] <= 0:
                # The app's turns are all promised to calls about to go: they signal when they take them.
                wait = max(self.pacer.app_wait(family) - self.AHEAD, 0.0) or self.poll
            if wait > 0:
                queue.ready_at = now + wait
                waits.append(wait)
                continue
            free[family] -= 1
            going.append((target, family))
        return going, min(waits, default=self.poll)

    def _turn(self) -> list[_Attempt]:
        """Record the outcomes that came back and give back what ended (one transaction), then
        lease the rows that go now (another). Returns the calls to make."""
        finished, self._finished = self._finished, []
        try:
            with self.sessions.begin() as session:
                statuses = [self._store(session, attempt) for attempt in finished]
        except Exception:
            log.exception("recording deliveries for %s failed; recording them one by one", self.platform)
            statuses = self._one_by_one(finished)
        for attempt, status in zip(finished, statuses, strict=True):
            self._outcome(attempt, status)
        ready: list[_Attempt] = []
        taken: list[tuple[str, leases.Claimed]] = []
        try:
            with self.sessions.begin() as session:
                leases.release(session=session, row_ids=self._release, owner=self.worker)
                busy = leases.settle(session=session, platform=self.platform, targets=self._settle, now=self.clock())
                for target, family in self._going(self.pacer.clock())[0][:self.PREPARE]:
                    claim = self._queues[target].rows.popleft()
                    taken.append((target, claim))
                    prepared = prepare(session, claim.id, worker=self.worker, now=self.clock())
                    if isinstance(prepared, Ready):
                        ready.append(_Attempt(target, family, prepared))
                    elif prepared == HOLD:
                        taken.pop()
                        self._end(target)
                    # SKIP: settled (superseded); the target goes on with its next row
        except Exception:
            log.exception("leasing the next messages of %s failed", self.platform)
            for target, claim in taken:  # give these runs back whole: nothing of them may overtake
                if target in self._queues:
                    self._queues[target].rows.appendleft(claim)
                    self._end(target)
            return []
        self._release, self._settle = set(), busy
        for attempt in ready:
            self._queues[attempt.target].busy = True
        for target in {t for t, _ in taken}:
            if target in self._queues and not self._queues[target].rows and not self._queues[target].busy:
                self._end(target)
        return ready

    def _store(self, session: Session, attempt: _Attempt) -> str:
        if not attempt.sent:
            leases.unprepare(session=session, row_id=attempt.ready.row_id, owner=self.worker,
                             maybe_sent=attempt.ready.maybe_sent)
            return HOLD
        return record(session, attempt.ready, worker=self.worker, now=self.clock(),
                       platform_id=attempt.platform_id, error=attempt.error)

    def _outcome(self, attempt: _Attempt, status: str) -> None:
        """A target goes on with its next row, or its run ends."""
        queue = self._queues[attempt.target]
        queue.busy = False
        self.delivered += status == "sent"
        if status not in GOES_ON or not queue.rows:
            self._end(attempt.target)

    def _one_by_one(self, finished: list[_Attempt]) -> list[str]:
        """The batch failed: each outcome in a transaction of its own (one that fails again is
        lost; its row is retried, flagged maybe-sent, once its lease runs out)."""
        statuses = []
        for attempt in finished:
            status = HOLD
            try:
                with self.sessions.begin() as session:
                    status = self._store(session, attempt)
            except Exception:
                log.exception("could not record the outcome of %s", attempt.ready.key)
            statuses.append(status)
        return statuses

    def _call(self, attempt: _Attempt) -> None:
        """On a sender thread: wait for our turn (counted the moment we call), then call the platform."""
        try:
            while not self._stop.is_set() and (wait := self.pacer.take(attempt.target, attempt.family)) > 0:
                self._sleep(wait)
            if self._stop.is_set():  # shutting down: no new calls; the row is given back unsent
                return
            with self._lock:
                self._promised[attempt.family] -= 1
            self._signal.set()  # the dispatcher may hand out another turn
            attempt.sent = True
            attempt.platform_id, attempt.error = attempt_send(self.sender, attempt.ready)
        finally:
            if not attempt.sent:
                with self._lock:
                    self._promised[attempt.family] -= 1
            attempt.finished_at = self.pacer.clock()
            self._done.put(attempt)
            self._signal.set()

    def _end(self, target: str) -> None:
        """A run is over (done, or its head must wait): give back what was not sent; the next claim
        looks at the queue again."""
        queue = self._queues.pop(target)
        self._release.update(c.id for c in queue.rows)
        self._settle.add(target)
        self._claim_at = float("-inf")  # more may be waiting behind it

    def _give_back(self) -> None:
        """Record what came back; release every row still held."""
        while not self._done.empty():
            self._finished.append(self._done.get())
        for attempt in self._finished:
            self._queues[attempt.target].busy = False
        for target in [t for t, q in self._queues.items() if not q.busy]:
            self._end(target)
        finished, self._finished = self._finished, []
        try:
            with self.sessions.begin() as session:
                for attempt in finished:
                    self.delivered += self._store(session, attempt) == "sent"
                leases.release(session=session, row_ids=self._release, owner=self.worker)
                leases.settle(session=session, platform=self.platform, targets=self._settle, now=self.clock())
        except Exception:
            log.exception("could not give back %s's claimed messages (their leases will run out)", self.platform)

    def _may_claim(self) -> bool:
        room = self._room()
        return room >= max(1, self.max_rows // 4) or bool(room and not self._queues)

    def _room(self) -> int:
        """How many more rows may be claimed now (0 when enough are held)."""
        if len(self._queues) >= self.MAX_TARGETS:
            return 0
        return max(0, self.max_rows - sum(len(q.rows) + q.busy for q in self._queues.values()))

    def _claim(self, now: float, room: int) -> None:
        self._wanted = False
        with self.sessions.begin() as session:
            claimed = leases.claim_due(session=session, platform=self.platform, now=self.clock(), owner=self.worker,
                                       limit=room, per_target=self.per_target,
                                       targets=min(room, self.MAX_TARGETS - len(self._queues)),
                                       skip=set(self._queues))
            full = len(claimed) >= room or len(self._queues) + len({c.target for c in claimed}) >= self.MAX_TARGETS
            upcoming = None if full else leases.next_due(session=session, platform=self.platform)
        for claim in claimed:
            queue = self._queues.get(claim.target)
            if queue is None:
                queue = self._queues[claim.target] = _Queue(deque())
            queue.rows.append(claim)
        self.found = bool(claimed)
        if full:
            self._claim_at = now  # there may be more: claim again as soon as there is room
        elif upcoming is not None:  # the next moment a queue is due (a retry), or a poll for other writers
            self._claim_at = now + min(self.poll, max((upcoming - self.clock()).total_seconds(), self.MIN_PAUSE))
        else:
            self._claim_at = now + self.poll


class Wakeups:
    """Tells every listener (each platform's Deliverer) that new messages may be in the outbox."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def add(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def set(self) -> None:
        for listener in list(self._listeners):
            listener()


class _BackingOff:
    """The sender, telling the pacer when the platform still says 429: everyone waits the Retry-After."""

    def __init__(self, sender: Sender, pacer: Pacer) -> None:
        self.sender, self.pacer = sender, pacer

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        try:
            return self.sender.send(msg, outbox_id=outbox_id, reply_to=reply_to, edit_of=edit_of,
                                    maybe_sent=maybe_sent)
        except RetryLater as err:
            self.pacer.back_off(max(err.seconds, 1.0))
            raise
