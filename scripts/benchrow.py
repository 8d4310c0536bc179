# SPDX-License-Identifier: MIT
# benchrow.py - the row every bench part prints for scripts/bench-table.py:
# figure, mailset, peer's name, peer, unit, target, tab-separated.
import statistics


def fmt(v, digits=1):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    return "%.*f" % (digits, v)


def emit(figure, m, peer_name, p, unit, target, digits=1):
    print("\t".join([figure, fmt(m, digits), peer_name, fmt(p, digits), unit, target]), flush=True)


def med(values):
    values = [x for x in values if x is not None]
    return statistics.median(values) if values else None
