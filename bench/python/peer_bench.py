#!/usr/bin/env python3
"""The peer side of tfjs-bnn's bench: the same networks, shapes and timing method in PyTorch +
bayesian-torch (Krishnan et al., IntelLabs), so `bench/run.ts` can print tfjs-bnn / bayesian-torch.

    python3 bench/python/peer_bench.py [--steps 20] [--warmup 3] [--rows mlp/flipout,conv-mc/deterministic] [--json]

Rows (network/kind; kind is deterministic, reparameterization or flipout — bayesian-torch has no
local reparameterization):
  mlp        MLP 784-400-400-10, batch 128, one training step (forward + KL + backward + Adam)
  conv       conv 1→16→32→16→1 (3×3 'same', ReLU) on [8, 1, 64, 64], one training step, per-pixel BCE
  conv-mc    20 stochastic forward passes of that conv net on 8 images, mean sigmoid (no gradient)
  unet       the 3D U-Net of bench/models.ts (depth 2, 4 base filters, nearest upsampling) on
             [1, 1, 64, 64, 64], one training step
  unet-mc    20-sample uncertainty map of that U-Net (mean probability, predictive and expected
             entropy, mutual information, variance)

Priors N(0, 1) (prior_variance 1), posterior rho init −3, loss = NLL (batch mean) + KL / N with
N = 60 000, as on the tfjs-bnn side. bayesian-torch's layers return the KL averaged over a layer's
weights (tfjs-bnn sums, which is the ELBO); the layer KLs are summed across layers here. Mean or sum
costs the same, so the timing comparison is fair; the loss values are not comparable.

Fair-comparison settings (see DESIGN.md): 2 torch threads, 1 OpenBLAS thread, glibc malloc
thresholds raised so large buffers are reused instead of mmap'd and unmapped every step. Each row
runs in a fresh interpreter (this script re-executes itself with --row), so the peak RSS is the
row's own.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

FAIR_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "2",
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296",
}
TORCH_THREADS = 2
DATASET_SIZE = 60_000
LEARNING_RATE = 1e-3
MC_SAMPLES = 20
ROWS = [
    "mlp/deterministic", "mlp/reparameterization", "mlp/flipout",
    "conv/deterministic", "conv/reparameterization", "conv/flipout",
    "conv-mc/deterministic", "conv-mc/reparameterization", "conv-mc/flipout",
    "unet/reparameterization", "unet-mc/reparameterization",
]


def build(network, kind):
    """Returns (model, x, y, step) for one row; `step()` runs the measured work once."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from bayesian_torch.layers import (Conv2dFlipout, Conv2dReparameterization, Conv3dFlipout,
                                       Conv3dReparameterization, LinearFlipout, LinearReparameterization)

    bayes = dict(prior_mean=0.0, prior_variance=1.0, posterior_mu_init=0.0, posterior_rho_init=-3.0)

    def linear(n_in, n_out):
        if kind == "deterministic":
            return nn.Linear(n_in, n_out)
        cls = LinearFlipout if kind == "flipout" else LinearReparameterization
        return cls(n_in, n_out, **bayes)

    def conv(n_in, n_out, k=3, rank=2):
        if kind == "deterministic":
            return (nn.Conv2d if rank == 2 else nn.Conv3d)(n_in, n_out, k, padding=k // 2)
        if rank == 2:
            cls = Conv2dFlipout if kind == "flipout" else Conv2dReparameterization
        else:
            cls = Conv3dFlipout if kind == "flipout" else Conv3dReparameterization
        return cls(n_in, n_out, k, padding=k // 2, **bayes)

    def run(layer, x, kls):
        out = layer(x)
        if isinstance(out, tuple):
            out, kl = out
            kls.append(kl)
        return out

    class Stack(nn.Module):
        def __init__(self, layers, final_linear=True):
            super().__init__()
            self.layers = nn.ModuleList(layers)

        def forward(self, x):
            kls = []
            for i, layer in enumerate(self.layers):
                x = run(layer, x, kls)
                if i < len(self.layers) - 1:
                    x = F.relu(x)
            return x, (sum(kls) if kls else None)

    class UNet3d(nn.Module):
        """bayesianUNet(rank 3, depth 2, baseFilters 4, upsampling 'upsample') of tfjs-bnn."""

        def __init__(self, f=4):
            super().__init__()
            c = lambda a, b, k=3: conv(a, b, k, rank=3)
            self.enc0 = nn.ModuleList([c(1, f), c(f, f)])
            self.enc1 = nn.ModuleList([c(f, 2 * f), c(2 * f, 2 * f)])
            self.bott = nn.ModuleList([c(2 * f, 4 * f), c(4 * f, 4 * f)])
            self.up1 = c(4 * f, 2 * f)
            self.dec1 = nn.ModuleList([c(4 * f, 2 * f), c(2 * f, 2 * f)])
            self.up0 = c(2 * f, f)
            self.dec0 = nn.ModuleList([c(2 * f, f), c(f, f)])
            self.head = c(f, 1, 1)

        def forward(self, x):
            kls = []
            block = lambda mods, h: F.relu(run(mods[1], F.relu(run(mods[0], h, kls)), kls))
            s0 = block(self.enc0, x)
            s1 = block(self.enc1, F.max_pool3d(s0, 2))
            h = block(self.bott, F.max_pool3d(s1, 2))
            h = F.relu(run(self.up1, F.interpolate(h, scale_factor=2, mode="nearest"), kls))
            h = block(self.dec1, torch.cat([h, s1], 1))
            h = F.relu(run(self.up0, F.interpolate(h, scale_factor=2, mode="nearest"), kls))
            h = block(self.dec0, torch.cat([h, s0], 1))
            return run(self.head, h, kls), (sum(kls) if kls else None)

    g = torch.Generator().manual_seed(1)
    if network == "mlp":
        model = Stack([linear(784, 400), linear(400, 400), linear(400, 10)])
        x = torch.rand(128, 784, generator=g)
        y = torch.randint(0, 10, (128,), generator=g)
        nll = lambda out: F.cross_entropy(out, y)
    elif network.startswith("conv"):
        model = Stack([conv(1, 16), conv(16, 32), conv(32, 16), conv(16, 1)])
        x = torch.randn(8, 1, 64, 64, generator=g)
        y = (x > 0.5).float()
        # Per image: sum of the per-pixel BCE; batch mean (tfjs-bnn's bernoulli() with the 'mean' reduction).
        nll = lambda out: F.binary_cross_entropy_with_logits(out, y, reduction="sum") / x.shape[0]
    else:
        model = UNet3d()
        x = torch.randn(1, 1, 64, 64, 64, generator=g)
        y = (x > 0.5).float()
        nll = lambda out: F.binary_cross_entropy_with_logits(out, y, reduction="sum") / x.shape[0]

    if network in ("mlp", "conv", "unet"):
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
        model.train()

        def step():
            optimizer.zero_grad(set_to_none=True)
            out, kl = model(x)
            loss = nll(out) if kl is None else nll(out) + kl / DATASET_SIZE
            loss.backward()
            optimizer.step()
            return float(loss)
    elif network == "conv-mc":
        def step():
            with torch.no_grad():
                total = None
                for _ in range(MC_SAMPLES):
                    p = torch.sigmoid(model(x)[0])
                    total = p if total is None else total + p
                return float((total / MC_SAMPLES).mean())
    else:
        eps = 1e-7

        def entropy(p):
            p = p.clamp(eps, 1 - eps)
            return -(p * p.log() + (1 - p) * (1 - p).log())

        def step():
            with torch.no_grad():
                mean = torch.zeros_like(x)
                square = torch.zeros_like(x)
                expected = torch.zeros_like(x)
                for _ in range(MC_SAMPLES):
                    p = torch.sigmoid(model(x)[0])
                    mean += p
                    square += p * p
                    expected += entropy(p)
                mean /= MC_SAMPLES
                variance = square / MC_SAMPLES - mean * mean
                total = entropy(mean)
                mutual = total - expected / MC_SAMPLES
                return float(mutual.mean() + variance.mean())
    return step


def run_row(row, steps, warmup):
    import torch
    torch.set_num_threads(TORCH_THREADS)
    network, kind = row.split("/")
    step = build(network, kind)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return {
        "row": row, "network": network, "kind": kind,
        "medianMs": statistics.median(times), "minMs": min(times), "maxMs": max(times), "steps": steps,
        # ru_maxrss is in KiB on Linux.
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
        "torch": torch.__version__, "threads": torch.get_num_threads(),
    }


def rows_main(description, rows_known, run_row, script, default_steps, default_warmup):
    """The command line of a peer script: `--row R` times one row in this process; otherwise each
    row of `--rows` runs in a fresh child process (with FAIR_ENV) and is printed (or as JSON)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=default_steps)
    parser.add_argument("--warmup", type=int, default=default_warmup)
    parser.add_argument("--rows", default=",".join(rows_known), help="comma-separated rows")
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print one JSON object per row")
    args = parser.parse_args()
    if args.steps < 1 or args.warmup < 0:
        parser.error(f"--steps must be ≥ 1 and --warmup ≥ 0, got {args.steps} and {args.warmup}")
    if args.row:
        print("PEER_RESULT " + json.dumps(run_row(args.row, args.steps, args.warmup)), flush=True)
        return
    rows = [r for r in args.rows.split(",") if r]
    unknown = [r for r in rows if r not in rows_known]
    if unknown:
        parser.error(f"unknown rows {unknown}; known: {', '.join(rows_known)}")
    env = {**os.environ, **FAIR_ENV}
    for row in rows:
        command = [sys.executable, script, "--row", row, "--steps", str(args.steps), "--warmup", str(args.warmup)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        lines = [l for l in done.stdout.splitlines() if l.startswith("PEER_RESULT ")]
        if done.returncode != 0 or not lines:
            result = {"row": row, "error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
        else:
            result = json.loads(lines[-1][len("PEER_RESULT "):])
        if args.json:
            print(json.dumps(result), flush=True)
        elif "error" in result:
            print(f"{row:32s} failed: {result['error']}", flush=True)
        else:
            print(f"{row:32s} {result['medianMs']:9.1f} ms  (min {result['minMs']:.1f}, max {result['maxMs']:.1f}, RSS {result.get('peakRssMB', float('nan')):.0f} MB)", flush=True)


def main():
    rows_main(__doc__.split("\n")[0], ROWS, run_row, __file__, 20, 3)


if __name__ == "__main__":
    main()
