#!/usr/bin/env python3
"""Publishes N vectors round-robin over S streams (the contract's binary AEV1 wire), lossless.

Stream i is named <prefix>.<i>; message m goes to stream m % S and carries --per-msg vectors of
--data (cycled). Like shared/bench/publish.py it binds an XPUB, waits for the first subscription,
sets ZMQ_XPUB_NODROP with an unlimited send queue, encodes every payload before the timed loop,
sends no end marker, and prints one JSON line.

  python3 bench/publish_streams.py --endpoint tcp://127.0.0.1:5600 --streams 100 --n 500000 \\
      --data /tmp/x.f32 --dim 38 --bench-dir ../shared/bench
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--streams", type=int, default=10)
    ap.add_argument("--prefix", default="s")
    ap.add_argument("--n", type=int, default=500_000, help="vectors in all (rounded down to whole messages)")
    ap.add_argument("--per-msg", type=int, default=1)
    ap.add_argument("--data", required=True, help=".f32 vectors")
    ap.add_argument("--dim", type=int, default=38)
    ap.add_argument("--rate", type=float, default=0.0, help="vectors/s in all, 0 = max")
    ap.add_argument("--bench-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
    a = ap.parse_args()
    sys.path.insert(0, a.bench_dir)
    import numpy as np
    import zmq
    import gen_vectors
    import wire

    src = np.ascontiguousarray(gen_vectors.load(a.data, a.dim), dtype="<f4")
    k = a.per_msg
    nmsg = a.n // k
    names = [f"{a.prefix}.{i}".encode() for i in range(a.streams)]
    msgs = [(names[m % a.streams], wire.encode_binary(np.take(src, np.arange(m * k, m * k + k), axis=0, mode="wrap")))
            for m in range(nmsg)]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.XPUB)
    sock.setsockopt(zmq.SNDHWM, 0)
    sock.setsockopt(zmq.LINGER, 60_000)
    sock.setsockopt(zmq.XPUB_NODROP, 1)
    sock.bind(a.endpoint)
    if not sock.poll(30_000):
        sys.exit("publish_streams: no subscriber")
    sock.recv()
    time.sleep(0.05)
    t0 = time.perf_counter()
    if a.rate <= 0:
        for name, payload in msgs:
            sock.send(name, zmq.SNDMORE)
            sock.send(payload)
    else:
        interval = k / a.rate
        i = 0
        while i < nmsg:
            due = min(nmsg, int((time.perf_counter() - t0) / interval) + 1)
            while i < due:
                sock.send(msgs[i][0], zmq.SNDMORE)
                sock.send(msgs[i][1])
                i += 1
            time.sleep(0.001)
    wall = time.perf_counter() - t0
    print(json.dumps({"script": "publish_streams", "streams": a.streams, "vectors": nmsg * k, "messages": nmsg,
                      "per_msg": k, "wall_s": round(wall, 4), "send_vectors_per_s": round(nmsg * k / wall)}))
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
