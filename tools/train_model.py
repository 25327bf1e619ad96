#!/usr/bin/env python
"""Train one of the models that ship with miniai, at full scale, and save it where miniai finds it (`miniai/models/`).

    python tools/train_model.py fashion_classifier     # the ResNet whose features FID uses (08_augment)
    python tools/train_model.py ddpm_v2                 # the DDPM v2 UNet (12_ddpm_v2)
    python tools/train_model.py tiny_classifier         # the Tiny ImageNet ResNet of the perceptual loss (18_tinyimagenet)
    python tools/train_model.py ddpm_v3                 # DDPM v3: inputs in -0.5..0.5, betamax 0.01 (14_ddpm_v3)
    python tools/train_model.py ddpm_cos                # the continuous-time cosine model (16_cosine)
    python tools/train_model.py karras                  # the Karras-preconditioned model (17_karras)
    python tools/train_model.py ddpm_cond               # our UNet with class contexts, for guidance (21_context)
    python tools/train_model.py cifar_classifier        # the CIFAR-10 ResNet whose features the CIFAR FID uses (23_cifar)
    python tools/train_model.py karras --epochs 12 --lr 5e-3   # other settings than the course's (the metadata says so)

It runs the same training function as the model's notebook, with the course's settings, and writes the state dict as
safetensors with its provenance (settings, seed, git commit, this command, device, wall time, metrics). A run that is
stopped resumes where it stopped: the fit's state is saved after every epoch to the cache (`CheckpointCB`), so run the
same command again. `python tools/run_nb.py nbs/NOTEBOOK` at full scale retrains the same model as part of the
notebook. The list of models, and how each is loaded, is `miniai.zoo`."""
import argparse, os, sys

def main():
    from miniai.zoo import MODELS, train
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('name', choices=sorted(MODELS))
    p.add_argument('--epochs', type=int, default=None,
                   help="train for this many epochs instead of the course's (the metadata records it; its scale reads 'custom' when it differs)")
    p.add_argument('--lr', type=float, default=None,
                   help="peak learning rate of the one-cycle schedule instead of the course's (recorded in the metadata; scale 'custom' when it differs)")
    a = p.parse_args()
    if a.epochs is not None and a.epochs < 1: p.error(f'--epochs must be at least 1, not {a.epochs}')
    if a.lr is not None and not 0 < a.lr < 1: p.error(f'--lr must be between 0 and 1, not {a.lr}')
    os.environ['MINIAI_SCALE'] = 'full'
    kw = {k:v for k,v in dict(epochs=a.epochs, lr=a.lr).items() if v is not None}
    os.environ.setdefault('MINIAI_COMMAND', ' '.join(['python tools/train_model.py', a.name, *(f'--{k} {v}' for k,v in kw.items())]))
    path = train(a.name, **kw)
    print(f'saved {path}')

if __name__ == '__main__': main()
