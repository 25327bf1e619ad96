"""DDIM with η=0 on the shipped DDPM v2: what clipping x̂0 does as the step count grows.

    MINIAI_DATA=/path/to/data python bench/ddim_clip.py [--n 128] [--steps 333 100 50]

The lesson's DDIM step (and diffusers' `DDIMScheduler` with `clip_sample=True`) clips x̂0 to -1..1 but keeps the
model's unclipped ε in the direction term, so each step's x_{t-1} is built from two estimates that disagree. Three
variants from the same start noise, scored with the shipped classifier's FID against the 10,000 test images:
`rederive` (`ddim_step`'s default: ε re-derived from the clipped x̂0, GLIDE's choice, diffusers'
`use_clipped_model_output=True`), `lesson` (`rederive=False`: the clipped x̂0 with the model's ε) and `noclamp`
(`clamp=False`). Prints one line per run, and the FID of as many real training images.
"""
import argparse, time, warnings
from functools import partial
import torch
from miniai import zoo
from miniai.diffusion import linear_sched, fashion_diffusion_data
from miniai.fid import fashion_image_eval, fashion_28
from miniai.sampling import ddim_sample, ddim_step

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
            for nm,f,clamp in (('rederive', ddim_step, True), ('lesson', partial(ddim_step, rederive=False), True), ('noclamp', ddim_step, False)):
                torch.manual_seed(42)
                t0 = time.perf_counter()
                s = ddim_sample(f, model, (a.n, 1, 32, 32), steps, sched.ᾱ, eta=0., clamp=clamp)
                secs = time.perf_counter()-t0
                print(f'DDIM {steps:4d} steps, {nm:9s}  FID {ie.fid(fashion_28(s.clamp(-1, 1))):8.2f}  {secs:6.1f} s', flush=True)
