"""Do the segmentation step's CPU speed levers change what the networks learn? (issue 24, step 2)

The levers (`SegConfig.loss_at='grid'`, `precision.cpu_amp`, `precision.channels_last`, `cache_mb`) became the synthetic
world's defaults. This script trains the same rows of a finished `wsslib demo` run again with the levers off (the
loss at label size, fp32, NCHW: the code's behaviour before them), on the very same pseudo labels (the demo's
pseudo-label stages are reused: copied, never recomputed), with the same training seeds, and reports both side by
side: per repeat (seed S + 1000 r: the same initial weights and data order under both, only the arithmetic differs),
means, sd, and the paired difference new - old with its standard error.

    python benchmarks/seg_levers_ab.py --run RUN --out AB [--methods 'CAM+RW' 'CAM+RETAB'] [--json benchmarks/seg_levers_ab.json]
    python benchmarks/seg_levers_ab.py --md benchmarks/seg_levers_ab.md [--json ...] [--demo results/demo_fold0_repeats3_s0.json]   # render the tables

RUN must be a `wsslib demo --fold 0 --repeats N` run made with the levers on (the defaults since commit a59f62a).
"""
import argparse, json, shutil, sys, time
from pathlib import Path

import numpy as np

from wsslib.core import save_json, update_config
from wsslib.pipeline import PipelineConfig, run_fold

SCORES = ('miou', 'miou_base', 'miou_novel')
OLD = dict(loss_at='label', precision=dict(cpu_amp=False, channels_last=False), cache_mb=0)   # the step before the levers
VARIANTS = {'old': OLD,                                                                             # every lever off
            'label_loss': dict(loss_at='label'),                                                    # only the loss back at label size (bf16 + channels_last kept)
            'fp32': dict(precision=dict(cpu_amp=False, channels_last=False)),                       # only the arithmetic back to fp32 NCHW (grid loss kept)
            'grid_soft': dict(loss_at='grid_soft'),                                                 # the grid's cost, each cell's class fractions as soft targets
            'epochs16': dict(epochs=16),                                                            # every lever on, half the epochs
            'crop96': dict(aug=dict(crop=96))}                                                      # 96 px training crops instead of 112 (the step 1.6x cheaper)

def stats(xs):
    xs = np.asarray(xs, float); sd = float(xs.std(ddof=1)) if len(xs) > 1 else None
    return dict(mean=float(xs.mean()), sd=sd, se=None if sd is None else sd / np.sqrt(len(xs)), n=len(xs))

def render(ab:dict, demo:dict|None)->str:
    "The tables of the markdown page, from the JSON files."
    from wsslib.results import render_table, render_pairs
    pc = lambda v: '-' if v is None else f'{100 * v:.1f}'
    out = ['| row (val, fold 0) | metric | levers on (new) | levers off (old) | new - old (paired) | verdict | train s per network new / old |', '|---|---|---:|---:|---:|---|---:|']
    for m, r in ab['rows'].items():
        for sc in SCORES:
            st = r['stats'][sc]; d = st['new_minus_old']; se = d['se'] or 0
            verdict = 'within noise' if abs(d['mean']) <= 2 * se else ('new higher' if d['mean'] > 0 else 'old higher')
            out.append(f"| {m} | {sc} | {pc(st['new']['mean'])} ± {pc(st['new']['sd'])} | {pc(st['old']['mean'])} ± {pc(st['old']['sd'])} | {100 * d['mean']:+.1f} ± {100 * se:.1f} | {verdict} | "
                       + (f"{np.mean(r['train_seconds_new']):.0f} / {np.mean(r['train_seconds_old']):.0f} |" if sc == 'miou' else ' |'))
    out += ['', 'Per repeat (novel mIoU, new / old): ' + '; '.join(f"{m}: " + ', '.join(f'seed {s_} {pc(a_)} / {pc(b_)}' for s_, a_, b_ in zip(r['seeds'], r['miou_novel_new'], r['miou_novel_old'])) for m, r in ab['rows'].items())]
    if demo:
        out += ['', f"**The demo at the new defaults** ({demo['meta']['command']}; {demo['meta']['date']}; mean ± sd over {demo['meta']['repeats']} training seeds, %):", '',
                render_table(demo), '', 'Paired differences (by repeat):', '', render_pairs(demo), '', 'The train pseudo labels the networks learn from (one per method; no training seed):', '',
                render_table(demo, table='pseudo', spread=False)]
    return '\n'.join(out)

