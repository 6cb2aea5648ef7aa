"""Do bf16 autocast and channels-last change the pseudo labels? (issue 24: the pseudo-label stages' CPU lever)

The synthetic world's segmentation networks train in bf16 + channels-last (seg_levers_ab.md); its pseudo-label stages
(the CAM classifier, the three AffinityNets, the boundary net) still train in fp32 unless `--quick`. This script runs
the pseudo-label stages of one fold (`wsslib.retab.run_retab`: CAM -> boundary -> PSA / affgt / RETAB walks, each
AffinityNet's background threshold searched) for each seed under both arithmetics, with everything else equal, and
reports each method's train pseudo-label mIoU (RETAB's search-bg protocol) per seed, the paired difference
bf16 - fp32 with its se, and the stages' seconds.

    python benchmarks/pseudo_bf16_ab.py --root data/synthetic --out /tmp/pseudo_ab --seeds 0 1 --json benchmarks/pseudo_bf16_ab.json
    python benchmarks/pseudo_bf16_ab.py --json benchmarks/pseudo_bf16_ab.json --md benchmarks/pseudo_bf16_ab.md   # render the table
"""
import argparse, json, platform, time
from datetime import date
from pathlib import Path

from wsslib.config import FAST_CPU
from wsslib.core import save_json, update_config
from wsslib.pipeline import PipelineConfig
from wsslib.results import paired_difference, summarize
from wsslib.retab import METHODS, run_retab

SCORES = ('miou', 'miou_base', 'miou_novel')
VARIANTS = {'fp32': dict(precision=dict(cpu_amp=False, channels_last=False)), 'bf16': dict(precision=FAST_CPU)}   # bf16 autocast + channels-last for every pseudo-label network (the default since 2026-12-07)

def configs(variant):
    retab, _, cam = PipelineConfig.for_data('synthetic')
    kw = VARIANTS[variant]
    return update_config(retab, workers=2, **kw), update_config(cam, **kw)

def run(a):
    res = dict(what=__doc__.splitlines()[0], date=str(date.today()), machine=f'{platform.machine()}, {platform.processor() or "cpu"}, 2 processes x 1 thread',
               fold=a.fold, seeds=a.seeds, runs={})
    for seed in a.seeds:
        for v in VARIANTS:
            retab, cam = configs(v); t = time.perf_counter()
            r = run_retab(a.root, a.out/v/f's{seed}', a.fold, seed, retab, cam_cfg=cam, progress=False)
            res['runs'][f'{v}/s{seed}'] = dict({k: {s: r[k].get('search_bg', r[k])[s] for s in SCORES} for k in METHODS}, wall=round(time.perf_counter() - t, 1), work_seconds=r['work_seconds'])
            print(v, seed, {k: round(100 * res['runs'][f'{v}/s{seed}'][k]['miou_novel'], 1) for k in METHODS}, res['runs'][f'{v}/s{seed}']['wall'], 's', flush=True)
            save_json(res, a.json)
    return res

def render(res)->str:
    out = ['| pseudo labels (train, fold %d) | metric | fp32 | bf16 + cl | bf16 - fp32 (paired, points) | n |' % res['fold'], '|---|---|---:|---:|---:|---:|']
    for k in METHODS:
        for s in SCORES:
            col = {v: {sd: res['runs'][f'{v}/s{sd}'][k][s] for sd in res['seeds'] if f'{v}/s{sd}' in res['runs']} for v in VARIANTS}
            m = {v: summarize(list(col[v].values())) for v in VARIANTS}; d = paired_difference(col['bf16'], col['fp32'])
            f = lambda x: '-' if x['mean'] is None else f"{100 * x['mean']:.1f}" + (f" ± {100 * x['sd']:.1f}" if x['sd'] is not None else '')
            out.append(f"| {k} | {s} | {f(m['fp32'])} | {f(m['bf16'])} | " + ('-' if d['mean'] is None else f"{100 * d['mean']:+.1f}" + (f" ± {100 * d['se']:.1f}" if d['se'] is not None else '')) + f" | {d['n']} |")
    out += ['', '| run | wall s | ' + ' | '.join(res['runs'][next(iter(res['runs']))]['work_seconds']) + ' |', '|---|---:|' + '---:|' * len(res['runs'][next(iter(res['runs']))]['work_seconds'])]
    cols = list(res['runs'][next(iter(res['runs']))]['work_seconds'])   # by name: later runs list the stages in another order
    for u, r in res['runs'].items(): out.append(f"| {u} | {r['wall']} | " + ' | '.join(str(round(r['work_seconds'].get(k, float('nan')))) for k in cols) + ' |')
    return '\n'.join(out)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--root', type=Path, default=Path('data/synthetic')); p.add_argument('--out', type=Path, default=None)
    p.add_argument('--fold', type=int, default=0); p.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    p.add_argument('--json', type=Path, required=True); p.add_argument('--md', type=Path, default=None, help='render the table between <!-- table --> markers of this page from --json, then stop')
    a = p.parse_args()
    if a.md:
        page, (s, e) = a.md.read_text(), ('<!-- table -->', '<!-- /table -->')
        a.md.write_text(page[:page.index(s) + len(s)] + '\n' + render(json.loads(a.json.read_text())) + '\n' + page[page.index(e):])
    else:
        if not a.out: p.error('--out is needed to run')
        run(a)
