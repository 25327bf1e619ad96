"""Seconds per training step of a small ResNet on the CPU: fp32 or bf16 autocast, contiguous or channels_last.

One step is what `Learner` does for a training batch: forward, cross-entropy loss, backward, optimizer step,
zero_grad. Fashion-MNIST sized input (1x28x28), batch 256, random data (the speed does not depend on the values).
The four settings are timed in interleaved rounds and we report the median, so a burst of load from other
processes on a shared machine hits every setting alike. Besides wall-clock time we report CPU time: on a machine
shared with other jobs, `--threads 1` and the CPU column give the steadiest comparison.

    python bench/bench_cpu_step.py                 # defaults: 3 rounds of 2 steps, after 1 warm-up step
    python bench/bench_cpu_step.py --threads 4 --rounds 10

The result decides the default of `MixedPrecision` on the CPU (see nbs/09_accel.ipynb).
"""
import argparse, statistics, time
from contextlib import nullcontext
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

try:                                 # the course's ResBlock once miniai.resnet exists, else the same block here
    from miniai.resnet import ResBlock, act_gr
except ImportError:
    ResBlock = None


def _conv(ni, nf, ks=3, stride=1, act=nn.ReLU, norm=nn.BatchNorm2d):
    layers = [nn.Conv2d(ni, nf, ks, stride=stride, padding=ks//2, bias=False), norm(nf)]
    if act: layers.append(act())
    return nn.Sequential(*layers)

class _ResBlock(nn.Module):
    "Two 3x3 convs (the second with no activation) plus an identity path (1x1 conv and avg-pool when the shape changes)."
    def __init__(self, ni, nf, stride=1, act=nn.ReLU, norm=nn.BatchNorm2d):
        super().__init__()
        self.convs = nn.Sequential(_conv(ni, nf, act=act, norm=norm), _conv(nf, nf, stride=stride, act=None, norm=norm))
        self.idconv = nn.Identity() if ni == nf else _conv(ni, nf, ks=1, act=None, norm=norm)
        self.pool = nn.Identity() if stride == 1 else nn.AvgPool2d(2, ceil_mode=True)
        self.act = act()
    def forward(self, x): return self.act(self.convs(x) + self.idconv(self.pool(x)))

def get_resnet(nfs=(8, 16, 32, 64, 128, 256)):
    "The lesson's Fashion-MNIST ResNet: a stride-1 block, then stride-2 blocks down to 1x1, a linear head."
    if ResBlock is not None: block = partial(ResBlock, act=act_gr, norm=nn.BatchNorm2d)
    else: block = _ResBlock
    layers = [block(1, nfs[0], stride=1)]
    layers += [block(nfs[i], nfs[i+1], stride=2) for i in range(len(nfs)-1)]
    layers += [nn.Flatten(), nn.Linear(nfs[-1], 10, bias=False), nn.BatchNorm1d(10)]
    return nn.Sequential(*layers)

def get_cnn():
    "The plain CNN of nbs/09_accel.ipynb: five stride-2 convs with batchnorm, no residual blocks."
    c = lambda ni, nf, ks=3, act=nn.ReLU: _conv(ni, nf, ks, stride=2, act=act)
    return nn.Sequential(c(1, 16, ks=5), c(16, 32), c(32, 64), c(64, 128), c(128, 10, act=None), nn.Flatten())

models = dict(resnet=get_resnet, cnn=get_cnn)


def make_step(model_name: str, channels_last: bool, bf16: bool, bs: int):
    "A closure that runs one training step of a fresh model in the given setting."
    torch.manual_seed(0)
    model = models[model_name]()
    x, y = torch.randn(bs, 1, 28, 28), torch.randint(0, 10, (bs,))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    ctx = partial(torch.autocast, 'cpu', dtype=torch.bfloat16) if bf16 else nullcontext
    def step():
        with ctx(): preds = model(x)
        loss = F.cross_entropy(preds.float(), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()
    return step


def bench(model_name='resnet', bs=256, rounds=3, steps=2, warmup=1):
    settings = {(cl, bf): make_step(model_name, cl, bf, bs) for bf in (False, True) for cl in (False, True)}
    for step in settings.values():
        for _ in range(warmup): step()
    wall, cpu = {k: [] for k in settings}, {k: [] for k in settings}
    for _ in range(rounds):
        for k, step in settings.items():
            t, c = time.perf_counter(), time.process_time()
            for _ in range(steps): step()
            wall[k].append((time.perf_counter() - t) / steps)
            cpu[k].append((time.process_time() - c) / steps)
    return {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in settings}


def bf16_native() -> bool:
    "Whether this CPU has bf16 instructions (AVX512-BF16 or AMX); without them bf16 is emulated."
    f = [getattr(torch.cpu, n, None) for n in ('_is_avx512_bf16_supported', '_is_amx_tile_supported')]
    return any(g() for g in f if g is not None)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='+', default=['resnet', 'cnn'], choices=list(models))
    p.add_argument('--bs', type=int, default=256)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--steps', type=int, default=2)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s choice)')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability '
          f'{torch.backends.cpu.get_cpu_capability()}, native bf16: {bf16_native()}, '
          f'ResBlock: {"miniai.resnet" if ResBlock is not None else "local"}, batch {a.bs}, '
          f'median of {a.rounds} rounds of {a.steps} steps')
    res = {m: bench(m, a.bs, a.rounds, a.steps, a.warmup) for m in a.models}
    print(f'\n| {"model":6} | {"precision":9} | {"memory format":14} | {"s/step":>7} | {"CPU s/step":>10} | {"speed-up":>8} |')
    print(f'|{"-"*8}|{"-"*11}|{"-"*16}|{"-"*9}|{"-"*12}|{"-"*10}|')
    for m, r in res.items():
        base = r[(False, False)][0]
        for (cl, bf), (t, c) in r.items():
            print(f'| {m:6} | {"bf16" if bf else "fp32":9} | {"channels_last" if cl else "contiguous":14} | {t:7.3f} '
                  f'| {c:10.3f} | {base/t:7.2f}x |')
    print('\n(s/step: wall clock; CPU s/step: CPU time of all threads, less sensitive to other load; speed-up: wall clock)')
    for m, r in res.items():
        (cl, bf), (t, c) = min(r.items(), key=lambda o: o[1][0])
        print(f'fastest for {m}: {"bf16 autocast" if bf else "fp32"}, {"channels_last" if cl else "contiguous"} '
              f'({t:.3f} s/step, {r[(False, False)][0]/t:.2f}x fp32 contiguous)')
