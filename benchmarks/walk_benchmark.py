"""Dense (PSA) vs sparse random walk of wsslib.affinity: time, peak memory and agreement.

Grids of 56x56 (stride 8 of a 448 crop, PSA) and 112x112 (stride 4, IRN), batch 1 and 8, 21 classes, beta 8, logt 8
(t = 256), radius 5 (34 offsets), on the CPU (and CUDA when visible). Every measurement runs in a fresh process.
The dense walk needs about (2B + 1) N^2 float32 numbers; a case over the memory budget is reported as skipped.

Usage: .venv/bin/python benchmarks/walk_benchmark.py [--threads 1] [--dense-max-gib 4] [--out benchmarks/walk_benchmark.md]
"""
import argparse, datetime, json, os, platform, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp

import numpy as np
import torch

C, BETA, LOGT, RADIUS = 21, 8., 8, 5

def _inputs(h, w, batch, seed=0):
    "Affinities of a smooth random 16-channel embedding (regions with soft edges) and 21 random non-negative score maps."
    import torch.nn.functional as F
    from wsslib.affinity import pair_affinity
    g = torch.Generator().manual_seed(seed)
    f = F.interpolate(torch.randn(batch, 16, h // 8, w // 8, generator=g) * 3, size=(h, w), mode='bilinear', align_corners=False)
    return pair_affinity(f, RADIUS), torch.rand(batch, C, h, w, generator=g)

def _status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key): return int(line.split()[1]) * 1024
    return 0

def _measure(job):
    "One walk in this (fresh) process: seconds, peak memory above the inputs, the output."
    method, h, batch, device, threads, channels, repeats = job
    torch.set_num_threads(threads)
    from wsslib.affinity import walk_dense, walk_sparse
    aff, v = _inputs(h, h, batch)
    if channels < C: v[:, channels:] = 0                      # a typical image: background + a few present classes
    aff, v = aff.to(device), v.to(device)
    walk = walk_dense if method == 'dense' else walk_sparse
    if method == 'sparse': walk(aff[:1], v[:1, :1], BETA, 1, RADIUS)   # warm-up: builds and caches the sparse structure
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    if device == 'cuda': sync(); torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    else:
        try: open('/proc/self/clear_refs', 'w').write('5')     # reset the peak resident set size (Linux)
        except OSError: pass
        base = _status('VmRSS')
    secs, out = [], None
    for i in range(repeats):
        out = None                                              # free the previous result before the next run
        t0 = time.perf_counter(); out = walk(aff, v, BETA, LOGT, RADIUS); sync(); secs.append(time.perf_counter() - t0)
        if i == 0: peak = (torch.cuda.max_memory_allocated() if device == 'cuda' else _status('VmHWM')) - base
    return dict(seconds=min(secs), all_seconds=secs, peak=max(peak, 0), out=out.cpu().numpy())

def run(job, exact_rss=False):
    "Measure `job` in a fresh process. exact_rss: glibc serves every allocation of 64 KiB or more with its own mmap,"
    "returned at free, so the resident set size follows the live tensors (by default freed memory stays in the heap and"
    "a later allocation reuses it unseen); it slows small allocations down, so such a run is used for its memory only."
    env = os.environ.pop('MALLOC_MMAP_THRESHOLD_', None)
    if exact_rss: os.environ['MALLOC_MMAP_THRESHOLD_'] = str(64 * 1024)
    try:
        with ProcessPoolExecutor(1, mp_context=mp.get_context('spawn')) as ex: return ex.submit(_measure, job).result()
    finally:
        os.environ.pop('MALLOC_MMAP_THRESHOLD_', None)
        if env is not None: os.environ['MALLOC_MMAP_THRESHOLD_'] = env

def _gib(b): return b / 2**30
def _fmt_mem(b): return f'{_gib(b):.2f} GiB' if b >= 2**30 else f'{b / 2**20:.0f} MiB'
def _fmt_x(x): return f'{x:.0f}x' if x >= 10 else f'{x:.1f}x'
def _fmt_s(s): return f'{s:.3f} s' if s < 10 else f'{s:.1f} s'

def _machine():
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor() or '?')
    mem = _status_file('/proc/meminfo', 'MemTotal')
    return cpu, os.cpu_count(), mem

