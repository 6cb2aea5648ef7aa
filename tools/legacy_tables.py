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

def _round(o):
    "Floats to 6 decimals (the typed numbers had at most 3; x / 100 leaves binary noise)."
    if isinstance(o, float): return round(o, 6)
    if isinstance(o, dict): return {k: _round(v) for k, v in o.items()}
    if isinstance(o, list): return [_round(v) for v in o]
    return o

def save(R, name):
    res = validate_results(_round(R.to_dict())); save_json(res, OUT/name); print('wrote', OUT/name)
    return res

TABLES = ['fewshot', 'retab', 'cam', 'rrm', 'affinity', 'boundary', 'a2gnn', 'dualbranch']   # every converter, in order (python tools/legacy_tables.py NAME runs one)
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

# ---- CAM (nbs/10_cam) ----
def cam():
    nb = '10_cam'; t = tables(cell_text(nb, '## Full-size results')); main, peaks = t[0], t[1]
    row = {r[0]: r[1:] for r in main[1:]}
    for s in (0, 1):
        g = lambda k: nums(row[k][s])
        R = Results('cam', seed=s, date='2026-11-21', world=f'the default world of seed {s} (1,000 train / 300 val, 128 px)', source=SOURCE(nb, 'the full-size table'),
                    command=f"run_cam('world', 'runs/cam_s{s}', CAMConfig(seed={s}))", protocol='train mIoU of the CAMs at the best background threshold; CRF la/ha: mIoU, precision and coverage of the label maps (void not scored)')
        best = g('CAM-only mIoU at the best threshold'); R.add('CAM', {'miou': best[0] / 100}); R.meta['threshold'] = best[1]
        for tt, v in zip((0.15, 0.2, 0.25), g('CAM-only mIoU at t = 0.15 / 0.20 / 0.25')): R.add(f't = {tt:.2f}', {'miou': v / 100}, table='CAM at t')
        for k, name in (('la labels (α = 4): mIoU, precision', 'CRF la'), ('ha labels (α = 32): mIoU, precision', 'CRF ha')):
            v = g(k); R.add(name, {'miou': v[-2] / 100, 'precision': v[-1] / 100, 'coverage': 1.0})
        v = g('la + ha (255 between): precision, coverage'); R.add('CRF la+ha', {'precision': v[0] / 100, 'coverage': v[1] / 100})
        v = g('classifier: final loss, val mAP'); R.add('CAM classifier', {'map': v[1]}); R.meta['final_loss'] = v[0]
        R.meta['seconds'] = dict(zip(('train', 'infer', 'crf', 'eval'), g('seconds: train / infer / CRF / eval, both seeds side by side on the 2 cores')))
        R.meta['seconds_note'] = 'both seeds side by side on the 2 cores'
        if s == 0: R.meta['seconds_one_other_job'] = {'train + infer + eval': g('seconds: train + infer + eval, seed 0 with one other job')[0]}
        save(R, f'cam_s{s}.json')
    R = Results('probe', date='2026-11-21', source=SOURCE(nb, 'the CAM-peak table'), protocol='per (train image, present class): where the CAM peaks (the part, the body of an object of the class, elsewhere) and the mean normalised CAM on part / body / background pixels; val mAP and CAM mIoU (best t) of each classifier')
    for r in peaks[1:]:
        v = nums(r[1] + ' ' + r[2] + ' ' + r[3] + ' ' + r[4])
        R.add(r[0], dict(zip(('map', 'miou', 'peak_part', 'peak_body', 'peak_elsewhere', 'cam_part', 'cam_body', 'cam_bg'), [v[0], v[1] / 100, v[2] / 100, v[3] / 100, v[4] / 100, *v[5:8]])))
    save(R, 'cam_peaks.json')

# ---- RRM (nbs/11_rrm) ----
def rrm():
    nb = '11_rrm'; t = tables(cell_text(nb, '## Measured at full scale'))[0]
    row = {r[0].split(':')[0].strip('` '): r[1:] for r in t[1:]}
    for s in (0, 1):
        g = lambda k: nums(row[k][s])
        R = Results('rrm', seed=s, date='2026-11-21', world=f'the default world of seed {s} (1,000 train / 300 val, 128 px)', source=SOURCE(nb, 'the full-scale table'),
                    command=f'wsslib rrm --seed {s} --out RUN', protocol='CAM: train mIoU with true tags (val: predicted tags); reliable regions on the first 200 train images; RRM and the two-step segmenter: val mIoU with the test CRF (miou_nocrf without)')
        v = g('CAM classifier'); R.add('CAM classifier', {'map': v[0], 'val_tags_exact': v[1] / 100})
        v = g('cam_miou'); R.add('CAM', {'miou': v[0]}); R.meta['cam_threshold'] = v[1]
        R.add('RRM pseudo labels', {'miou': g('rrm_pseudo_miou')[0]})
        R.add('CAM (val)', {'miou': g('cam_val_miou')[0]})
        v = g('rrm_miou'); R.add('RRM one-step', {'miou': v[0], 'miou_nocrf': v[1]})
        v = g('rrm_twostep_miou'); R.add('RRM two-step', {'miou': v[0], 'miou_nocrf': v[1]})
        v = g('CAM argmax ($\\gamma=4$)'); R.add('CAM argmax', {'precision': v[0], 'fg_precision': v[1], 'coverage': 1.0})
        for k, name in (('reliable regions, **thesis** rule', 'reliable regions (thesis rule)'), ('reliable regions, **code** rule', 'reliable regions (code rule)')):
            v = g(k); R.add(name, dict(zip(('precision', 'coverage', 'fg_precision', 'fg_coverage'), v)))
        R.meta['rrm_training'] = row['RRM training, per epoch'][s]
        R.pair('RRM pseudo labels', 'CAM').pair('RRM one-step', 'CAM (val)').pair('RRM two-step', 'RRM one-step')
        save(R, f'rrm_s{s}.json')

