#!/usr/bin/env python3
"""Publish feature vectors to aed in the wire format (docs/WIRE.md), with pyzmq and numpy.

    python3 examples/publish.py --endpoint tcp://127.0.0.1:5557 --stream demo --format binary
    python3 examples/publish.py --csv test.csv --stream smd.m17 --format json --batch 16

Connects to the SUB that aed binds (--ingest), waits until aed has subscribed (so the first
vectors are not lost), and sends lossless (XPUB_NODROP: a full queue blocks, nothing drops).

With CURVE on aed's tcp ingest (README, Security), pass aed's public key and this publisher's
key pair, as `aectl keygen` writes them (its .pub in aed's ingest_authorized_keys):

    python3 examples/publish.py --curve-server-key /etc/aed/curve/server.pub \
        --curve-key publisher-1.key --endpoint tcp://aed-host:7600
"""
import argparse
import json
import struct
import time

import numpy as np
import zmq


def encode_json(rows, ts, seq0):
    """{"values": [...], "ts": t, "seq": n} for one row, {"batch": [...]} for several."""
    items = [{"values": [float(x) for x in row], "ts": ts, "seq": seq0 + i} for i, row in enumerate(rows)]
    obj = items[0] if len(items) == 1 else {"batch": items}
    return json.dumps(obj, separators=(",", ":")).encode()


def encode_binary(rows, ts, seq0):
    """AEV1 | dim u32 | count u32 | flags u32 (1 = ts, 2 = seq) | ts f64 × count | seq u64 × count | f32 rows."""
    rows = np.ascontiguousarray(rows, dtype="<f4")
    count, dim = rows.shape
    header = struct.pack("<4sIII", b"AEV1", dim, count, 1 | 2)
    stamps = np.full(count, ts, dtype="<f8").tobytes()
    seqs = np.arange(seq0, seq0 + count, dtype="<u8").tobytes()
    return header + stamps + seqs + rows.tobytes()


def read_key(path):
    """The one Z85 key of an `aectl keygen` file (comment lines start with '#'; a key may too)."""
    with open(path) as f:
        lines = [line.strip() for line in f]
    keys = [line for line in lines if len(line) == 40 and " " not in line]
    if len(keys) != 1:
        raise SystemExit(f"{path}: expected one 40-character Z85 key, found {len(keys)}")
    return keys[0].encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", default="tcp://127.0.0.1:5557")
    ap.add_argument("--stream", default="demo")
    ap.add_argument("--format", choices=["json", "binary"], default="json")
    ap.add_argument("--batch", type=int, default=1, help="vectors per message")
    ap.add_argument("--csv", help="CSV with a header row; default: 1000 random vectors of dimension 8")
    ap.add_argument("--rate", type=float, default=0, help="vectors per second, 0 = as fast as possible")
    ap.add_argument("--curve-server-key", help="aed's CURVE public key file (server.pub), for CURVE tcp ingest")
    ap.add_argument("--curve-key", help="this publisher's CURVE secret key file (NAME.key from aectl keygen)")
    args = ap.parse_args()
    if bool(args.curve_server_key) != bool(args.curve_key):
        ap.error("--curve-server-key and --curve-key go together")

    if args.csv:
        data = np.loadtxt(args.csv, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    else:
        data = np.random.default_rng(0).normal(size=(1000, 8)).astype(np.float32)

    sock = zmq.Context.instance().socket(zmq.XPUB)
    sock.setsockopt(zmq.XPUB_NODROP, 1)
    sock.setsockopt(zmq.LINGER, 5000)
    if args.curve_key:
        secret = read_key(args.curve_key)
        sock.curve_serverkey = read_key(args.curve_server_key)   # aed's public key
        sock.curve_secretkey = secret                            # this publisher's pair
        sock.curve_publickey = zmq.curve_public(secret)
    sock.connect(args.endpoint)
    sock.rcvtimeo = 10000
    try:
        sock.recv()                   # the subscription message: aed is connected
    except zmq.Again:
        raise SystemExit(f"no subscriber at {args.endpoint} within 10 s (is aed running? with CURVE ingest: "
                         "--curve-server-key and an authorized --curve-key)")

    encode = encode_json if args.format == "json" else encode_binary
    topic = args.stream.encode()
    start = time.perf_counter()
    for i in range(0, len(data), args.batch):
        if args.rate > 0:
            time.sleep(max(0.0, start + i / args.rate - time.perf_counter()))
        sock.send_multipart([topic, encode(data[i:i + args.batch], time.time(), i)])
    elapsed = time.perf_counter() - start
    print(f"sent {len(data)} vectors to {args.stream} in {elapsed:.3f} s ({len(data) / max(elapsed, 1e-9):.0f} vectors/s)")
    sock.close()


if __name__ == "__main__":
    main()
