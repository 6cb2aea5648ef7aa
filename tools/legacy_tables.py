"""Turn the measured tables that were typed into notebook markdown before the results schema existed into results
files (results/*.json), parsed from the notebooks as they stood at commit fa6cc65 (so nothing is retyped by hand).
The notebooks now render those tables from the files. Run once; the outputs are committed.

    python tools/legacy_tables.py
"""
import json, re, subprocess
from pathlib import Path
from wsslib.results import Results, validate_results
from wsslib.core import save_json

TOP = Path(__file__).resolve().parent.parent
COMMIT = 'fa6cc65'
OUT = TOP/'results'

def cell_text(nb, start):
    "The markdown cell of notebook `nb` (at COMMIT) that starts with `start`."
    d = json.loads(subprocess.run(['git', 'show', f'{COMMIT}:nbs/{nb}.ipynb'], cwd=TOP, capture_output=True, text=True, check=True).stdout)
    return next(''.join(c['source']) for c in d['cells'] if ''.join(c['source']).startswith(start))

def tables(text):
    "Every Markdown table of `text`: a list of rows, each a list of cell strings (the header first, the rule dropped)."
    out, cur = [], []
    for l in text.splitlines() + ['']:
        l = l.strip()
        if l.startswith('|'): cur.append([c.strip() for c in l.strip('|').split('|')])
        elif cur: out.append([r for r in cur if not set(''.join(r)) <= set('-: ')]); cur = []
    return out

def nums(cell):
    "The numbers of a cell, in order (thousands separators dropped)."
    return [float(x) for x in re.findall(r'-?\d+(?:\.\d+)?', cell.replace(',', ''))]

def save(R, name):
    res = validate_results(R.to_dict()); save_json(res, OUT/name); print('wrote', OUT/name)
    return res

TABLES = ['fewshot', 'retab']   # every converter, in order (python tools/legacy_tables.py NAME runs one)
SOURCE = lambda nb, what: f'nbs/{nb}.ipynb at commit {COMMIT}, {what} (typed there from the run; the run folders are gone)'

# ---- few-shot (nbs/17_fewshot) ----
FS_NAMES = {'baseline': 'baseline', 'SGM': 'sgm', 'baseline + CGM': 'baseline-cgm', 'SGM + Avg.': 'sgm-average', 'SGM + CGM': 'sgm-cgm'}
FS_PAIRS = {1: (('sgm', 'baseline'),), 5: (('sgm-cgm', 'sgm-average'), ('sgm-cgm', 'baseline-cgm'), ('sgm-average', 'baseline'), ('baseline-cgm', 'baseline'))}
FS_PROTOCOL = "{k}-shot test episodes on the fold's novel classes: mean IoU over the classes (miou) and FB-IoU"

def fewshot():
    nb = '17_fewshot'; t = tables(cell_text(nb, '## Measured on the synthetic world'))
    for k, tab in ((1, t[0]), (5, t[1])):   # the default world, seed 0, one training run per fold
        R = Results('fewshot', seed=0, shots=k, date='2026-11-21', protocol=FS_PROTOCOL.format(k=k), world='the default world of seed 0 (1,000 train / 300 val, 128 px)',
                    command=f'wsslib fewshot --fold F --shots {k} --seed 0 (5-shot on the 1-shot run\'s networks)', source=SOURCE(nb, f'the {k}-shot table'))
        for r in tab[1:]:
            for f in range(4): v = nums(r[1 + f]); R.add(FS_NAMES[r[0]], {'miou': v[0] / 100, 'fbiou': v[1] / 100}, f)
        for a, b in FS_PAIRS[k]: R.pair(a, b)
        save(R, f'fewshot_{k}shot_s0.json')
    d = json.loads((TOP/'benchmarks'/'fewshot_r2.json').read_text())   # the two-look world: every run's numbers are in the benchmark's JSON
    for k in (1, 5):
        R = Results('fewshot', seed=0, shots=k, date='2026-11-21', protocol=FS_PROTOCOL.format(k=k), world=d['world'], command=d['command'],
                    source='benchmarks/fewshot_r2.json', repeats_are='training seeds 0, 1, 2 (--seed S; the seed also draws the test episodes)')
        for s in range(3):
            for f in range(4):
                run = d['runs'][f'seed{s}_fold{f}_{k}shot']
                for m, v in run.items():
                    if m != 'seconds': R.add(m, {'miou': v['miou'], 'fbiou': v['fbiou']}, f, s)
        for a, b in FS_PAIRS[k]: R.pair(a, b)
        save(R, f'fewshot_r2_{k}shot.json')
    tab = t[4]   # width 32 / 20 pretraining epochs, training seed 0, folds 0 and 2: mIoU only (width 16 in brackets is the table above)
    R = Results('fewshot', seed=0, date='2026-11-22', protocol='mIoU of 1-shot and 5-shot test episodes (5-shot on the 1-shot networks)', world=d['world'],
                command='wsslib fewshot --root data/synthetic-r2 --fold F --shots K --seed 0 --width 32 --pre-epochs 20', source=SOURCE(nb, 'the width-32 table'))
    for r in tab[1:]:
        f = int(nums(r[0])[0])
        for name, c in zip(tab[0][1:], r[1:]): R.add(name, {'miou': nums(c)[0] / 100}, f)
    save(R, 'fewshot_r2_width32.json')

