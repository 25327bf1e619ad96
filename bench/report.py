#!/usr/bin/env python
"""The benchmark report: miniai against its peers, side by side in one run, as ratios, on this machine.

    MINIAI_DATA=../shared/data python bench/report.py            # writes bench/results/report-<machine>.md and prints it
    python bench/report.py --readme                               # ... and regenerates the README's benchmark table
    python bench/report.py --quick                                # seconds-long sizes: checks that every section runs

Sections (each compares the same work done two ways, interleaved so that load on a shared machine hits both alike):
  learner   the Learner (TrainCB) against a hand-written loop: the small CNN of 02, one epoch of Fashion-MNIST
  fid       miniai's FID against the scipy route (pytorch-fid's sqrtm) and torchmetrics' on the same features
  ddim      our DDIM loop (`ddim_sample`) against diffusers' DDIMScheduler driving the same model: output and time
  karras    our Karras samplers against k-diffusion's with the same denoiser: output and time per model call
  data      a batch from tensors (`DataLoaders.from_tensors`) against per-item PIL transforms
  amp       the DDPM UNet's training step in fp32 against mixed precision (bf16 on a CPU with it, fp16 on CUDA)
The machine (CPU, cores, threads, GPU) is named at the top. On a GPU the model sections run there (`--device`)."""
import argparse, datetime, importlib.util, os, platform, statistics, sys, time, types
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
README_START,README_END = '<!-- bench:start -->','<!-- bench:end -->'

def timed(f, *args, **kwargs):
    t = time.perf_counter()
    r = f(*args, **kwargs)
    return r, time.perf_counter()-t

def interleaved(fs:dict, reps:int) -> dict:
    "Median seconds of each function in `fs`, run in turn `reps` times (after one warm-up each)."
    for f in fs.values(): f()
    ts = {k:[] for k in fs}
    for _ in range(reps):
        for k,f in fs.items(): ts[k].append(timed(f)[1])
    return {k:statistics.median(v) for k,v in ts.items()}

def row(what, ours, theirs, unit, agree='', note=''):
    return dict(what=what, ours=ours, theirs=theirs, unit=unit, ratio=ours/theirs, agree=agree, note=note)

def machine(device) -> str:
    cpu = platform.processor() or platform.machine()
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    gpu = f', GPU {torch.cuda.get_device_name(device)}' if torch.device(device).type == 'cuda' else ''
    return (f'{cpu}, {os.cpu_count()} cores, torch {torch.__version__} with {torch.get_num_threads()} threads '
            f'(OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}){gpu}; device {device}')

# --- sections: each returns a list of rows ---

def sec_learner(quick, device):
    import bench_learner as B
    from miniai.datasets import DataLoaders, fashion_tensors
    from miniai.learner import TrainCB
    (x,y),_ = fashion_tensors()
    n = 4096 if quick else 60_000
    dls = DataLoaders.from_tensors(((x[:n]*2-1), y[:n]), (x[:512], y[:512]), batch_size=256)
    t = interleaved({'hand': lambda: B.hand_loop(dls.train), 'learn': lambda: B.learner_loop(dls, [TrainCB()])}, 2 if quick else 5)
    nb = len(dls.train)
    return [row('Learner + TrainCB vs a hand-written loop (small CNN, batch 256, CPU)', 1000*t['learn']/nb, 1000*t['hand']/nb, 'ms/batch',
                note=f'{nb} batches; target at most +3%'),
            row("the Learner's own time per batch (12 events, 5 callbacks, steps that do nothing) vs the lesson's dispatch",
                B.dispatch_us(), B.dispatch_us(B.LessonLearner), 'us/batch', note='the lesson sorts the callbacks at every event')]

def sec_fid(quick, device):
    import bench_fid as B
    from miniai.fid import _calc_fid, _calc_stats
    x,y = B.features(n=1024 if quick else 2048)
    s1,s2 = _calc_stats(x),_calc_stats(y)
    reps = 2 if quick else 7
    t = interleaved({'ours': lambda: _calc_fid(*s1, *s2), 'scipy': lambda: B.fid_scipy(*s1, *s2)}, reps)
    v,vs = _calc_fid(*s1, *s2),B.fid_scipy(*s1, *s2)
    rows = [row(f'FID of {len(x)}x{x.shape[1]} features: ours (Cholesky + eigvalsh) vs scipy.linalg.sqrtm (pytorch-fid)', 1000*t['ours'], 1000*t['scipy'], 'ms',
                f'relative difference {abs(v-vs)/abs(vs):.1e}')]
    try: from torchmetrics.image.fid import _compute_fid
    except ImportError: return rows
    m1,c1,m2,c2 = s1[0],s1[1],s2[0],s2[1]
    t = interleaved({'ours': lambda: _calc_fid(*s1, *s2), 'tm': lambda: _compute_fid(m1, c1, m2, c2)}, reps)
    vt = float(_compute_fid(m1, c1, m2, c2))
    rows.append(row("FID, same statistics: ours vs torchmetrics' _compute_fid (eigenvalues of Σ1·Σ2)", 1000*t['ours'], 1000*t['tm'], 'ms',
                    f'relative difference {abs(v-vt)/abs(vt):.1e}'))
    return rows

