"""Benchmark: the Learner's overhead per batch against a hand-written PyTorch loop, same model, data and optimizer.

Both train the Fashion-MNIST CNN of notebook 02 for one epoch (235 batches of 256) from tensors on the CPU.
Target: Learner overhead at most 3% per batch (the [main-job] issue).   Run: MINIAI_DATA=../shared/data python bench/bench_learner.py
"""
import statistics, time, timeit
import torch, torch.nn.functional as F
from torch import nn
from miniai.datasets import load_fashion_mnist, tensors_from, DataLoaders
from miniai.conv import conv
from miniai.learner import Callback, Learner, TrainCB, DeviceCB, MetricsCB, MulticlassAccuracy, run_cbs

def get_model():
    torch.manual_seed(0)
    return nn.Sequential(conv(1, 8, ks=5), conv(8, 16), conv(16, 32), conv(32, 64), conv(64, 10, act=False), nn.Flatten())

def hand_loop(dl):
    model = get_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    start = time.perf_counter()
    for xb,yb in dl:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return time.perf_counter()-start

def learner_loop(dls, cbs):
    learn = Learner(get_model(), dls, F.cross_entropy, lr=0.1, cbs=cbs)
    start = time.perf_counter()
    learn.fit(1, valid=False)
    return time.perf_counter()-start

class LessonLearner(Learner):
    "The lesson's dispatch: at every event the callbacks are sorted again and each is asked for the event's method."
    def callback(self, method_nm:str): run_cbs(self.cbs, method_nm, self)

class _Nothing(Callback):
    def before_fit(self, learn): pass

def dispatch_us(cls=Learner, n_cbs:int=4) -> float:
    "Microseconds a training batch spends in the learner itself: `n_cbs` callbacks whose steps do nothing, best of 15."
    learn = cls(nn.Linear(1, 1), (0,), cbs=[TrainCB(), DeviceCB('cpu'), *[_Nothing() for _ in range(n_cbs-2)]])
    for cb in learn.cbs:
        for e in ('predict', 'get_loss', 'backward', 'step', 'zero_grad', 'before_batch'):
            if hasattr(cb, e): setattr(cb, e, lambda learn: None)
    learn.cbs.append(_Nothing())   # a change of the list, as `fit` makes: the first batch below rebuilds the lookup
    return 1e6*min(timeit.repeat(learn._one_batch, number=2000, repeat=15))/2000

if __name__ == '__main__':
    print(f'dispatch per batch (12 events, 5 callbacks): Learner {dispatch_us():.1f} us, the lesson\'s {dispatch_us(LessonLearner):.1f} us')
    dsd = load_fashion_mnist()
    x,y = tensors_from(dsd['train'])
    dls = DataLoaders.from_tensors((x,y), (x[:512],y[:512]), batch_size=256)
    n = len(dls.train)
    runs = {'hand-written loop': [], 'Learner + TrainCB': [], 'Learner + TrainCB, DeviceCB, MetricsCB': []}
    hand_loop(dls.train)   # warm-up
    for _ in range(5):     # interleaved, so drifts in machine load hit every variant alike
        runs['hand-written loop'].append(hand_loop(dls.train))
        runs['Learner + TrainCB'].append(learner_loop(dls, [TrainCB()]))
        runs['Learner + TrainCB, DeviceCB, MetricsCB'].append(
            learner_loop(dls, [TrainCB(), DeviceCB('cpu'), MetricsCB(accuracy=MulticlassAccuracy())]))
    base = statistics.median(runs['hand-written loop'])
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {n} batches per epoch, median of 5')
    print('| loop | ms/batch | overhead |\n|---|---|---|')
    for k,v in runs.items():
        t = statistics.median(v)
        print(f'| {k} | {1000*t/n:.2f} | {100*(t-base)/base:+.1f}% |')
