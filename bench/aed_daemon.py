#!/usr/bin/env python3
"""aed as a daemon of shared/bench/e2e.py: start aed, watch its status counters, print one JSON line.

e2e.py appends  --endpoint E --format F --mode M [--latency] [--start-delay S] [--expect N]
to the daemon command and then starts publish.py, which binds an XPUB at E.  This wrapper
copies a prepared state folder (one whose SQLite store holds trained AE and VAE models for the
stream, see `prepare`) to a fresh temporary folder, starts aed there with `--connect E`, and
polls aed's status over its control socket until the stream's scored + rejected count reaches
N (--expect), or the count stops changing for --stall seconds (the shortfall is reported as
dropped).  It never sleeps for a fixed time to decide that a run is over.

  throughput  = (count at the end - count at the first non-zero poll) / (time of the end - time
                of the first non-zero poll); the end is the poll that saw N, or, when the count
                stalls short of N (vectors dropped), the poll that last saw it change
  cpu_s       = aed's user + system time (/proc/<pid>/stat) between those two polls
  latency     = aed's own publish -> scored percentiles of the run (status `latencyP50`...,
                from the vectors' `ts`, over aed's last 5 to 10 minutes of wall time: the
                whole of a latency run), when aed reports them
  rss         = aed's VmRSS at the first non-zero poll, when the count passes 10, 25, 50, 75 and
                100% of N (rss_trace), at the end, and VmHWM

Polling: --poll zmq (default) sends aed's control request {"cmd":"status"} from this process
(the request `aectl status --json` sends, without starting a process every 20 ms on a 2-core
machine); --poll aectl runs `AED_CONTROL=C aectl status --json` each time instead. Either way the
final counts are read once more with `aectl status --json` and reported as `aectl_final`.

  python3 aed_daemon.py prepare --aed .build/release/aed --config bench/aed-bench.toml \\
      --state /tmp/aed-state --data /tmp/x.f32 --dim 38
  python3 e2e.py --end none --daemon "python3 /path/aed_daemon.py --aed ... --aectl ... \\
      --state /tmp/aed-state --config ..."
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import zmq

HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds of a process (and its threads) from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def memory_kb(pid):
    """VmRSS and VmHWM of a process in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out.get("VmRSS"), out.get("VmHWM")


class Status:
    """aed's status over its control endpoint: a pyzmq REQ, or `aectl status --json`."""

    def __init__(self, control, aectl, mode):
        self.control, self.aectl, self.mode = control, aectl, mode
        self.ctx = zmq.Context()
        self.sock = None

    def _socket(self):
        if self.sock is None:
            self.sock = self.ctx.socket(zmq.REQ)
            self.sock.setsockopt(zmq.LINGER, 0)
            self.sock.setsockopt(zmq.RCVTIMEO, 2000)
            self.sock.setsockopt(zmq.SNDTIMEO, 2000)
            self.sock.connect(self.control)
        return self.sock

    def get(self, via=None):
        """The status reply as a dict, or None when aed did not answer."""
        if (via or self.mode) == "aectl":
            # AED_CONTROL names the endpoint (aectl's documented override; works at any flag position).
            p = subprocess.run([self.aectl, "status", "--json", "--timeout", "2"], capture_output=True, text=True,
                               env=dict(os.environ, AED_CONTROL=self.control))
            return json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None
        sock = self._socket()
        try:
            sock.send(b'{"cmd":"status"}')
            return json.loads(sock.recv())
        except zmq.Again:
            sock.close()          # a REQ that missed its reply cannot send again
            self.sock = None
            return None

    def request(self, body):
        """Sends one control request (bytes) over the REQ and returns the decoded reply, or None."""
        sock = self._socket()
        try:
            sock.send(body)
            return json.loads(sock.recv())
        except zmq.Again:
            sock.close()
            self.sock = None
            return None

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.ctx.term()


def stream_counts(status, stream, prefix=None):
    """(received, scored, rejected, stream document) of `stream` in a status reply; with `prefix`,
    the sums over every stream whose name starts with it (the document is then the first one)."""
    received = scored = rejected = 0
    doc = None
    for s in (status or {}).get("streams", []):
        name = s.get("name", "")
        if name == stream if prefix is None else name.startswith(prefix):
            received += s.get("received", 0)
            scored += s.get("scored", 0)
            rejected += sum((s.get("rejected") or {}).values())
            doc = doc or s
    return received, scored, rejected, doc


def scoring_streams(status, prefix):
    """How many streams starting with `prefix` score with two models."""
    return sum(1 for s in (status or {}).get("streams", [])
               if s.get("name", "").startswith(prefix) and s.get("state") == "scoring" and len(s.get("models", [])) >= 2)


def start_aed(a, state, endpoint):
    control = f"ipc://{state}/control.sock"
    cmd = [a.aed, "--config", a.config, "--state-dir", state, "--connect", endpoint, "--control", control]
    log = open(os.path.join(state, "aed.log"), "w")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), control


def stop_aed(proc, timeout=15):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def wait_ready(status, proc, timeout=30):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            return False
        if status.get() is not None:
            return True
        time.sleep(0.05)
    return False