def _ddpm_model(device):
    from miniai import zoo
    try: return zoo.load('ddpm_v2', device)
    except FileNotFoundError:
        from miniai.diffusion import UNet, ddpm_unet, init_ddpm
        torch.manual_seed(0)
        return init_ddpm(ddpm_unet(cls=UNet)).to(device).eval()

def sec_ddim(quick, device):
    from diffusers import DDIMScheduler
    from miniai.diffusion import ddpm_schedule
    from miniai.sampling import ddim_sample, ddim_step, diff_sample
    model,sched = _ddpm_model(device),ddpm_schedule()
    n,steps = (4, 10) if quick else (256, 100)   # the [sampling] issue's measure: 256 images, 100 DDIM steps
    sz = (n, 1, 32, 32)
    ds = DDIMScheduler(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, clip_sample=False, set_alpha_to_one=True)
    def ours(): torch.manual_seed(0); return ddim_sample(ddim_step, model, sz, steps, sched.ᾱ, eta=0., clamp=False)
    def theirs():
        torch.manual_seed(0); ds.set_timesteps(steps)
        return diff_sample(model, sz, ds, eta=0.)
    t = interleaved({'ours': ours, 'theirs': theirs}, 2 if quick else 3)
    a,b = ours(),theirs()
    b = b[-1] if isinstance(b, (list, tuple)) else b
    return [row(f"DDIM, {steps} steps, {n} images, η=0: ours vs diffusers' DDIMScheduler on the same model and noise", t['ours'], t['theirs'], 's',
                f'max difference {(a.cpu()-b.cpu()).abs().max():.1e}')]

def _k_sampling():
    "k-diffusion's sampling module alone: importing the package pulls in heavy optional dependencies (as in 17_karras)."
    spec = importlib.util.find_spec('k_diffusion')
    if spec is None: return None
    if 'k_diffusion' not in sys.modules:
        pkg = types.ModuleType('k_diffusion'); pkg.__path__ = list(spec.submodule_search_locations)
        sys.modules['k_diffusion'] = pkg
    import k_diffusion.sampling as K
    return K

def sec_karras(quick, device):
    K = _k_sampling()
    if K is None: return [dict(what='Karras samplers vs k-diffusion: k-diffusion is not installed (pip install --no-deps k-diffusion torchsde torchdiffeq trampoline)', skip=True)]
    from miniai import zoo
    from miniai.diffusion import Denoiser
    from miniai.sampling import sample_euler, sample_euler_ancestral, sample_heun, sample_lms, sigmas_karras
    try: model = zoo.load('karras', device); sd = float(model.meta['sig_data']); src = 'the shipped Karras model'
    except FileNotFoundError: model,sd,src = _ddpm_model(device),0.66,'DDPM v2 UNet, no Karras model shipped'  # any UNet compares the samplers
    den = Denoiser(model, sd)
    n,steps = (4, 6) if quick else (64, 25)
    σs = sigmas_karras(steps, device=device)
    ours = dict(euler=sample_euler, euler_ancestral=sample_euler_ancestral, heun=sample_heun, lms=sample_lms)
    theirs = dict(euler=K.sample_euler, euler_ancestral=K.sample_euler_ancestral, heun=K.sample_heun, lms=K.sample_lms)
    rows = []
    for nm in ours:
        def run_ours():
            torch.manual_seed(0); x = torch.randn(n, 1, 32, 32, device=device)*σs[0]
            kw = dict(ds=[]) if nm == 'lms' else {}
            for i in range(len(σs)-1): x = ours[nm](x, σs, i, den, **kw)
            return x
        def run_theirs():
            torch.manual_seed(0); x = torch.randn(n, 1, 32, 32, device=device)*σs[0]
            return theirs[nm](den, x, σs, disable=True)
        with torch.no_grad():
            t = interleaved({'ours': run_ours, 'theirs': run_theirs}, 2 if quick else 3)
            d = (run_ours()-run_theirs()).abs().max().item()
        calls = 2*steps-1 if nm == 'heun' else steps
        rows.append(row(f'{nm}, {steps} steps ({calls} calls), {n} images: ours vs k-diffusion, same denoiser', 1000*t['ours']/calls, 1000*t['theirs']/calls,
                        'ms/call', f'max difference {d:.1e}', note=f'denoiser: {src}'))
    return rows

def sec_data(quick, device):
    import bench_data as B
    from torch.utils.data import DataLoader
    from miniai.datasets import DataLoaders, collate_dict, load_fashion_mnist, tensors_from
    dsd = load_fashion_mnist()
    tr = dsd['train'].select(range(4096)) if quick else dsd['train']
    x,y = tensors_from(tr)
    t_fast = B.epoch_time(DataLoaders.from_tensors((x,y), (x[:10],y[:10]), batch_size=256).train)
    ds = tr.with_transform(B.to_tensor)
    t_pil = B.epoch_time(DataLoader(ds, batch_size=256, shuffle=True, collate_fn=collate_dict(ds)), reps=1)
    return [row(f'one epoch of {len(x):,} Fashion-MNIST images, batch 256: from tensors vs per-item PIL transform', t_fast, t_pil, 's')]

