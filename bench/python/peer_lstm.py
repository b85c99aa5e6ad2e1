#!/usr/bin/env python3
"""The peer of bench/recurrent.ts: one training step of a 2-layer LSTM (128 units) on
[32, 64, 32] with one sigmoid output per sequence, in PyTorch (nn.LSTM) and bayesian-torch
(LSTMReparameterization, LSTMFlipout), with the timing method and fair settings of peer_bench.py.

    python3 bench/python/peer_lstm.py [--steps 10] [--warmup 2] [--rows lstm/flipout] [--json]

Rows: lstm/deterministic, lstm/reparameterization, lstm/flipout. Priors N(0, 1), posterior rho
init -3, loss = BCE (batch mean) + KL / 60 000, Adam.

Note what bayesian-torch's LSTM layers do (0.5.0, rnn_variational.py / rnn_flipout.py): the loop over
time calls their input and hidden Linear layers at every step, so the weights are sampled anew
at EVERY time step (tfjs-bnn samples once per sequence, Fortunato et al. 2017) and the returned KL
is the layer KL times the sequence length. That is extra noise work on the peer side; the rows
time what each library does.
"""
import statistics
import time

from peer_bench import DATASET_SIZE, LEARNING_RATE, TORCH_THREADS, rows_main

BATCH, TIME, FEATURES, UNITS = 32, 64, 32, 128
ROWS = ["lstm/deterministic", "lstm/reparameterization", "lstm/flipout"]


def build(kind):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from bayesian_torch.layers import LinearFlipout, LinearReparameterization, LSTMFlipout, LSTMReparameterization

    bayes = dict(prior_mean=0.0, prior_variance=1.0, posterior_mu_init=0.0, posterior_rho_init=-3.0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "deterministic":
                self.lstm = nn.LSTM(FEATURES, UNITS, num_layers=2, batch_first=True)
                self.head = nn.Linear(UNITS, 1)
            else:
                lstm = LSTMFlipout if kind == "flipout" else LSTMReparameterization
                linear = LinearFlipout if kind == "flipout" else LinearReparameterization
                self.first = lstm(FEATURES, UNITS, **bayes)
                self.second = lstm(UNITS, UNITS, **bayes)
                self.head = linear(UNITS, 1, **bayes)

        def forward(self, x):
            if kind == "deterministic":
                out, _ = self.lstm(x)
                return self.head(out[:, -1, :]), None
            h, _, kl1 = self.first(x)
            h, _, kl2 = self.second(h)
            out, kl3 = self.head(h[:, -1, :])
            return out, kl1 + kl2 + kl3

    g = torch.Generator().manual_seed(1)
    x = torch.randn(BATCH, TIME, FEATURES, generator=g)
    y = (torch.rand(BATCH, 1, generator=g) > 0.5).float()
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    model.train()

    def step():
        optimizer.zero_grad(set_to_none=True)
        out, kl = model(x)
        loss = F.binary_cross_entropy_with_logits(out, y)
        if kl is not None:
            loss = loss + kl / DATASET_SIZE
        loss.backward()
        optimizer.step()
        return float(loss)

    return step


def run_row(row, steps, warmup):
    import torch
    torch.set_num_threads(TORCH_THREADS)
    step = build(row.split("/")[1])
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return {"row": row, "medianMs": statistics.median(times), "minMs": min(times), "maxMs": max(times), "steps": steps, "torch": torch.__version__}


def main():
    rows_main(__doc__.split("\n")[0], ROWS, run_row, __file__, 10, 2)


if __name__ == "__main__":
    main()