def run(a):
    state = tempfile.mkdtemp(prefix="aed-bench-")
    for name in os.listdir(a.state):
        if name.startswith("aed.db"):
            shutil.copy(os.path.join(a.state, name), state)
    proc, control = start_aed(a, state, a.endpoint)
    status = Status(control, a.aectl, a.poll)
    result = {"script": "aed_daemon", "endpoint": a.endpoint, "format": a.format, "mode": a.mode,
              "expect": a.expect, "poll": a.poll, "interval_s": a.interval}
    try:
        if not wait_ready(status, proc):
            print("aed_daemon: aed did not answer status (log: %s)" % os.path.join(state, "aed.log"), file=sys.stderr)
            sys.exit(1)
        result["rss_ready_kb"] = memory_kb(proc.pid)[0]   # state restored (aed answers status after that)
        first = None                 # (time, count, cpu) at the first non-zero poll
        last_change, last_count, doc = time.time(), -1, None
        last_progress = None         # (time, count, cpu) at the poll that last saw the count change
        done = None
        rss_start = None
        marks = [0.1, 0.25, 0.5, 0.75, 1.0]     # RSS is read when the count passes these fractions
        rss_trace = []
        while True:
            st = status.get()
            now = time.perf_counter()
            received, scored, rejected, doc = stream_counts(st, a.stream, a.prefix)
            count = scored + rejected if a.count == "scored" else received
            if count and first is None:
                first = (now, count, cpu_seconds(proc.pid))
                rss_start = memory_kb(proc.pid)[0]
            if a.retrain_after is not None and first and "retrain_reply" not in result \
                    and now - first[0] >= a.retrain_after:
                reply = status.request(json.dumps({"cmd": "retrain", "streams": [a.stream]}).encode())
                result["retrain_reply"] = reply
                result["retrain_requested_at_s"] = round(now - first[0], 3)
            if count != last_count:
                last_change, last_count = time.time(), count
                if count:
                    last_progress = (now, count, cpu_seconds(proc.pid))
            while a.expect and marks and count >= marks[0] * a.expect:
                rss_trace.append({"fraction": marks.pop(0), "count": count, "rss_kb": memory_kb(proc.pid)[0]})
            if a.expect and count >= a.expect:
                done = (now, count, cpu_seconds(proc.pid))
                break
            if proc.poll() is not None:
                print("aed_daemon: aed exited with %s" % proc.returncode, file=sys.stderr)
                break
            if time.time() - last_change > (a.stall if count else a.first_timeout):
                # The run ended at the last change, not at the end of the stall that proved it.
                done = last_progress if count else None
                break
            time.sleep(a.interval)
        rss_end, hwm = memory_kb(proc.pid) if proc.poll() is None else (None, None)
        final = status.get(via="aectl") if proc.poll() is None else None
        f_received, f_scored, f_rejected, f_doc = stream_counts(final, a.stream, a.prefix)
        result["streams"] = len((final or {}).get("streams", []))
        vectors = (done[1] if done else 0)
        result.update({
            "vectors": f_scored if f_doc else vectors,
            "received": f_received, "scored": f_scored, "rejected": f_rejected,
            "sent": a.expect or None,
            "dropped": max(0, (a.expect or 0) - (f_received if f_doc else vectors)),
            "state": (f_doc or {}).get("state"),
            "models": [m.get("detector") for m in (f_doc or {}).get("models", [])],
            "alerts": (f_doc or {}).get("alerts"),
            "rss_start_kb": rss_start, "rss_end_kb": rss_end, "rss_hwm_kb": hwm, "rss_trace": rss_trace,
            "aectl_final": {"received": f_received, "scored": f_scored, "rejected": f_rejected} if f_doc else None,
        })
        if first and done and done[0] > first[0]:
            result["vectors_per_s"] = round((done[1] - first[1]) / (done[0] - first[0]))
            result["cpu_s"] = round(done[2] - first[2], 3)
            result["timed_vectors"] = done[1] - first[1]
            result["cpu_us_per_vector"] = round(1e6 * (done[2] - first[2]) / max(1, done[1] - first[1]), 3)
        else:
            result["vectors_per_s"] = None
        if a.retrain_after is not None and f_doc:
            result["training_runs"] = f_doc.get("runs")
            result["training_state_at_end"] = (f_doc.get("lastTrainingRun") or {}).get("outcome")
        for key in ("latencyP50", "latencyP99", "latencyMax", "latencySamples"):
            if f_doc and f_doc.get(key) is not None:
                result[key] = f_doc[key]
        if f_doc and f_doc.get("latencyP50") is not None:
            result["latency_p50_us"] = round(1e6 * f_doc["latencyP50"], 1)
            result["latency_p99_us"] = round(1e6 * f_doc["latencyP99"], 1)
        elif a.latency:
            result["latency_p50_us"] = result["latency_p99_us"] = None
            result["latency_note"] = "aed reports no latency percentiles"
    finally:
        status.close()
        result["aed_exit"] = stop_aed(proc)
        if not a.keep:
            shutil.rmtree(state, ignore_errors=True)
        else:
            result["state_dir"] = state
    result["tag"] = a.tag
    line = json.dumps(result)
    if a.log:
        with open(a.log, "a") as f:
            f.write(line + "\n")
    print(line)


