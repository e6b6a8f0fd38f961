#!/usr/bin/python3
"""The PyTorch peer of nabla-bench-pinn: seconds per PINN training step for
1-D viscous Burgers, u_t + u u_x - nu u_xx = 0 on x in [-1, 1], t in [0, 1].

The same step as nabla's: the residual at the collocation points with exact
derivatives (torch.autograd.grad with create_graph=True, then the second
derivative), the initial/boundary misfit, the loss, the full parameter
gradient (loss.backward()) and an Adam update; float64, one thread.
Run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse
import math
import time

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--width", type=int, default=20)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--points", type=int, default=10000)
    ap.add_argument("--bpoints", type=int, default=100)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1234)
    layers = [torch.nn.Linear(2, a.width), torch.nn.Tanh()]
    for _ in range(a.depth - 1):
        layers += [torch.nn.Linear(a.width, a.width), torch.nn.Tanh()]
    layers.append(torch.nn.Linear(a.width, 1))
    net = torch.nn.Sequential(*layers)
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_normal_(m.weight)
            torch.nn.init.zeros_(m.bias)

    x = (torch.rand(a.points, 1) * 2 - 1).requires_grad_(True)
    t = torch.rand(a.points, 1).requires_grad_(True)
    xb = torch.rand(a.bpoints, 2)
    xb[:, 0] = xb[:, 0] * 2 - 1
    gb = torch.zeros(a.bpoints, 1)
    for i in range(a.bpoints):  # half on t = 0 with u = -sin(pi x), half on x = +-1 with u = 0
        if i % 2 == 0:
            xb[i, 1] = 0
            gb[i, 0] = -math.sin(math.pi * xb[i, 0])
        else:
            xb[i, 0] = -1 if i % 4 == 1 else 1
    nu = 0.01 / math.pi
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        u = net(torch.cat([x, t], 1))
        ux, ut = torch.autograd.grad(u, (x, t), torch.ones_like(u), create_graph=True)
        uxx = torch.autograd.grad(ux, x, torch.ones_like(ux), create_graph=True)[0]
        r = ut + u * ux - nu * uxx
        loss = (r ** 2).mean() + ((net(xb) - gb) ** 2).mean()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        loss = step()
    t1, c1 = time.perf_counter(), time.process_time()
    nparams = sum(p.numel() for p in net.parameters())
    print("torch-pinn torch=%s threads=%d width=%d depth=%d points=%d bpoints=%d params=%d steps=%d loss=%.6e "
          "cpu_s_per_step=%.6f s_per_step=%.6f" % (torch.__version__, torch.get_num_threads(), a.width, a.depth,
                                                   a.points, a.bpoints, nparams, a.steps, loss,
                                                   (c1 - c0) / a.steps, (t1 - t0) / a.steps))


if __name__ == "__main__":
    main()
