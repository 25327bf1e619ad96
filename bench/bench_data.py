"""Benchmark: one epoch over the 60,000 Fashion-MNIST training images as batches of 256.

Compares the fast path (tensors built once, `DataLoaders.from_tensors`: one indexing operation per batch) with
`TensorDataset` + the default collate (one item at a time) and with a per-item PIL transform on the Hugging Face dataset.
Target: the fast path under 1 s on a 2-core CPU.   Run: MINIAI_DATA=../shared/data python bench/bench_data.py
"""
import time
import torch, torchvision.transforms.functional as TF
from torch.utils.data import DataLoader, TensorDataset
from miniai.datasets import load_fashion_mnist, tensors_from, DataLoaders, inplace, collate_dict

def epoch_time(dl, reps=3):
    "Best of `reps` full passes over `dl`, in seconds."
    best = float('inf')
    for _ in range(reps):
        start = time.perf_counter()
        n = sum(len(b[0]) for b in dl)
        best = min(best, time.perf_counter()-start)
    assert n == len(dl.dataset), (n, len(dl.dataset))
    return best

@inplace
def to_tensor(b): b['image'] = [TF.to_tensor(o) for o in b['image']]

if __name__ == '__main__':
    dsd = load_fashion_mnist()
    start = time.perf_counter()
    x,y = tensors_from(dsd['train'])
    t_build = time.perf_counter()-start
    t_fast = epoch_time(DataLoaders.from_tensors((x,y), (x[:10],y[:10]), batch_size=256).train)
    t_items = epoch_time(DataLoader(TensorDataset(x,y), batch_size=256, shuffle=True))
    ds = dsd['train'].with_transform(to_tensor)
    t_pil = epoch_time(DataLoader(ds, batch_size=256, shuffle=True, collate_fn=collate_dict(ds)), reps=1)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print(f'building the tensors once (decode 60,000 PNGs): {t_build:.2f} s')
    print('| loader | s/epoch | vs fast path |\n|---|---|---|')
    for name,t in [('from_tensors (TensorDS, batched indexing)', t_fast), ('TensorDataset + default collate', t_items),
                   ('per-item PIL transform (with_transform)', t_pil)]:
        print(f'| {name} | {t:.3f} | {t/t_fast:.0f}x |')
    print('target (< 1 s):', 'met' if t_fast < 1 else 'MISSED')
