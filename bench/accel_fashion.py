"""Train the Fashion-MNIST CNN with miniai's Learner and `AccelerateCB`, on one process or several.

    python bench/accel_fashion.py                                            # one process (the GPU if there is one)
    torchrun --standalone --nproc_per_node 2 bench/accel_fashion.py          # two processes (CPU: gloo backend)
    accelerate launch --multi_gpu --num_processes 4 bench/accel_fashion.py   # four GPUs (fp16 by default)

Every process runs this whole file. Accelerate gives each process its own part of every epoch and averages the
gradients; `AccelerateCB` gathers the predictions so the metrics cover all processes, and only the main process
prints and saves. With `--report DIR` each process also writes `DIR/rank{N}.json`: what it trained on, what it
logged and a hash of its weights (nbs/09_accel.ipynb launches this script and checks them).
"""
import argparse, hashlib, json, time
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn, optim

from miniai.accel import AccelerateCB
from miniai.conv import conv
from miniai.datasets import FASHION_FILES, FASHION_URL, DataLoaders, find_dataset, read_idx
from miniai.learner import Callback, Learner, MetricsCB, MulticlassAccuracy


def fashion_tensors(train: bool, n: int | None = None):
    "The first `n` images (float, 0..1, Nx1x28x28) and labels of a Fashion-MNIST split."
    d = find_dataset('fashion_mnist', FASHION_FILES, url=FASHION_URL)
    pre = 'train' if train else 't10k'
    x = torch.from_numpy(read_idx(d/f'{pre}-images-idx3-ubyte.gz')[:n].copy()).float()[:, None]/255
    y = torch.from_numpy(read_idx(d/f'{pre}-labels-idx1-ubyte.gz')[:n].astype('int64'))
    return x, y

def get_model():
    "The Learner notebook's CNN with GroupNorm: no running statistics, so every process holds the same model."
    gn = partial(nn.GroupNorm, 4)
    return nn.Sequential(conv(1, 8, ks=5, norm=gn), conv(8, 16, norm=gn), conv(16, 32, norm=gn), conv(32, 64, norm=gn),
                         conv(64, 10, act=False), nn.Flatten())

class SeenCB(Callback):
    "Count the training items this process got, and add up their pixels (before AccelerateCB gathers the batch)."
    def before_fit(self, learn): self.n, self.pixels = 0, 0.
    def before_batch(self, learn):
        if learn.training:
            self.n += len(learn.batch[0])
            self.pixels += learn.batch[0].double().sum().item()

def weights_sha256(model) -> str:
    return hashlib.sha256(b''.join(v.detach().cpu().contiguous().numpy().tobytes()
                                   for v in model.state_dict().values())).hexdigest()


def main(a):
    torch.manual_seed(a.seed)
    acc_cb = AccelerateCB(mixed_precision=a.mixed_precision)
    dls = DataLoaders.from_tensors(fashion_tensors(True, a.n_train), fashion_tensors(False, a.n_valid), batch_size=a.bs)
    metrics, seen, logged = MetricsCB(accuracy=MulticlassAccuracy()), SeenCB(), []
    def log(d):
        logged.append(d)
        print(d, flush=True)
    metrics._log = log   # AccelerateCB silences it on all but the main process
    learn = Learner(get_model(), dls, F.cross_entropy, lr=a.lr, cbs=[acc_cb, metrics, seen],
                    opt_func=partial(optim.SGD, momentum=0.9))
    t = time.perf_counter()
    learn.fit(a.epochs)
    secs = time.perf_counter() - t
    out = Path(a.out)
    acc_cb.save(learn.model, out/'model.safetensors', metadata=dict(epochs=a.epochs, processes=acc_cb.acc.num_processes))
    if acc_cb.is_main:
        print(f'{acc_cb.acc.num_processes} process(es) on {acc_cb.acc.device}, mixed precision '
              f'{acc_cb.acc.mixed_precision}: {secs:.1f}s for {a.epochs} epochs; saved {out/"model.safetensors"}')
    if a.report:
        acc = metrics.all_metrics['accuracy']
        rep = dict(rank=acc_cb.acc.process_index, world_size=acc_cb.acc.num_processes, n_seen=seen.n,
                   pixel_sum=seen.pixels, weights_sha256=weights_sha256(learn.model), logged=logged,
                   metric_count=acc.total, accuracy=float(acc.compute()),
                   loss=float(metrics.all_metrics['loss'].compute()), seconds=secs)
        Path(a.report).mkdir(parents=True, exist_ok=True)
        (Path(a.report)/f'rank{rep["rank"]}.json').write_text(json.dumps(rep))
    acc_cb.acc.end_training()   # close the process group cleanly


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--bs', type=int, default=256, help='batch size per process')
    p.add_argument('--lr', type=float, default=0.1)
    p.add_argument('--n_train', type=int, default=None, help='use the first n training images (default: all)')
    p.add_argument('--n_valid', type=int, default=None, help='use the first n test images (default: all)')
    p.add_argument('--mixed_precision', default='fp16', help="'fp16', 'bf16' or 'no' (fp16 becomes bf16/no on a CPU)")
    p.add_argument('--out', default='models', help='folder for the checkpoint')
    p.add_argument('--report', default=None, help='folder for one json report per process')
    p.add_argument('--seed', type=int, default=42)
    main(p.parse_args())
