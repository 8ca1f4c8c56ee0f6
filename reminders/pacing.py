"""How fast each platform lets us post, and the pacer that keeps to it.

The limits are data: per platform and API family ("post": new messages and replies; "update":
edits in place), windows per target (a chat, or one person's direct messages) and per app, with
the platforms' own numbers (see PLATFORMS.md §8); where a platform publishes none, a guess on the
safe side. A sender may carry its own `limits` (a fake platform in a test or a benchmark does).

Platforms count calls in windows ("50 per second", "1000 per minute"). So the pacer keeps, for
each window, the moments of the last N calls, and lets call N+1 go only once the oldest has left
the window: a burst of N, then N per window, which is the platform's own rule and no slower. A
token bucket refilling steadily would either let more than N into some window or leave part of
the limit unused. Every window is lengthened by a margin: our clock is not the platform's, and a
request takes a moment to arrive.

One pacer per platform in a process, shared by all its delivery threads (`pacer_for`). When the
platform still answers 429, `back_off` makes every sender of the process wait the Retry-After.
Replicas do not share pacers: several of them may together exceed an app-wide limit, and then
learn of it from the 429.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

POST, UPDATE = "post", "update"
EPSILON = 1e-6  # seconds: a wait shorter than this is rounding, not a wait


@dataclass(frozen=True)
class Window:
    """At most `calls` calls in any `seconds`."""

    calls: int
    seconds: float


@dataclass(frozen=True)
class Family:
    """The windows one API family must keep: for each target, and for the whole app."""

    per_target: tuple[Window, ...] = ()
    per_app: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Limits:
    post: Family
    update: Family
    margin: float = 0.1  # seconds added to every window (clock skew, request transit)
    # Sender threads: calls in flight, plus those leased ahead waiting for their turn (about one
    # window's worth of the app limit); started only as needed.
    concurrency: int = 8

    def family(self, name: str) -> Family:
        return self.update if name == UPDATE else self.post

    def claim_sizes(self, lookahead: float, hold: float) -> tuple[int, int]:
        """(rows per target, rows in all) worth holding claimed at once: about `lookahead` seconds
        of one target's pace, and no more than the app can send in `hold` seconds."""
        def rate(windows: tuple[Window, ...], default: float) -> float:
            return min((w.calls / w.seconds for w in windows), default=default)

        app = rate(self.post.per_app, 100.0)
        per_target = max(1, int(rate(self.post.per_target, app) * lookahead))
        return per_target, max(per_target, int(app * hold))


# Slack: chat.postMessage "generally allows one message per second per channel, while also maintaining
# a workspace-wide limit" (unpublished: taken as 50/s, so fifty busy channels still get their 1/s);
# short bursts are allowed, so a small margin. chat.update is Tier 3 (50+ per minute).
SLACK = Limits(
    post=Family(per_target=(Window(1, 1.0),), per_app=(Window(50, 1.0),)),
    update=Family(per_target=(Window(1, 1.0),), per_app=(Window(50, 60.0),)),
    margin=0.05, concurrency=64,
)
# Feishu: send and reply 5 QPS per chat (shared by all bots in it) and per user; 50/s and 1000/min per
# app and API. Patching a card: 5 QPS per message (a chat's pace is stricter than that).
_FEISHU = Family(per_target=(Window(5, 1.0),), per_app=(Window(50, 1.0), Window(1000, 60.0)))
FEISHU = Limits(post=_FEISHU, update=_FEISHU, concurrency=64)
# DingTalk app robots: 20 QPS per app and API (standard edition); no per-conversation limit is
# documented, so one per second.
_DINGTALK = Family(per_target=(Window(1, 1.0),), per_app=(Window(20, 1.0),))
DINGTALK = Limits(post=_DINGTALK, update=_DINGTALK, concurrency=32)
# WeCom: an app may send a member 30 messages a minute (1000 an hour); a group robot webhook takes
# 20 a minute. Per app: taken as 20/s, DingTalk's figure (WeCom publishes none per second).
_WECOM = Family(per_target=(Window(20, 60.0),), per_app=(Window(20, 1.0),))
WECOM = Limits(post=_WECOM, update=_WECOM, concurrency=16)
# Anything else: slow and steady.
_DEFAULT = Family(per_target=(Window(1, 1.0),), per_app=(Window(10, 1.0),))
DEFAULT = Limits(post=_DEFAULT, update=_DEFAULT, concurrency=4)