def render_variants(files:list)->str:
    "One row per variant JSON: what it changes, the defaults' and its novel mIoU, the paired difference (defaults - variant), its verdict."
    pc = lambda v: '-' if v is None else f'{100 * v:.1f}'
    out = ['| variant (CAM+RETAB, val fold 0) | changes | defaults novel | variant novel | defaults - variant (paired) | verdict | all-class: defaults - variant | train s per network (defaults / variant) |',
           '|---|---|---:|---:|---:|---|---:|---:|']
    for f in files:
        d = json.loads(Path(f).read_text())
        for m, r in d['rows'].items():
            st, sa = r['stats']['miou_novel'], r['stats']['miou']; dn, da = st['new_minus_old'], sa['new_minus_old']; se = dn['se'] or 0
            verdict = 'within noise' if abs(dn['mean']) <= 2 * se else ('defaults higher' if dn['mean'] > 0 else 'variant higher')
            out.append(f"| {d.get('variant', 'old')} | `{json.dumps(d['old_settings'])}` | {pc(st['new']['mean'])} ± {pc(st['new']['sd'])} | {pc(st['old']['mean'])} ± {pc(st['old']['sd'])} | "
                       f"{100 * dn['mean']:+.1f} ± {100 * se:.1f} | {verdict} | {100 * da['mean']:+.1f} ± {100 * (da['se'] or 0):.1f} | {np.mean(r['train_seconds_new']):.0f} / {np.mean(r['train_seconds_old']):.0f} |")
    return '\n'.join(out)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--run', type=Path, help='a finished wsslib demo run (fold 0) with the levers on')
    p.add_argument('--out', type=Path, help='run folder of the levers-off networks')
    p.add_argument('--md', type=Path, default=None, help='render the tables between the markers of this page from --json (and --demo), then stop')
    p.add_argument('--demo', type=Path, default=Path('results/demo_fold0_repeats3_s0.json'))
    p.add_argument('--methods', nargs='+', default=['CAM+RW', 'CAM+RETAB'])
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--json', type=Path, default=None, help='write the comparison here')
    p.add_argument('--variants', nargs='+', type=Path, default=None, help='with --md: render these variant JSON files between the <!-- variants --> markers instead')
    p.add_argument('--variant', default='old', choices=tuple(VARIANTS), help="what the 'old' side changes: every lever off (old), one lever off, or fewer epochs")
    a = p.parse_args(argv)
    if a.md and a.variants:
        page = a.md.read_text(); start, end = '<!-- variants -->', '<!-- /variants -->'
        a.md.write_text(page[:page.index(start) + len(start)] + '\n' + render_variants(a.variants) + '\n' + page[page.index(end):]); return
    if a.md:
        page = a.md.read_text(); start, end = '<!-- tables -->', '<!-- /tables -->'
        body = render(json.loads(a.json.read_text()), json.loads(a.demo.read_text()) if a.demo and a.demo.exists() else None)
        a.md.write_text(page[:page.index(start) + len(start)] + '\n' + body + '\n' + page[page.index(end):]); return
    if not (a.run and a.out): p.error('--run and --out are needed to train (or --md to render)')
    cfg = json.loads((a.run/'config.json').read_text()); det = json.loads((a.run/'details.json').read_text())
    fold, seed = 0, cfg['seed']; new = det['per_fold'][str(fold)]
    root = Path(cfg['root'])
    missing = [m for m in a.methods if m not in new]
    if missing: sys.exit(f"error: {a.run} has no networks of {missing} (its methods: {[m for m in new if isinstance(new[m], dict) and 'runs' in new[m]]}); run `wsslib demo --methods ...` with them first")
    repeats = len(new[a.methods[0]]['runs'])
    for d in ('shared/cam', 'shared/psa', 'shared/gt_void_filled', f'fold{fold}/retab'):   # the pseudo labels, as they are
        if (a.run/d).exists() and not (a.out/d).exists(): shutil.copytree(a.run/d, a.out/d, symlinks=True)
    seg = update_config(PipelineConfig.for_data('synthetic')[1], **VARIANTS[a.variant])
    t0 = time.time()
    old = run_fold(root, a.out, fold, seed, PipelineConfig(methods=tuple(a.methods), repeats=repeats, workers=a.workers), seg_cfg=seg, progress=False)
    secs = round(time.time() - t0, 1)
    rows = {}
    for m in a.methods:
        n_runs, o_runs = new[m]['runs'], old[m]['runs']
        assert [r['seed'] for r in n_runs] == [r['seed'] for r in o_runs]
        rows[m] = {'seeds': [r['seed'] for r in n_runs],
                   **{f'{s}_{k}': [r[s] for r in runs] for s in SCORES for k, runs in (('new', n_runs), ('old', o_runs))},
                   'train_seconds_new': [r['train_seconds'] for r in n_runs], 'train_seconds_old': [r['train_seconds'] for r in o_runs],
                   'stats': {s: {'new': stats([r[s] for r in n_runs]), 'old': stats([r[s] for r in o_runs]),
                                 'new_minus_old': stats([x[s] - y[s] for x, y in zip(n_runs, o_runs)])} for s in SCORES}}
    res = dict(what=__doc__.splitlines()[0], run=str(a.run), fold=fold, seed=seed, repeats=repeats, variant=a.variant, old_settings=VARIANTS[a.variant], wall_seconds_old=secs, rows=rows)
    for m, r in rows.items():
        st = r['stats']['miou_novel']; d = st['new_minus_old']
        print(f"{m:24s} novel: new {100 * st['new']['mean']:.1f} (sd {100 * (st['new']['sd'] or 0):.1f})  old {100 * st['old']['mean']:.1f} (sd {100 * (st['old']['sd'] or 0):.1f})"
              f"  new-old {100 * d['mean']:+.1f} +- {100 * (d['se'] or 0):.1f}  train s new/old {np.mean(r['train_seconds_new']):.0f}/{np.mean(r['train_seconds_old']):.0f}")
    if a.json: save_json(res, a.json)
    return res

if __name__ == '__main__': main()
