"""Figure "suggest": precision and recall of the suggestion rules on the labelled evaluation set
(tests/suggest/commitment_corpus.py), and how fast a message is read.

Precision is what the issue holds the rules to (≥ 90%): a wrong offer costs trust. Recall is
reported, not targeted. No database: the rules are pure.
"""

from __future__ import annotations

import time

from bench.core import Config, Row


def _corpus():
    from tests.suggest.commitment_corpus import HAND, ROWS, evaluate

    return HAND, ROWS, evaluate


def precision_and_recall(cfg: Config) -> None:
    hand, rows, evaluate = _corpus()
    scores = evaluate(rows)
    size = f"{scores.rows} messages"
    cfg.add(Row("suggest a. precision", "-", size, round(100 * scores.precision, 1), "%", None, "≥ 90%",
                f"{scores.right} of {scores.suggested} offers right; {scores.near_misses} near-misses",
                met=scores.precision >= 0.9))
    cfg.add(Row("suggest b. recall", "-", size, round(100 * scores.recall, 1), "%", None, "",
                f"{scores.right} of {scores.relevant} requests and commitments offered"))
    for lang, pick in (("zh", lambda t: any("\u4e00" <= ch <= "\u9fff" for ch in t)), ("en", None)):
        part = [r for r in rows if (pick(r[0]) if pick else not any("\u4e00" <= ch <= "\u9fff" for ch in r[0]))]
        s = evaluate(part)
        cfg.add(Row(f"suggest c. precision / recall, {lang}", "-", f"{s.rows} messages", round(100 * s.precision, 1),
                    "%", None, "≥ 90%", f"recall {100 * s.recall:.1f}%", met=s.precision >= 0.9))
    # The templated rows sit near the rules' own phrasing: the hand-written ones alone say more.
    s = evaluate(hand)
    cfg.add(Row("suggest c. precision / recall, hand-written", "-", f"{s.rows} messages",
                round(100 * s.precision, 1), "%", None, "≥ 90%", f"recall {100 * s.recall:.1f}%",
                met=s.precision >= 0.9))
    seconds = 0.3 if cfg.quick else 1.0
    count, start = 0, time.perf_counter()
    while (took := time.perf_counter() - start) < seconds:
        evaluate(rows)
        count += len(rows)
    rate = count / took
    # Only plain messages with a person or a first person, in chats that turned suggestions on, are
    # read; the budget is a small part of one command's commit (figure 5), i.e. under 5 ms.
    cfg.add(Row("suggest d. messages read", "-", size, round(rate), "/s", None, "≥ 200/s",
                f"{1e6 / rate:.0f} µs each (mentions made tokens, read, scored)", met=rate >= 200))