# ---- RETAB pseudo labels (nbs/14_retab) ----
RETAB_ROWS = ('CAM', 'CAM+RW', 'CAM+RW(affgt+seggt)', 'CAM+RETAB')
S3 = ('miou', 'miou_base', 'miou_novel')

def retab():
    nb = '14_retab'; t = tables(cell_text(nb, '## Measured at full scale'))
    fixed, sbg, best, diag = t[0], t[1], t[2], t[3]
    for s in (0, 1):
        R = Results('retab', seed=s, date='2026-11-21', world=f'the default world of seed {s} (1,000 train images, 128 px)', source=SOURCE(nb, 'its four tables'),
                    command=f'wsslib retab --data synthetic --fold F --seed {s} --out /tmp/retab/fFs{s} --cache /tmp/retab/cache_s{s}',
                    protocol='train pseudo-label mIoU (all / base / novel classes of the fold); main rows: walks under search bg (one constant background threshold t chosen by all-class mIoU on train); '
                             "'fixed threshold': the propagated background (1 - max CAM)^16; 'novel samples': all-class mIoU on the fold's novel samples (fixed threshold); "
                             "'threshold': the searched t (CAM: its own best constant threshold); 'best novel': t and novel mIoU at the t best for the novel classes (a diagnostic: it reads novel masks)",
                    seconds={}, seconds_columns='cam / boundary / rw / affgt / retab / eval = total')
        for r in fixed[1:]:
            if not r[0].startswith('fold'): continue
            f, seed = (int(x) for x in nums(r[0]))
            if seed != s: continue
            for m, c in zip(RETAB_ROWS, r[1:5]):
                v = nums(c); R.add(m, dict(zip(S3, (x / 100 for x in v[:3]))), f, table='fixed threshold'); R.add(m, {'miou': v[3] / 100}, f, table='novel samples')
            R.meta['seconds'][str(f)] = r[5]
        for r in sbg[1:]:
            if not r[0].startswith('fold'): continue
            f, seed = (int(x) for x in nums(r[0]))
            if seed != s: continue
            for m, c in zip(RETAB_ROWS, r[1:5]):
                v = nums(c); R.add(m, dict(zip(S3, (x / 100 for x in v[1:4]))), f); R.add(m, {'t': v[0]}, f, table='threshold')
        for r in best[1:]:
            f, seed = (int(x) for x in nums(r[0]))
            if seed != s: continue
            for m, c in zip(RETAB_ROWS[1:], r[1:4]):
                v = nums(c); R.add(m, {'t': v[0], 'miou_novel': v[1] / 100}, f, table='best novel')
        for a, b in (('CAM+RETAB', 'CAM+RW'), ('CAM+RETAB', 'CAM+RW(affgt+seggt)'), ('CAM+RW(affgt+seggt)', 'CAM+RW'), ('CAM+RW', 'CAM')): R.pair(a, b)
        save(R, f'retab_s{s}.json')
    R = Results('probe', seed=0, date='2026-11-21', command='python benchmarks/probes/retab_score_diag.py (247 images of the seed-0 world, fold 2)', source=SOURCE(nb, 'the walked-score table'),
                protocol='median over objects of the median walked score of the object\'s class on its ground-truth pixels (scores, not percentages); bg_p90: the 90th percentile of the top class score on background')
    for r in diag[1:]:
        v = nums(r[0] if False else ' '.join(r[1:]))
        R.add(r[0], dict(zip(('class_11', 'class_14', 'base_median', 'bg_p90'), v)))
    save(R, 'retab_score_diag_s0.json')

if __name__ == '__main__':
    import sys
    for name in sys.argv[1:] or TABLES: globals()[name]()