def prepare(a):
    """Trains the stream's models once: publish --n vectors, wait until both models score."""
    os.makedirs(a.state, exist_ok=True)
    for name in os.listdir(a.state):
        if name.startswith("aed.db"):
            os.remove(os.path.join(a.state, name))
    endpoint = f"tcp://127.0.0.1:{a.port}"
    if a.prefix:
        here = os.path.dirname(os.path.abspath(__file__))
        pub = subprocess.Popen([sys.executable, os.path.join(here, "publish_streams.py"), "--endpoint", endpoint,
                                "--streams", str(a.streams), "--prefix", a.prefix.rstrip("."), "--per-msg", "16",
                                "--n", str(a.n * a.streams), "--dim", str(a.dim), "--data", a.data,
                                "--bench-dir", a.bench_dir], stdout=subprocess.DEVNULL)
    else:
        pub = subprocess.Popen([sys.executable, os.path.join(a.bench_dir, "publish.py"), "--endpoint", endpoint,
                                "--stream", a.stream, "--format", "binary", "--per-msg", "64", "--n", str(a.n),
                                "--dim", str(a.dim), "--data", a.data, "--end", "none"],
                               stdout=subprocess.DEVNULL)
    proc, control = start_aed(a, a.state, endpoint)
    status = Status(control, a.aectl, "zmq")
    ok = False
    try:
        if not wait_ready(status, proc):
            sys.exit("aed_daemon prepare: aed did not answer status")
        t0 = time.time()
        while time.time() - t0 < a.timeout:
            st = status.get()
            _, _, _, doc = stream_counts(st, a.stream, a.prefix)
            ready = scoring_streams(st, a.prefix) >= a.streams if a.prefix else \
                doc and doc.get("state") == "scoring" and len(doc.get("models", [])) >= 2
            if ready:
                rss = memory_kb(proc.pid)[0]
                ok = True
                print(json.dumps({"script": "aed_daemon prepare", "stream": a.prefix or a.stream,
                                  "streams": a.streams if a.prefix else 1, "seconds": round(time.time() - t0, 2),
                                  "rss_kb": rss, "models": doc.get("models"), "buffer": doc.get("bufferSize")}))
                break
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        status.close()
        stop_aed(proc)
        pub.wait(30)
    if not ok:
        sys.exit("aed_daemon prepare: no trained models (see %s/aed.log)" % a.state)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", choices=["run", "prepare"], default="run")
    ap.add_argument("--aed", required=True, help="the aed executable")
    ap.add_argument("--aectl", help="the aectl executable (final counts, --poll aectl)")
    ap.add_argument("--config", required=True, help="aed configuration (bench/aed-bench.toml)")
    ap.add_argument("--state", required=True, help="prepared state folder (copied per run; written by prepare)")
    ap.add_argument("--stream", default="vec")
    ap.add_argument("--prefix", help="count every stream whose name starts with this (e.g. 's.'), not --stream")
    ap.add_argument("--streams", type=int, default=1, help="prepare: streams <prefix><i> to train (with --prefix)")
    ap.add_argument("--poll", choices=["zmq", "aectl"], default="zmq")
    ap.add_argument("--interval", type=float, default=0.02, help="seconds between status polls")
    ap.add_argument("--count", choices=["scored", "received"], default="scored",
                    help="what reaches --expect: scored + rejected, or received")
    ap.add_argument("--stall", type=float, default=5.0, help="seconds without progress that end a run")
    ap.add_argument("--first-timeout", type=float, default=60.0)
    ap.add_argument("--keep", action="store_true", help="keep the run's state folder")
    ap.add_argument("--log", help="also append the result line to this file")
    ap.add_argument("--tag", help="a label copied into the result (the scenario)")
    ap.add_argument("--retrain-after", type=float,
                    help="ask aed to retrain the stream this many seconds after the first vector (latency under a retrain)")
    # e2e.py's flags
    ap.add_argument("--endpoint")
    ap.add_argument("--format", default="binary")
    ap.add_argument("--mode", default="score")
    ap.add_argument("--latency", action="store_true")
    ap.add_argument("--start-delay", type=float, default=0.0, help="accepted for e2e.py; aed has no such mode")
    ap.add_argument("--expect", type=int, default=0)
    # prepare
    ap.add_argument("--data")
    ap.add_argument("--dim", type=int, default=38)
    ap.add_argument("--n", type=int, default=30_000, help="prepare: vectors to publish (per stream with --prefix)")
    ap.add_argument("--port", type=int, default=5590)
    ap.add_argument("--bench-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    if a.command == "prepare":
        if not a.data:
            ap.error("prepare needs --data")
        prepare(a)
    else:
        if not a.endpoint:
            ap.error("run needs --endpoint (e2e.py passes it)")
        if not a.aectl:
            ap.error("run needs --aectl")
        run(a)


if __name__ == "__main__":
    main()
