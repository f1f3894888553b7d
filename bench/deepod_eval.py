#!/usr/bin/env python3
"""Offline detection quality of DeepOD's self-supervised detectors on one dataset folder.

The DeepOD counterpart of `../shared/bench/peer_eval.py` (the PyOD peer), with the same folder
layout, metrics and JSON style, so `scripts/quality` can put both beside `aectl eval`. The folder
holds train.csv, test.csv (header row f0..f{d-1}, one vector a row) and test_labels.csv (no header,
one 0/1 a line). Every detector is fitted on train.csv only and scores test.csv (higher score = more
anomalous); metrics use test_labels.csv:

  auroc    ROC AUC (sklearn roc_auc_score)
  auprc    average precision (sklearn average_precision_score)
  best_f1  max F1 over all score thresholds (precision_recall_curve), point-wise,
           no point adjustment; best_f1_threshold is the score that reached it
  fit_s / score_s  wall seconds of fit(train) and of scoring test; DeepOD's fit also scores
           the training rows (decision_scores_), which fit_s includes

Detectors (--detectors, comma list; default all), DeepOD 0.4.1 (deepod.models.tabular):
  neutral  NeuTraL   NeuTraL-AD (Qiu et al., ICML 2021): 11 learned residual transformations,
                     deterministic contrastive loss, score = the loss
  goad     GOAD      GOAD (Bergman and Hoshen, ICLR 2020): random affine transformations to
                     32 dimensions, cross-entropy + triplet-center loss, score from the distances
                     to the transformations' centres
  icl      ICL       Internal Contrastive Learning (Shenkar and Wolf, ICLR 2022)
Every model keeps DeepOD's default hyper-parameters except: epochs (--neutral-epochs 10,
--goad-epochs 10, --icl-epochs 1; DeepOD's default is 100 for all three, which takes hours on these
sets on one core), GOAD's n_trans (--goad-transformations 32; DeepOD's default 256 costs ~4 ms of
CPU a scored row), random_state = --seed, device = 'cpu' and verbose = 0.

Inputs are z-scored with the mean and deviation of train.csv (a zero deviation counts as 1), as
DeepOD's own benchmark scripts do (testbed/utils.py read_data, normalization='z-score'); DeepOD's
models do not scale their input themselves. torch.set_num_threads(--threads), default 1, so results
are reproducible and the run leaves the second core alone.

Non-finite scores are counted in "nonfinite_scores" and mapped to the largest / smallest finite
score before the metrics.

  python3 bench/deepod_eval.py ../shared/datasets/cardio
  python3 bench/deepod_eval.py ../shared/datasets/thyroid --detectors goad --goad-epochs 5 --json
"""
import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np

# DeepOD trains every model 100 epochs by default: hours over ../shared/datasets on one core. These
# budgets keep each model at a few minutes over all of them (ICL trains an ensemble of 3-8 networks
# on these sets, n_ensemble='auto', hence its single epoch).
DEFAULT_EPOCHS = {"neutral": 10, "goad": 10, "icl": 1}
# GOAD's transformations: DeepOD's default 256 costs ~1 s of CPU a training step and ~4 ms a scored
# row (the triplet-center loss is O(batch x n_trans^2)), over 10 minutes of scoring alone on these
# sets; 32 is the count of aed's triplet detector.
GOAD_TRANSFORMATIONS = 32


