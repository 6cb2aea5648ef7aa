"""Markdown tables of `wsslib demo` runs: per fold and mean over folds, per seed, with the done-when orderings checked.

usage: python benchmarks/pipeline_table.py RUN_SEED0 [RUN_SEED1 ...] [--json OUT]   (each RUN holds foldK/details.json of one
seed; --json writes every network's scores to OUT)

A row trained with `--repeats N` shows the mean of its N networks, with +- their sd on the novel score, and the paired
differences of adjacent rows network by network (same fold and training seed); the methods are
those every fold has (a `--methods` subset is fine).
"""
import json, sys
import numpy as np
from pathlib import Path
from wsslib.pipeline import METHODS, SCORES, mean_over_folds

ORDER = ('CAM+RETAB', 'CAM+RW(affgt+seggt)', 'CAM+RW(seggt)', 'CAM+RW')   # expected novel-mIoU ranking, best first
SHORT = {'CAM+RW': 'RW', 'CAM+RW(seggt)': 'seggt', 'CAM+RW(affgt+seggt)': 'affgt+seggt', 'CAM+RETAB': 'RETAB',
         'CAM+RETAB+dual-branch': 'RETAB+dual', 'Fully Oracle': 'Oracle'}

def orderings(r:dict)->str:
    "Which done-when orderings of novel mIoU hold in one result (a fold's or a mean)."
    nov = {m: r[m]['miou_novel'] for m in METHODS if m in r}
    chain = [f"{SHORT[a]} > {SHORT[b]}: {'yes' if nov[a] > nov[b] else 'NO'}" for a, b in zip(ORDER, ORDER[1:]) if a in nov and b in nov]
    if 'Fully Oracle' not in nov: return '; '.join(chain + ['oracle: not in this run'])   # rows a run did not train are left out
    beaten = [SHORT[m] for m in nov if m != 'Fully Oracle' and nov[m] >= nov['Fully Oracle']]
    return '; '.join(chain + ['oracle above all: ' + ('yes' if not beaten else f"NO ({', '.join(beaten)} >=)")])

def load_folds(run:Path)->dict:
    "fold -> details.json of one `wsslib demo` run folder."
    return {int(p.parent.name[4:]): json.loads(p.read_text()) for p in sorted(run.glob('fold*/details.json'))}

