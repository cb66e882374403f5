# python-greenlet's side of the patterns tendril copies (python-greenlet is the
# reference for tendril's semantics). Same calibration and output as bench/lib/measure.js:
#   python3 bench/cases/greenlet_bench.py greenlet <case> '<json options>'
# Event dispatch and waitFor() are Node event-loop patterns: not measured here.
import gc
import json
import os
import sys
import time

import greenlet

now = time.perf_counter_ns


def measure(run, o, units=1, min_ops=None):
    target = o.get("targetMs", 200) * 1e6
    runs = o.get("runs", 5)
    min_ops = o.get("minOps", min_ops or 10)
    max_ops = o.get("maxOps", 5e6)
    deadline = time.monotonic() + o.get("deadlineMs", 60000) / 1000
    ops = min_ops
    elapsed = run(ops)
    while elapsed < target / 10 and ops < max_ops:
        ops = int(min(max_ops, ops * 4))
        elapsed = run(ops)
    ops = int(max(min_ops, min(max_ops, round(ops * target / max(elapsed, 1)))))
    samples = []
    for _ in range(runs):
        samples.append(run(ops) / (ops * units))
        if time.monotonic() > deadline:
            break
    return {"samples": samples, "ops": ops, "units": units}


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return float("nan")


def thread_count():
    return len(os.listdir("/proc/self/task"))


def snapshot():
    gc.collect()
    return {"rss": rss_bytes(), "threads": thread_count()}


main = greenlet.getcurrent()


def parked():
    def run():
        while True:
            main.switch()

    return greenlet.greenlet(run)


def pingpong(o):
    g = parked()
    g.switch()

    def run(ops):
        sw = g.switch
        t = now()
        for _ in range(ops):
            sw()
        return now() - t

    return measure(run, o, units=2)


def create(o):
    def fn():
        return 1

    def run(ops):
        mk = greenlet.greenlet
        t = now()
        for _ in range(ops):
            mk(fn).switch()
        return now() - t

    return measure(run, o)


def rr(o):
    n = o["n"]
    gs = []
    for _ in range(n):
        g = parked()
        g.switch()
        gs.append(g)
    state = {"at": 0}

    def run(ops):
        at = state["at"]
        t = now()
        for _ in range(ops):
            gs[at].switch()
            at = at + 1 if at + 1 < n else 0
        elapsed = now() - t
        state["at"] = at
        return elapsed

    return measure(run, o, units=2, min_ops=n)


def ring(o):
    n = o["n"]
    gs = []
    st = {"left": 0, "holder": 0}

    def make(i):
        def run():
            nxt = i + 1 if i + 1 < n else 0
            main.switch()  # parked until the first lap
            while True:
                st["left"] -= 1
                if st["left"] <= 0:
                    st["holder"] = i
                    main.switch()
                else:
                    gs[nxt].switch()

        return greenlet.greenlet(run)

    for i in range(n):
        gs.append(make(i))
    # Start each from main (it parks at once): starting them from one another would nest
    # every start in the previous one's and exceed Python's recursion limit.
    for g in gs:
        g.switch()

    def lap(ops):
        st["left"] = ops
        t = now()
        gs[st["holder"]].switch()
        return now() - t

    return measure(lap, o, min_ops=n)


def footprint(o):
    n = o["n"]
    before = snapshot()
    gs = []
    for _ in range(n):
        g = parked()
        g.switch()
        gs.append(g)
    after = snapshot()
    return {
        "rssPer": (after["rss"] - before["rss"]) / n,
        "threadsPer": (after["threads"] - before["threads"]) / n,
        "n": n,
    }


def max_(o):
    gs = []
    error = None
    try:
        while len(gs) < o["cap"]:
            g = parked()
            g.switch()
            gs.append(g)
    except Exception as e:  # noqa: BLE001 - reported, not handled
        error = {"name": type(e).__name__, "message": str(e)}
    return {"count": len(gs), "capped": error is None, "error": error, "limits": {"rss": rss_bytes()}}


CASES = {"pingpong": pingpong, "create": create, "rr": rr, "ring": ring, "footprint": footprint, "max": max_}


def main_():
    name = sys.argv[2]
    options = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    fn = CASES.get(name)
    result = {"na": True} if fn is None else fn(options)
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main_()