def _status_file(path, key):
    for line in open(path):
        if line.startswith(key): return int(line.split()[1]) * 1024
    return 0

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads of every measurement')
    ap.add_argument('--dense-max-gib', type=float, default=4., help='skip a dense case whose matrices need more than this')
    ap.add_argument('--repeats', type=int, default=3, help='runs per case, the fastest is reported (dense cases over 1 GiB run once)')
    ap.add_argument('--sizes', type=int, nargs='+', default=[56, 112], help='grid sides')
    ap.add_argument('--batches', type=int, nargs='+', default=[1, 8], help='batch sizes')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'walk_benchmark.md'), help='Markdown file to write')
    a = ap.parse_args(argv)
    devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    rows = []
    for device in devices:
        for h in a.sizes:
            for b in a.batches:
                N = h * h; need = (2 * b + 1) * N * N * 4
                sp = run(('sparse', h, b, device, a.threads, C, a.repeats))
                sp_mem = run(('sparse', h, b, device, a.threads, C, 1), exact_rss=device == 'cpu')['peak']
                sp3 = run(('sparse', h, b, device, a.threads, 3, a.repeats))
                row = dict(device=device, grid=f'{h}x{h}', N=N, batch=b, sparse=sp['seconds'], sparse_mem=sp_mem, sparse3=sp3['seconds'])
                budget = a.dense_max_gib * 2**30 if device == 'cpu' else torch.cuda.get_device_properties(0).total_memory * 0.8
                if need > budget: row['dense'] = f'skipped (needs {_gib(need):.1f} GiB > {_gib(budget):.0f} GiB budget)'
                else:
                    de = run(('dense', h, b, device, a.threads, C, a.repeats if need < 2**30 else 1))
                    row.update(dense=de['seconds'], dense_mem=de['peak'], speedup=de['seconds'] / sp['seconds'],
                               rel_err=float(np.abs(sp['out'] - de['out']).max() / np.abs(de['out']).max()))
                rows.append(row); print(json.dumps({k: v for k, v in row.items()}), flush=True)
    cpu, cores, mem = _machine()
    lines = ['# Random walk: dense (PSA) vs sparse (wsslib.affinity)', '',
             f'Recorded {datetime.date.today().isoformat()} by `benchmarks/walk_benchmark.py` on {cpu}, {cores} cores, {_gib(mem):.0f} GiB RAM '
             f'(shared with other jobs; load average {", ".join(f"{x:.1f}" for x in os.getloadavg())} at the end), {platform.python_implementation()} {platform.python_version()}, '
             f'torch {torch.__version__}, **{a.threads} torch thread(s)**.', '',
             f'Walk: {C} channels, beta {BETA:g}, logt {LOGT} (t = {2**LOGT}), radius {RADIUS} (34 offsets, 69 non-zeros per column of T); '
             'affinities from a smooth random embedding, random scores. Dense = PSA: N x N matrix, power, column normalisation, '
             f'{LOGT} squarings, V T. Sparse = `walk_sparse`: CSR transition applied {2**LOGT} times. Every case runs in a fresh process, '
             f'{a.repeats} times (the fastest is reported; dense cases needing over 1 GiB once), the sparse one after a warm-up call that '
             'builds its cached index structure. Peak memory is that of the first run.', '',
             'Peak memory: CPU = peak resident set size (VmHWM, reset via /proc/self/clear_refs) minus the resident size just before '
             'the walk, i.e. what the walk adds on top of its inputs (the dense matrices are mapped by glibc as they are allocated; the '
             'sparse walk is measured in a separate run with MALLOC_MMAP_THRESHOLD_=65536 so that its smaller allocations are mapped too '
             'rather than served unseen from freed heap memory; that run is not timed, the setting slows small allocations down); CUDA = torch.cuda.max_memory_allocated minus the allocation before. '
             'Max rel. error = max |sparse - dense| / max |dense| over the whole output.', '',
             '| device | grid (N) | batch | dense | sparse | speed-up | dense peak mem | sparse peak mem | max rel. error | sparse, 3 of 21 channels non-zero |',
             '|---|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        dense = r['dense'] if isinstance(r['dense'], str) else _fmt_s(r['dense'])
        lines.append(f"| {r['device']} | {r['grid']} ({r['N']:,}) | {r['batch']} | {dense} | {_fmt_s(r['sparse'])} | "
                     f"{_fmt_x(r['speedup']) if 'speedup' in r else '-'} | {_fmt_mem(r['dense_mem']) if 'dense_mem' in r else '-'} | "
                     f"{_fmt_mem(r['sparse_mem'])} | {('%.1e' % r['rel_err']) if 'rel_err' in r else '-'} | {_fmt_s(r['sparse3'])} |")
    lines += ['', 'The last column is the sparse walk when only 3 of the 21 channels are non-zero (background + 2 classes, a typical VOC image): '
              'zero channels stay zero and are skipped. The dense walk costs the same either way.']
    txt = '\n'.join(lines) + '\n'
    print(txt)
    with open(a.out, 'w') as f: f.write(txt)

if __name__ == '__main__': main()