def paired(folds:dict, a:str, b:str)->str:
    "Row a minus row b, network by network: mean +- standard error over the pairs, and how many pairs are positive."
    d = [100 * (x['miou_novel'] - y['miou_novel']) for v in folds.values() if a in v and b in v
         for x, y in zip(v[a].get('runs', [v[a]]), v[b].get('runs', [v[b]]))]
    if not d: return f'{SHORT[a]} - {SHORT[b]}: no pairs'
    se = np.std(d, ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float('nan')
    return f'{SHORT[a]} - {SHORT[b]}: {np.mean(d):+.1f} ± {se:.1f} (se), positive in {sum(x > 0 for x in d)} of {len(d)}'

def table(run:Path)->str:
    folds = load_folds(run)
    methods = [m for m in METHODS if all(m in v for v in folds.values())]
    seed = next(iter(folds.values()))['seed'] if folds else '?'
    rows = [f'### Seed {seed} ({run})', '', '| method | ' + ' | '.join(f'fold {k}' for k in folds) + ' | **mean** |',
            '|---|' + '---|' * (len(folds) + 1)]
    mean = mean_over_folds({k: {m: v[m] for m in methods} for k, v in folds.items()}) if folds else {}
    def sd(r):  # +- sd of the novel score over the row's networks (trained with --repeats)
        runs = [x['miou_novel'] for x in r.get('runs', [])]
        return f' ± {100 * np.std(runs, ddof=1):.1f}' if len(runs) > 1 else ''
    for m in methods:
        cells = [f"{100 * folds[k][m]['miou']:.1f} / {100 * folds[k][m]['miou_base']:.1f} / **{100 * folds[k][m]['miou_novel']:.1f}**{sd(folds[k][m])}" for k in folds]
        cells.append(f"{100 * mean[m]['miou']:.1f} / {100 * mean[m]['miou_base']:.1f} / **{100 * mean[m]['miou_novel']:.1f}**")
        rows.append(f'| {m} | ' + ' | '.join(cells) + ' |')
    pl = lambda v, m: f"{100 * v[m]['pseudo']['miou_novel']:.1f}" if 'pseudo' in v.get(m, {}) else '-'
    rows += ['', 'Pseudo labels on train, novel mIoU at the search-bg threshold (what the rows are trained on; seggt shares RW\'s):', '']
    rows += [f'- fold {k}: CAM+RW {pl(v, "CAM+RW")}, CAM+RW(affgt+seggt) {pl(v, "CAM+RW(affgt+seggt)")}, CAM+RETAB {pl(v, "CAM+RETAB")}' for k, v in folds.items()]
    nrep = sorted({len(v[m].get('runs', [1])) for v in folds.values() for m in methods})
    rows += ['', f"Networks per row and fold: {', '.join(map(str, nrep))} (training seeds S, S+1000, ...)."]
    rows += ['', 'Orderings of novel mIoU:', ''] + [f'- fold {k}: {orderings(v)}' for k, v in folds.items()]
    rows += [f'- mean over folds {sorted(folds)}: {orderings(mean)}']
    for r in range(min(nrep)) if min(nrep) > 1 else ():   # the draws one by one: repeat r of every row (training seed S + 1000 r)
        draw = {k: {m: {x: folds[k][m]['runs'][r][x] for x in SCORES} for m in methods} for k in folds}
        rows.append(f"- mean over folds, training seed S{f'+{1000 * r}' if r else ''} only: {orderings(mean_over_folds(draw))}")
    rows += ['', 'Paired differences of novel mIoU (points; one pair per fold and training seed: the two networks of a pair were trained with the same seed):', '']
    rows += [f'- {paired(folds, a, b)}' for a, b in zip(ORDER, ORDER[1:])]
    rows += [f'- {paired(folds, "Fully Oracle", m)}' for m in ORDER[:2] if m in methods]
    rows += ['',
             f'Training seconds of the {len(methods)} first networks a fold uses (from the runs that trained them, the shared CAM+RW and oracle networks counted in every fold; other jobs ran beside them): '
             + ', '.join(f"fold {k} {sum(v[m].get('train_seconds', float('nan')) for m in methods):.0f}" for k, v in folds.items())]
    return '\n'.join(rows)

def network_scores(runs:list)->dict:
    "Every network's val scores, keyed seedS_foldK -> method -> one record per training seed (what the tables average)."
    keep = ('miou', 'miou_base', 'miou_novel', 'seed', 'train_seconds')
    return {f"seed{v['seed']}_fold{k}": {m: [{x: round(r[x], 4) for x in keep if x in r} for r in v[m].get('runs', [v[m]])]
                                         for m in METHODS if m in v}
            for run in runs for k, v in load_folds(Path(run)).items()}

if __name__ == '__main__':
    args = sys.argv[1:]
    if '--json' in args:   # --json OUT: also write every network's scores
        i = args.index('--json'); out = Path(args[i + 1]); args = args[:i] + args[i + 2:]
        out.write_text(json.dumps(network_scores(args), indent=1))
    print('Val mIoU (%): all / base / **novel**.\n')
    print('\n\n'.join(table(Path(a)) for a in args))
    if len(args) > 1:   # every world's pairs together
        folds = {(i, k): v for i, a in enumerate(args) for k, v in load_folds(Path(a)).items()}
        print('\n### Paired differences of novel mIoU, all the runs above together\n')
        print('\n'.join(f'- {paired(folds, a, b)}' for a, b in list(zip(ORDER, ORDER[1:])) + [('Fully Oracle', m) for m in ORDER[:2]]))
