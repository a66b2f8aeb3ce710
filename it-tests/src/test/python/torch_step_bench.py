#!/usr/bin/env python3
"""PyTorch CPU baseline for sparktrain's PyTorchComparisonBench.

Times the training step loop (forward, cross-entropy, backward, Adam step) of the same networks sparktrain trains:
LeNet-5 (conv5x5 same 6 - maxpool2 - conv5x5 valid 16 - maxpool2 - 120 - 84 - 10, ReLU) and an MLP 784-256-10,
on one fixed random batch, after a warm-up. Prints one JSON object per line.

usage: torch_step_bench.py gflops THREADS | lenet BATCH THREADS SECONDS | mlp BATCH THREADS SECONDS
Needs Debian's python3-torch with libopenblas0-pthread (otherwise torch falls back to the reference BLAS).
"""
import json
import sys
import time

import torch
import torch.nn as nn


def gflops(threads):
    torch.set_num_threads(threads)
    a = torch.randn(2048, 2048)
    b = torch.randn(2048, 2048)
    a @ b
    t = time.time()
    reps = 10
    for _ in range(reps):
        a @ b
    dt = (time.time() - t) / reps
    return {"what": "gflops", "threads": threads, "gflops": 2 * 2048 ** 3 / dt / 1e9}


def model(kind):
    if kind == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def steps(kind, batch, threads, seconds):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m = model(kind)
    x = torch.rand(batch, 1, 28, 28) if kind == "lenet" else torch.rand(batch, 784)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(m(x), y).backward()
        opt.step()

    for _ in range(20):
        step()
    n = 0
    t = time.time()
    while time.time() - t < seconds:
        step()
        n += 1
    dt = time.time() - t
    return {"what": kind, "batch": batch, "threads": threads, "samplesPerSecond": n * batch / dt,
            "msPerStep": 1000 * dt / n, "torch": torch.__version__}


if __name__ == "__main__":
    if sys.argv[1] == "gflops":
        print(json.dumps(gflops(int(sys.argv[2]))))
    else:
        print(json.dumps(steps(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))))
