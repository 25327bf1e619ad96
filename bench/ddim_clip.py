"""DDIM with η=0 on the shipped DDPM v2: what clipping x̂0 does as the step count grows.

    MINIAI_DATA=/path/to/data python bench/ddim_clip.py [--n 128] [--steps 333 100 50]

`ddim_step` (the lesson's, and diffusers' `DDIMScheduler` with `clip_sample=True`) clips x̂0 to -1..1 but keeps the
model's unclipped ε in the direction term, so each step's x_{t-1} is built from two estimates that disagree. Three
variants from the same start noise, scored with the shipped classifier's FID against the 10,000 test images:
`clamp` (the default), `noclamp` (`clamp=False`), and `recompute`: ε re-derived from the clipped x̂0 (GLIDE's choice,
diffusers' `use_clipped_model_output=True`). Prints one line per run, and the FID of as many real training images.
"""
import argparse, time, warnings
import torch
from miniai import zoo
from miniai.diffusion import linear_sched, fashion_diffusion_data
from miniai.fid import fashion_image_eval, fashion_28
from miniai.sampling import ddim_sample, ddim_step

def ddim_step_recompute(x_t, noise, abar_t, abar_t1, bbar_t, bbar_t1, eta, sig=None, clamp=True):
    "η=0 DDIM step whose direction term uses the ε that the clipped x̂0 implies."
    x0_hat,_ = ddim_step(x_t, noise, abar_t, abar_t1, bbar_t, bbar_t1, eta, sig, clamp)
    eps = (x_t - abar_t.sqrt()*x0_hat) / bbar_t.sqrt()
    return x0_hat, abar_t1.sqrt()*x0_hat + bbar_t1.sqrt()*eps

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=128)
    p.add_argument('--steps', type=int, nargs='+', default=[333, 100, 50])
    a = p.parse_args()
    model,sched = zoo.load('ddpm_v2', 'cpu').eval(),linear_sched(0.02)
    ie = fashion_image_eval(n_ref=None)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')      # few samples: FID is biased upwards, compare within the table
        print(f'{a.n} real training images: FID {ie.fid(fashion_28(fashion_diffusion_data(a.n, 0)[0])):.2f}; {torch.get_num_threads()} threads')
        for steps in a.steps:
            for nm,f,clamp in (('clamp', ddim_step, True), ('noclamp', ddim_step, False), ('recompute', ddim_step_recompute, True)):
                torch.manual_seed(42)
                t0 = time.perf_counter()
                s = ddim_sample(f, model, (a.n, 1, 32, 32), steps, sched.ᾱ, eta=0., clamp=clamp)
                secs = time.perf_counter()-t0
                print(f'DDIM {steps:4d} steps, {nm:9s}  FID {ie.fid(fashion_28(s.clamp(-1, 1))):8.2f}  {secs:6.1f} s', flush=True)