LIMITS: dict[str, Limits] = {"slack": SLACK, "feishu": FEISHU, "dingtalk": DINGTALK, "wecom": WECOM}


def limits_for(platform: str, sender: object = None) -> Limits:
    """The sender's own `limits` if it has them, else the platform's, else the safe default."""
    own = getattr(sender, "limits", None)
    return own if isinstance(own, Limits) else LIMITS.get(platform, DEFAULT)


class _Log:
    """The moments (ascending) of the last calls counted against one window."""

    __slots__ = ("window", "times")

    def __init__(self, window: Window) -> None:
        self.window = window
        self.times: deque[float] = deque(maxlen=window.calls)

    def wait(self, now: float, margin: float) -> float:
        if len(self.times) < self.window.calls:
            return 0.0
        wait = self.times[0] + self.window.seconds + margin - now
        return wait if wait > EPSILON else 0.0

    def free(self, now: float, margin: float) -> int:
        return self.window.calls - (len(self.times) - bisect.bisect_right(
            self.times, now - self.window.seconds - margin + EPSILON))

    def idle(self, now: float, margin: float) -> bool:
        return not self.times or self.times[-1] <= now - self.window.seconds - margin


@dataclass
class Pacer:
    """Keeps one app's sends within `limits`; safe to share between threads.

    `take` counts a send that may go now (or says how long until it may); `wait` and `free` only
    look. `clock` is monotonic seconds.
    """

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _app: dict[str, list[_Log]] = field(default_factory=dict, repr=False)
    _targets: dict[tuple[str, str], list[_Log]] = field(default_factory=dict, repr=False)
    _paused_until: float = float("-inf")

    MAX_TARGETS = 4096  # then targets idle for a whole window are forgotten (they are free anyway)

    def __post_init__(self) -> None:
        self._app = {name: [_Log(w) for w in self.limits.family(name).per_app] for name in (POST, UPDATE)}

    def _logs(self, target: str, family: str) -> list[_Log]:
        key = (family, target)
        logs = self._targets.get(key)
        if logs is None:
            if len(self._targets) >= self.MAX_TARGETS:
                self._forget(self.clock())
            logs = self._targets[key] = [_Log(w) for w in self.limits.family(family).per_target]
        return logs

    def _forget(self, now: float) -> None:
        margin = self.limits.margin
        for key in [k for k, logs in self._targets.items() if all(log.idle(now, margin) for log in logs)]:
            del self._targets[key]

    def _wait(self, target: str, family: str, now: float) -> float:
        margin = self.limits.margin
        logs = self._app[family] + self._logs(target, family)
        wait = max([self._paused_until - now, 0.0] + [log.wait(now, margin) for log in logs])
        return wait if wait > EPSILON else 0.0

    def wait(self, target: str, family: str = POST) -> float:
        """Seconds until a send to `target` may go (0: now); counts nothing."""
        with self._lock:
            return self._wait(target, family, self.clock())

    def take(self, target: str, family: str = POST) -> float:
        """0 when a send to `target` may go now, and it is counted; else the seconds to wait first."""
        with self._lock:
            now = self.clock()
            wait = self._wait(target, family, now)
            if wait <= 0:
                for log in self._app[family] + self._logs(target, family):
                    log.times.append(now)
            return wait

    def free(self, family: str = POST, *, ahead: float = 0.0) -> int:
        """How many sends the app-wide windows let go `ahead` seconds from now (0 while backing off)."""
        with self._lock:
            at = self.clock() + ahead
            if self._paused_until > at:
                return 0
            return min([log.free(at, self.limits.margin) for log in self._app[family]], default=1 << 30)

    def app_wait(self, family: str = POST) -> float:
        """Seconds until the app-wide windows let one more send go."""
        with self._lock:
            now = self.clock()
            margin = self.limits.margin
            wait = max([self._paused_until - now, 0.0] + [log.wait(now, margin) for log in self._app[family]])
            return wait if wait > EPSILON else 0.0

    def back_off(self, seconds: float) -> None:
        """The platform said 429: nobody sends for `seconds`."""
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)


_pacers: dict[tuple[str, Limits], Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(platform: str, limits: Limits) -> Pacer:
    """The process's one pacer for `platform` (with these limits)."""
    with _pacers_lock:
        pacer = _pacers.get((platform, limits))
        if pacer is None:
            pacer = _pacers[(platform, limits)] = Pacer(limits)
        return pacer