def load_folder(path):
    def csv(name):
        return np.loadtxt(os.path.join(path, name), delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    xtr, xte = csv("train.csv"), csv("test.csv")
    y = np.loadtxt(os.path.join(path, "test_labels.csv"), dtype=np.int64, ndmin=1)
    if xtr.shape[1] != xte.shape[1] or len(y) != len(xte):
        raise SystemExit(f"deepod_eval: inconsistent shapes in {path}: train {xtr.shape}, test {xte.shape}, "
                         f"labels {y.shape}")
    return xtr, xte, y


def zscore(xtr, xte):
    """DeepOD's testbed normalization: train mean and deviation, a zero deviation counted as 1."""
    mu, sd = xtr.mean(axis=0), xtr.std(axis=0)
    sd[sd == 0] = 1
    return (xtr - mu) / sd, (xte - mu) / sd


def metrics(y, s):
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score
    s = np.asarray(s, dtype=np.float64)
    bad = ~np.isfinite(s)
    if bad.any():
        fin = s[~bad]
        hi, lo = (fin.max(), fin.min()) if fin.size else (0.0, 0.0)
        s = np.where(np.isnan(s) | (s == np.inf), hi, np.where(s == -np.inf, lo, s))
    p, r, thr = precision_recall_curve(y, s)
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    i = int(np.argmax(f1[:-1])) if len(thr) else 0          # last (p=1, r=0) point has no threshold
    return {"auroc": round(float(roc_auc_score(y, s)), 4),
            "auprc": round(float(average_precision_score(y, s)), 4),
            "best_f1": round(float(f1[i]), 4),
            "best_f1_threshold": float(thr[i]) if len(thr) else None,
            "nonfinite_scores": int(bad.sum())}


def make(name, a):
    common = {"device": "cpu", "verbose": 0, "random_state": a.seed}
    if name == "neutral":
        from deepod.models.tabular import NeuTraL
        params = {"epochs": a.neutral_epochs, **common}
        return NeuTraL(**params), {**params, "other": "DeepOD defaults"}
    if name == "goad":
        from deepod.models.tabular import GOAD
        params = {"epochs": a.goad_epochs, "n_trans": a.goad_transformations, **common}
        return GOAD(**params), {**params, "other": "DeepOD defaults"}
    if name == "icl":
        from deepod.models.tabular import ICL
        params = {"epochs": a.icl_epochs, **common}
        return ICL(**params), {**params, "other": "DeepOD defaults"}
    raise SystemExit(f"deepod_eval: unknown detector {name!r}")


def versions():
    import deepod
    import sklearn
    import torch
    from importlib.metadata import version
    return {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
            "deepod": version("deepod"), "scikit-learn": sklearn.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="dataset folder with train.csv, test.csv, test_labels.csv")
    ap.add_argument("--detectors", default="neutral,goad,icl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (also caps BLAS via threadpoolctl)")
    for name, epochs in DEFAULT_EPOCHS.items():
        ap.add_argument(f"--{name}-epochs", type=int, default=epochs,
                        help=f"training epochs of {name} (DeepOD default: 100; here {epochs})")
    ap.add_argument("--goad-transformations", type=int, default=GOAD_TRANSFORMATIONS,
                    help=f"GOAD's n_trans (DeepOD default: 256; here {GOAD_TRANSFORMATIONS})")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    a = ap.parse_args()

    import torch
    torch.set_num_threads(a.threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=a.threads)          # numpy/sklearn BLAS, for the whole run
    except ImportError:
        pass
    warnings.filterwarnings("ignore")                # e.g. ICL's pin_memory without a GPU
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)

    # Untimed warm-up: the first torch fit in a process pays seconds of one-off initialisation; it
    # must not be charged to the first detector's fit_s.
    from deepod.models.tabular import NeuTraL
    t = time.perf_counter()
    NeuTraL(epochs=1, device="cpu", verbose=0, random_state=a.seed).fit(
        np.random.default_rng(a.seed).normal(size=(64, 4)))
    warm = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    xtr, xte, y = load_folder(a.folder)
    xtr, xte = zscore(xtr, xte)
    load_s = time.perf_counter() - t
    out = {"script": "deepod_eval", "dataset": os.path.basename(os.path.normpath(a.folder)),
           "folder": os.path.abspath(a.folder), "n_train": int(xtr.shape[0]), "n_test": int(xte.shape[0]),
           "dim": int(xtr.shape[1]), "test_anomalies": int(y.sum()),
           "test_anomaly_rate": round(float(y.mean()), 4), "load_s": round(load_s, 3),
           "normalization": "z-score (train mean and deviation)",
           "seed": a.seed, "threads": a.threads, "warmup_s": warm, "versions": versions(), "results": []}
    for name in a.detectors.split(","):
        det, params = make(name, a)
        t0 = time.perf_counter()
        det.fit(xtr)
        t1 = time.perf_counter()
        s = det.decision_function(xte)
        t2 = time.perf_counter()
        row = {"detector": name, "params": params, **metrics(y, s),
               "fit_s": round(t1 - t0, 3), "score_s": round(t2 - t1, 3)}
        out["results"].append(row)
        print(f"deepod_eval {out['dataset']} {name}: auroc {row['auroc']} auprc {row['auprc']} "
              f"best_f1 {row['best_f1']} fit {row['fit_s']}s score {row['score_s']}s", file=sys.stderr)

    if a.json:
        print(json.dumps(out))
        return
    print(f"{out['dataset']}: train {out['n_train']} x {out['dim']}, test {out['n_test']} "
          f"({out['test_anomalies']} anomalies, {100 * out['test_anomaly_rate']:.2f}%)")
    print("| detector | AUROC | AUPRC | best F1 | fit s | score s |\n|---|---|---|---|---|---|")
    for r in out["results"]:
        print(f"| {r['detector']} | {r['auroc']:.4f} | {r['auprc']:.4f} | {r['best_f1']:.4f} | "
              f"{r['fit_s']} | {r['score_s']} |")


if __name__ == "__main__":
    main()
