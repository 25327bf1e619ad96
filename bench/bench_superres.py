"""Seconds per training image of the Tiny ImageNet models (notebooks 18 and 19), and what a full-scale run would take.

Times training steps (forward, loss, backward, AdamW step) on random 64x64 data of the full-scale models: the base
classifier (`get_tiny_model()`), the deeper one (`nbks=(3,2,2,1)`), and the super-resolution UNet with the perceptual
loss (UNet widths 32..256, features from the base classifier's first four blocks). Each in fp32 and in the mixed
precision `MixedPrecision` picks for the device (bf16 + channels_last on CPUs with native bf16). Then the hours of the
full-scale runs: 25 + 25 + 50 classifier epochs (18), and 5 autoencoder + 20 + 20 + 21 + 21 UNet epochs (19), of
30,000 images each (the 60-class subset; the full Tiny ImageNet has 100,000).

    python bench/bench_superres.py                  # batch 64, 3 timed steps after 1 warm-up
    python bench/bench_superres.py --bs 128 --steps 5
"""
import argparse, time
from contextlib import nullcontext

import torch
import torch.nn.functional as F
from torch import nn, optim

from miniai.accel import amp_dtype
from miniai.conv import def_device
from miniai.superres import PerceptualLoss, get_unet
from miniai.tinyimagenet import get_tiny_model


def time_steps(model, loss_fn, x, y, steps, dtype, channels_last):
    dev = x.device
    if channels_last: model, x = model.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    opt = optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3, eps=1e-5)
    ctx = (lambda: torch.autocast(dev.type, dtype=dtype)) if dtype != torch.float32 else nullcontext
    def step():
        with ctx(): p = model(x)
        loss = loss_fn(p.float(), y)
        loss.backward(); opt.step(); opt.zero_grad()
    step()                                   # warm-up
    if dev.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps): step()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return (time.perf_counter() - t0)/steps/len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--steps', type=int, default=3)
    a = ap.parse_args()
    dev = torch.device(def_device)
    mixed = amp_dtype(dev)
    print(f'device {dev}, {torch.get_num_threads()} threads, batch {a.bs}; mixed precision here: {mixed}')
    torch.manual_seed(0)
    x, xin = torch.randn(a.bs, 3, 64, 64, device=dev), torch.randn(a.bs, 3, 64, 64, device=dev)
    y = torch.randint(0, 60, (a.bs,), device=dev)
    clf = get_tiny_model(n_out=60).to(dev)
    feat = nn.Sequential(*clf[:4]).eval()
    models = dict(base=(lambda: get_tiny_model(n_out=60), F.cross_entropy, y, xin),
                  deeper=(lambda: get_tiny_model(nbks=(3, 2, 2, 1), n_out=60), F.cross_entropy, y, xin),
                  unet_perceptual=(lambda: get_unet((32, 64, 128, 256)), PerceptualLoss(feat, 0.1), x, xin))
    res = {}
    for name, (make, loss_fn, targ, inp) in models.items():
        for label, dtype, cl in [('fp32', torch.float32, False), ('mixed', mixed, mixed == torch.bfloat16 and dev.type == 'cpu')]:
            if label == 'mixed' and mixed == torch.float32: continue
            s = time_steps(make().to(dev), loss_fn, inp, targ, a.steps, dtype, cl)
            res[name, label] = s
            print(f'{name:16} {label:5}: {s*1e3:7.2f} ms per image, {s*30_000/60:6.1f} min per epoch of 30,000 images')
    best = lambda n: min(v for (k, _), v in res.items() if k == n)
    h18 = (25*best('base') + 75*best('deeper'))*30_000/3600       # base 25; deeper 25 and trivial 50 (the same size)
    h19 = 87*best('unet_perceptual')*30_000/3600                 # autoencoder counted as a UNet epoch: an upper bound
    print(f'full-scale estimate at the faster precision: 18 about {h18:.1f} h (of which the shipped classifier '
          f'{25*best("base")*30_000/3600:.1f} h), 19 about {h19:.1f} h, plus data loading and validation')


if __name__ == '__main__': main()
