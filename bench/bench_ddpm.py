"""Benchmark: the DDPM UNet on the CPU.

1. One training step of the halved UNet (channels 16,32,64,64) at batch 128, 32x32: with attention only at the lowest
   level (miniai's `ddpm_unet` default) and with diffusers' default layout (attention in 3 of 4 levels); fp32 and bf16
   autocast. Seconds per step and the peak resident memory of the process.
2. Sampling: 1000 DDPM steps for 16 images.
3. The Learner (TrainCB + MetricsCB) against a hand-written loop on the same model and batches: target at most 5% overhead.

Each measurement runs in a fresh process, so peak memory is its own.
Run: python bench/bench_ddpm.py            (about 5-10 minutes on 2 cores)
"""
import json, resource, statistics, subprocess, sys, time
import torch
from torch import nn, optim

def peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024

def batches(n, bs=128, seed=0):
    from miniai.diffusion import noisify, ddpm_schedule
    g = torch.Generator().manual_seed(seed)
    ᾱ = ddpm_schedule().ᾱ
    torch.manual_seed(seed)
    return [noisify(torch.rand(bs, 1, 32, 32, generator=g)*2-1, ᾱ) for _ in range(n)]

def model_for(attn):
    from miniai.diffusion import ddpm_unet, init_ddpm, UNet
    torch.manual_seed(0)
    return init_ddpm(ddpm_unet(attn_levels=attn, cls=UNet))

def train_step(attn, dtype, steps=6):
    model = model_for(attn)
    opt = optim.Adam(model.parameters(), lr=1e-3, eps=1e-5)
    times = []
    for (xt,t),ε in batches(steps):
        start = time.perf_counter()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=dtype == 'bf16'):
            pred = model((xt, t))
        loss = nn.functional.mse_loss(pred.float(), ε)
        loss.backward()
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter()-start)
    return dict(s_per_step=statistics.median(times[1:]), peak_mb=peak_mb())

def sampling(attn, n=16):
    from miniai.diffusion import sample, ddpm_schedule
    model = model_for(attn)
    nn.init.normal_(model.conv_out.weight, std=0.01)   # a zero output conv would make the work trivial to predict
    start = time.perf_counter()
    sample(model, (n, 1, 32, 32), ddpm_schedule(), keep=False)
    return dict(seconds=time.perf_counter()-start, peak_mb=peak_mb())

def overhead(steps=12, reps=3):
    import torch.nn.functional as F
    from miniai.learner import Learner, TrainCB, MetricsCB
    bs_ = batches(steps)
    class DLs: train,valid = bs_,[]
    res = {'hand-written': [], 'Learner': []}
    for _ in range(reps):
        model = model_for((3,))
        opt = optim.Adam(model.parameters(), lr=1e-3, eps=1e-5)
        start = time.perf_counter()
        for (xt,t),ε in bs_:
            loss = F.mse_loss(model((xt, t)), ε)
            loss.backward(); opt.step(); opt.zero_grad()
        res['hand-written'].append(time.perf_counter()-start)
        learn = Learner(model_for((3,)), DLs, F.mse_loss, lr=1e-3, cbs=[TrainCB(), MetricsCB()],
                        opt_func=lambda p, lr: optim.Adam(p, lr=lr, eps=1e-5))
        start = time.perf_counter()
        learn.fit(1, valid=False)
        res['Learner'].append(time.perf_counter()-start)
    h,l = min(res['hand-written']),min(res['Learner'])
    return dict(hand_s_per_step=h/steps, learner_s_per_step=l/steps, overhead_pct=100*(l-h)/h)

def run_one(args):
    out = subprocess.run([sys.executable, __file__, '--one', json.dumps(args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

if __name__ == '__main__':
    if sys.argv[1:2] == ['--one']:
        kind,*a = json.loads(sys.argv[2])
        print(json.dumps({'train': train_step, 'sample': sampling, 'overhead': overhead}[kind](*a)))
        sys.exit()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print('\n| training step, batch 128 | s/step | peak RSS (MB) |\n|---|---|---|')
    for attn,nm in [([3], 'attention at the lowest level (miniai)'), ([1,2,3], 'attention in 3 of 4 levels (diffusers default)')]:
        for dt in ['fp32', 'bf16']:
            r = run_one(['train', attn, dt])
            print(f'| {nm}, {dt} | {r["s_per_step"]:.3f} | {r["peak_mb"]:.0f} |')
    print('\n| sampling, 16 images | seconds for 1000 steps | peak RSS (MB) |\n|---|---|---|')
    for attn,nm in [([3], 'attention at the lowest level'), ([1,2,3], 'diffusers default layout')]:
        r = run_one(['sample', attn])
        print(f'| {nm} | {r["seconds"]:.1f} | {r["peak_mb"]:.0f} |')
    r = run_one(['overhead'])
    print(f'\nLearner vs hand-written loop (fp32, same model and batches): {r["learner_s_per_step"]:.3f} vs '
          f'{r["hand_s_per_step"]:.3f} s/step: {r["overhead_pct"]:+.1f}% (target: at most +5%)')