# ---- PSA affinity (nbs/12_affinity) ----
def affinity():
    nb = '12_affinity'; t = tables(cell_text(nb, '## Full-size results')); main, sweep = t[0], t[1]
    R = Results('probe', seed=0, date='2026-11-21', world='the default world of seed 0 (1,000 train images, 128 px) with the seed-0 CAM run of the then defaults (PSA SGD recipe)',
                source=SOURCE(nb, 'the full-size table and the walk sweep'), command="train_affinity('world', 'runs/cam_s0', 'runs/aff_s0', AffinityConfig(), names=names); infer_walk(...); label_quality(...)",
                protocol="train pseudo-label mIoU against the masks (void not scored); 'walk sweep': the trained AffinityNet's walk on the first 300 images with other log t (rows) and alpha (columns)")
    names = ('CAM, best threshold', 'CAM, alpha 16', 'CRF la', 'CRF ha', 'CAM+RW')
    v = [nums(r[1]) for r in main[1:]]
    R.add(names[0], {'miou': v[0][0] / 100}); R.add(names[1], {'miou': v[1][0] / 100}); R.add(names[2], {'miou': v[2][0] / 100}); R.add(names[3], {'miou': v[2][1] / 100})
    R.add(names[4], {'miou': v[3][0] / 100, 'pixel_accuracy': v[3][1] / 100})
    alphas = [int(nums(c)[0]) for c in sweep[0][1:]]
    for r in sweep[1:]:
        lt = int(nums(r[0])[0])
        for a, c in zip(alphas, r[1:]): R.add(f'log t = {lt}', {f'alpha_{a}': nums(c)[0] / 100}, table='walk sweep')
    R.pair('CAM+RW', 'CAM, alpha 16')
    save(R, 'affinity_s0.json')

# ---- boundary network (nbs/13_boundary) ----
def boundary():
    nb = '13_boundary'; t = tables(cell_text(nb, '## Full-size results'))[0]
    cols = t[0][1:]; row = {r[0]: r[1:] for r in t[1:]}
    R = Results('boundary', date='2026-11-21', world='the default world (1,000 train / 300 val, 128 px, 5 px void band)', source=SOURCE(nb, 'the full-size table'),
                command="run_boundary('world', 'runs/boundary_f0_s0', BoundaryConfig(fold=0, seed=0))",
                protocol='pixel-level boundary precision / recall / F at tau = 0.5 on the 300 val images split into base and novel images of the fold; the rows are runs (fold, seed, variant)',
                training_images={}, seconds={})
    for j, c in enumerate(cols):
        R.meta['training_images'][c] = row['training images (base samples)'][j]
        m = {}
        for k, pre in (('val base images: P / R / **F**', 'base'), ('val novel images: P / R / **F**', 'novel')):
            v = nums(row[k][j]); m.update({f'{pre}_p': v[0], f'{pre}_r': v[1], f'{pre}_f': v[2]})
        m['novel_outline_r'] = nums(row['val novel images: novel outline R'][j])[0]
        if nums(row['val novel images, 1 px tolerance: P / R / F'][j]):
            v = nums(row['val novel images, 1 px tolerance: P / R / F'][j]); m.update(novel_p_tol1=v[0], novel_r_tol1=v[1], novel_f_tol1=v[2])
            m['train_novel_f'] = nums(row['train novel samples: F'][j])[0]
        v = nums(row['boundary pixels, true / predicted (novel val)'][j]); m.update(true_boundary_share=v[0] / 100, predicted_boundary_share=v[1] / 100)
        if nums(row['seconds: train / infer (1,300 images)'][j]): R.meta['seconds'][c] = row['seconds: train / infer (1,300 images)'][j]
        R.add(c, m)
    save(R, 'boundary_runs.json')

