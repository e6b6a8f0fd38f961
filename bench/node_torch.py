#!/usr/bin/env python3
"""The peer of nabla-bench-node: the same neural ODE in PyTorch.

dy/dt = f(y), f the tanh MLP 2 -> width^depth -> 2 (float64), B trajectories
integrated together by fixed-step RK4 with dt = 0.01; loss = mean squared
distance to Lotka-Volterra targets (a = 1.5, b = 1, g = 3, d = 1, by the
same RK4) at every 10th step; the gradient by backpropagation through all
the steps (what torchdiffeq's odeint does without the adjoint). One thread.
Prints s_per_gradient= (wall clock, mean over repeats after a warm-up;
cpu_s_per_gradient=, the process's CPU time),
peak_rss_mb= and trajectory_mb= (peak resident memory and its growth over
the set-up: what the autograd graph of one gradient keeps)."""
import argparse
import resource
import time

import torch


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def lv(y):
    x, p = y[:, 0:1], y[:, 1:2]
    return torch.cat([1.5 * x - x * p, x * p - 3.0 * p], dim=1)


def rk4(f, y, dt):
    k1 = f(y)
    k2 = f(y + 0.5 * dt * k1)
    k3 = f(y + 0.5 * dt * k2)
    k4 = f(y + dt * k3)
    return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--min-time", type=float, default=2.0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    dt = 0.01
    layers, w = [], [2] + [a.width] * a.depth + [2]
    for i in range(len(w) - 1):
        layers.append(torch.nn.Linear(w[i], w[i + 1]).double())
        if i < len(w) - 2:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    y0 = 1 + 0.5 * torch.rand(a.batch, 2, dtype=torch.float64)
    with torch.no_grad():
        y, targets = y0.clone(), []
        for s in range(a.steps):
            y = rk4(lv, y, dt)
            if (s + 1) % a.every == 0:
                targets.append(y.clone())

    def gradient():
        net.zero_grad()
        y, loss = y0, 0.0
        for s in range(a.steps):
            y = rk4(net, y, dt)
            if (s + 1) % a.every == 0:
                loss = loss + ((y - targets[(s + 1) // a.every - 1]) ** 2).sum()
        loss = loss / (len(targets) * a.batch * 2)
        loss.backward()
        return loss.item()

    base = rss_mb()
    gradient()  # warm-up
    reps, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        loss = gradient()
        reps += 1
        el = time.perf_counter() - t0
        if el >= a.min_time and reps >= 3:
            break
    cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"node_torch width={a.width} depth={a.depth} steps={a.steps} batch={a.batch} torch={torch.__version__} "
          f"threads={torch.get_num_threads()} reps={reps} loss={loss:.10e} s_per_gradient={el / reps:.6f} cpu_s_per_gradient={cpu / reps:.6f} "
          f"peak_rss_mb={peak:.1f} trajectory_mb={peak - base:.1f}")


if __name__ == "__main__":
    main()
