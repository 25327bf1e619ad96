"""Benchmark: miniai's exact FID against the usual recipe (scipy.linalg.sqrtm of the product, as pytorch-fid does).

Features: 2048 x 512 from two correlated Gaussians with a decaying spectrum (like a classifier's pooled features: a few
strong directions, a long tail of weak ones), the second a rotated, shifted copy of the first. Both sides get the same
float64 means and covariances; only the trace of the matrix square root differs:
  - scipy: sqrtm(Σ1·Σ2) by a Schur decomposition of the non-symmetric product, keep the real part (pytorch-fid);
  - miniai `_calc_fid`: Σ1 = L·Lᵀ (Cholesky), then Tr((Σ1Σ2)^½) = Σ √λ(Lᵀ·Σ2·L), a symmetric PSD eigenvalue problem.
Target: at least 5x faster, same value (relative difference below 1e-6).
Run: python bench/bench_fid.py        (OMP_NUM_THREADS as you like; the timings are medians of interleaved repeats)
"""
import os, statistics, time
import numpy as np, scipy.linalg, torch
from miniai.fid import _calc_stats, _calc_fid

def features(n=2048, d=512, seed=0):
    "Two sets of `n` correlated Gaussian features of width `d` whose distributions differ a little."
    g = torch.Generator().manual_seed(seed)
    sv = torch.logspace(0, -3, d, dtype=torch.float64)          # variances from 1 down to 1e-3
    q1,_ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
    q2,_ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
    a,b = q1*sv.sqrt(),(0.9*q1 + 0.1*q2)*sv.sqrt()
    x = torch.randn(n, d, generator=g, dtype=torch.float64)@a.T + 0.5
    y = torch.randn(n, d, generator=g, dtype=torch.float64)@b.T + 0.45
    return x.float(),y.float()                                  # features arrive as float32 from a model

def fid_scipy(m1, c1, m2, c2):
    "pytorch-fid's calculate_frechet_distance: sqrtm of the product, offset if singular, real part."
    m1,c1,m2,c2 = (o.numpy() for o in (m1,c1,m2,c2))
    covmean = scipy.linalg.sqrtm(c1.dot(c2))
    if isinstance(covmean, tuple): covmean = covmean[0]     # older scipy returned (sqrtm, errest) with disp=False
    if not np.isfinite(covmean).all():
        offset = np.eye(c1.shape[0])*1e-6
        covmean = scipy.linalg.sqrtm((c1+offset).dot(c2+offset))
    covmean = covmean.real
    diff = m1-m2
    return float(diff.dot(diff) + np.trace(c1) + np.trace(c2) - 2*np.trace(covmean))

def timed(f, *args):
    t = time.perf_counter()
    res = f(*args)
    return res, time.perf_counter()-t

if __name__ == '__main__':
    x,y = features()
    s1,s2 = _calc_stats(x),_calc_stats(y)
    fid_scipy(*s1, *s2); _calc_fid(*s1, *s2)                    # warm-up
    ours,ref = [],[]
    for _ in range(7):                                          # interleaved: load changes on a shared machine hit both
        v1,t1 = timed(_calc_fid, *s1, *s2); ours.append(t1)
        v2,t2 = timed(fid_scipy, *s1, *s2); ref.append(t2)
    to,tr = statistics.median(ours),statistics.median(ref)
    rel = abs(v1-v2)/abs(v2)
    print(f'torch {torch.__version__}, scipy {scipy.__version__}, {torch.get_num_threads()} torch threads '
          f'(OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}), features {tuple(x.shape)} and {tuple(y.shape)}')
    print('| method | FID | median ms (7 runs) | min ms |\n|---|---|---|---|')
    print(f'| scipy.linalg.sqrtm(Σ1·Σ2) (pytorch-fid) | {v2:.10f} | {1000*tr:.1f} | {1000*min(ref):.1f} |')
    print(f'| miniai _calc_fid (Cholesky + eigvalsh, float64) | {v1:.10f} | {1000*to:.1f} | {1000*min(ours):.1f} |')
    print(f'speed-up {tr/to:.1f}x (median), relative difference {rel:.1e}')
    print('PASS' if tr/to >= 5 and rel < 1e-6 else 'FAIL', '(target: >=5x faster, relative difference < 1e-6)')