def sec_amp(quick, device):
    import torch.nn.functional as F
    from miniai.accel import amp_dtype
    from miniai.diffusion import UNet, ddpm_unet, init_ddpm, noisify, ddpm_schedule
    dt = amp_dtype(device)
    if dt == torch.float32: return [dict(what=f'mixed precision: this {device} has no fast half precision (fp32 only)', skip=True)]
    bs = 32 if quick else 128
    g = torch.Generator().manual_seed(0)
    (xt,t),ε = noisify(torch.rand(bs, 1, 32, 32, generator=g)*2-1, ddpm_schedule().ᾱ)
    xt,t,ε = xt.to(device),t.to(device),ε.to(device)
    torch.manual_seed(0)
    model = init_ddpm(ddpm_unet(cls=UNet)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-5)
    scaler = torch.amp.GradScaler(torch.device(device).type) if dt == torch.float16 else None
    def step(amp):
        with torch.autocast(torch.device(device).type, dtype=dt, enabled=amp):
            loss = F.mse_loss(model((xt, t)).float(), ε)
        (scaler.scale(loss) if amp and scaler else loss).backward()
        if amp and scaler: scaler.step(opt); scaler.update()
        else: opt.step()
        opt.zero_grad()
        if torch.device(device).type == 'cuda': torch.cuda.synchronize()
    t = interleaved({'amp': lambda: step(True), 'fp32': lambda: step(False)}, 2 if quick else 5)
    return [row(f'DDPM UNet training step, batch {bs}: {str(dt).split(".")[-1]} autocast vs fp32', t['amp'], t['fp32'], 's/step')]

SECTIONS = dict(learner=sec_learner, fid=sec_fid, ddim=sec_ddim, karras=sec_karras, data=sec_data, amp=sec_amp)

def table(rows) -> str:
    out = ['| comparison | miniai | reference | ratio (miniai/reference) | agreement |', '|---|---|---|---|---|']
    for r in rows:
        if r.get('skip'): out.append(f'| {r["what"]} | | | skipped | |'); continue
        fmt = (lambda v: f'{v:.3g} {r["unit"]}')
        note = f' ({r["note"]})' if r['note'] else ''
        out.append(f'| {r["what"]}{note} | {fmt(r["ours"])} | {fmt(r["theirs"])} | {r["ratio"]:.2f} | {r["agree"]} |')
    return '\n'.join(out)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', nargs='*', choices=list(SECTIONS), help='run these sections only')
    ap.add_argument('--quick', action='store_true', help='small sizes: a check that every section runs, not a measurement')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='where the model sections run')
    ap.add_argument('--readme', action='store_true', help="also write the table into the README between the bench markers")
    ap.add_argument('--out', type=Path, default=None, help='report file (default: bench/results/report-<machine>.md)')
    a = ap.parse_args()
    rows,t0 = [],time.perf_counter()
    for nm in a.only or SECTIONS:
        print(f'== {nm}', flush=True)
        r,secs = timed(SECTIONS[nm], a.quick, a.device)
        for o in r: print('  ' + (o['what'] + ': skipped' if o.get('skip') else f'{o["what"]}: {o["ours"]:.4g} vs {o["theirs"]:.4g} {o["unit"]} (x{o["ratio"]:.2f}) {o["agree"]}'), flush=True)
        rows += r
    head = (f'# miniai benchmark report{" (quick: sizes too small to measure)" if a.quick else ""}\n\n'
            f'Machine: {machine(a.device)}.  \nRun: {datetime.datetime.now().isoformat(timespec="minutes")}, '
            f'`python bench/report.py{" --quick" if a.quick else ""}`, {time.perf_counter()-t0:.0f} s. Ratios below 1: miniai is faster.\n\n')
    md = head + table(rows) + '\n'
    tag = 'gpu' if torch.device(a.device).type == 'cuda' else 'cpu'
    out = a.out or HERE/'results'/f'report-{tag}{"-quick" if a.quick else ""}.md'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md)
    print(f'\n{md}\nwrote {out}')
    if a.readme:
        if a.quick: sys.exit('--readme takes a full run, not --quick')
        rd = HERE.parent/'README.md'
        s = rd.read_text()
        if README_START not in s or README_END not in s: sys.exit(f'README.md lacks the markers {README_START} ... {README_END}')
        pre,rest = s.split(README_START, 1)
        post = rest.split(README_END, 1)[1]
        rd.write_text(f'{pre}{README_START}\n{md.split(chr(10), 2)[2].strip()}\n\nFrom `{out.relative_to(HERE.parent)}`.\n{README_END}{post}')
        print(f'updated {rd}')

if __name__ == '__main__': main()