# ---- A2GNN (nbs/16a_a2gnn_run) ----
def a2gnn():
    nb = '16a_a2gnn_run'; text = cell_text(nb, '## Full-size results'); t = tables(text)[0]
    for r in t[1:]:
        sup = r[0]; v = lambda j: nums(r[j])
        R = Results('a2gnn', seed=0, supervision=sup, n_images=int(v(1)[0]), date='2026-11-21', source=SOURCE(nb, 'the full-size table'),
                    world='the default world of seed 0 (128 px, 16x16 graphs)', command=f"run_a2gnn('data/synthetic', 'runs/a2gnn_{sup}', '{sup}', 0, A2GNNConfig(n_images=..., ablations=..., cam_dir=..., rw_dir=...))",
                    protocol='train pseudo-label mIoU of the first N images against their masks; seeds scored as label maps (unlabelled = miss)',
                    seconds_per_image=dict(zip(('graph', 'training'), v(9))))
        R.add('seeds', {'miou': v(2)[0] / 100, 'coverage': v(3)[0] / 100, 'precision': v(3)[1] / 100}); R.add('A2GNN', {'miou': v(4)[0] / 100})
        for j, k in ((5, 'no_prior'), (6, 'no_mp')):
            if v(j): R.add(f'A2GNN ({k})', {'miou': v(j)[0] / 100}).pair('A2GNN', f'A2GNN ({k})'); R.meta.setdefault('notes', {})[k] = r[j]
        if v(7): R.add('A2GNN (rw)', {'miou': v(7)[0] / 100}).pair('A2GNN', 'A2GNN (rw)')
        if v(8): R.add('CAM+RW', {'miou': v(8)[0] / 100}).pair('A2GNN', 'CAM+RW')
        save(R, f'a2gnn_{sup}_s0.json')
    m = re.search(r'seeds ([\d.]+) \(coverage ([\d.]+)%, precision ([\d.]+)%\), \*\*A²GNN ([\d.]+)\*\*, with RW fusion ([\d.]+), CAM\+RW ([\d.]+)', text)
    v = [float(x.rstrip('.')) / 100 for x in m.groups()]
    R = Results('a2gnn', seed=1, supervision='tag', n_images=60, date='2026-11-21', source=SOURCE(nb, 'the seed-1 sentence'), world='the seed-1 world, its own CAM and CAM+RW runs (wsslib demo --seed 1)',
                protocol='train pseudo-label mIoU of the first 60 images against their masks; seeds scored as label maps (unlabelled = miss)')
    R.add('seeds', {'miou': v[0], 'coverage': v[1], 'precision': v[2]}).add('A2GNN', {'miou': v[3]}).add('A2GNN (rw)', {'miou': v[4]}).add('CAM+RW', {'miou': v[5]})
    R.pair('A2GNN', 'A2GNN (rw)').pair('A2GNN', 'CAM+RW'); save(R, 'a2gnn_tag_s1.json')
    sub = [l.strip() for l in text.splitlines() if l.startswith('  |')]
    R = Results('probe', seed=0, supervision='tag', n_images=30, date='2026-11-21', source=SOURCE(nb, 'the 30-image fusion table'), protocol='train pseudo-label mIoU of the first 30 tag images')
    for l in sub[2:]:
        c = [x.strip() for x in l.strip('|').split('|')]; R.add(c[0], dict(zip(('miou', 'miou_crf') if '/' in c[1] else ('miou',), (x / 100 for x in nums(c[1])))))
    save(R, 'a2gnn_tag_fusion_s0.json')

# ---- dual-branch, one run per variant (nbs/15a_dualbranch) ----
def dualbranch():
    d = json.loads((TOP/'benchmarks'/'dualbranch_results.json').read_text())
    for s in (0, 1):
        run, dg = d['runs'][f'seed {s}'], d['diagnostics'][f'seed {s}']
        R = Results('dualbranch', seed=s, date=d['date'], machine=d['machine'], source='benchmarks/dualbranch_results.json (runs, diagnostics)', command=f'wsslib dualbranch --seed {s} --cam-dir CAM',
                    protocol='val mIoU of each network; proxy labels: CAM at the background threshold best on the strong images; diagnostics (benchmarks/probes/dualbranch_diag.py): fg/bg IoU, foreground predicted background, foreground given another class',
                    proxy_threshold=run['proxy']['threshold'], seconds={k: round(v) for k, v in run['seconds'].items()}, n_strong=run['n_strong'], n_weak=run['n_weak'])
        for k in ('strong-only', 'mixed', 'oversampled', 'ensemble', 'dual-branch'): R.add(k, {'miou': run[k]['miou']})
        R.add('dual-branch (weak branch)', {'miou': run['dual-branch']['weak_branch_miou']})
        R.add('proxy labels (weak images)', {'miou': run['proxy']['weak_miou']}, table='proxies').add('proxy labels (strong images)', {'miou': run['proxy']['strong_miou']}, table='proxies')
        for k, v in dg.items(): R.add(k, {m: v[m] for m in ('fg_bg_iou', 'fg_as_bg', 'fg_wrong_class', 'bg_as_fg', 'images_exact_classes')}, table='diagnostics')
        save(R, f'dualbranch_s{s}.json')

if __name__ == '__main__':
    import sys
    for name in sys.argv[1:] or TABLES: globals()[name]()
