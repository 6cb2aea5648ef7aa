"""Convert measurements recorded before the results schema into results files that notebooks and the README render:
benchmarks/pipeline_32epochs.json -> results/demo_32epochs_sS.json, benchmarks/dualbranch_results.json (its three-seed
runs) -> results/dualbranch_repeats3_sS.json. Run once; the outputs are committed.

    python tools/legacy_results.py
"""
import json
from pathlib import Path
from wsslib.results import Results, validate_results
from wsslib.registry import DEMO_PAIRS
from wsslib.core import save_json

TOP = Path(__file__).resolve().parent.parent

def convert(src=TOP/'benchmarks'/'pipeline_32epochs.json', out=TOP/'results'):
    d = json.loads(Path(src).read_text())
    for s in (0, 1):
        R = Results('demo', seed=s, protocol='val mIoU of a segmentation network per method (all / base / novel classes of the fold), 32 epochs (4,000 steps)',
                    machine=d['machine'], date=d['date'], source=f'{Path(src).name} ({d["what"]})',
                    command=f'wsslib demo --fold all --seed {s} --out RUN --workers 2')
        for f in range(4):
            for m, nets in d[f'seed{s}_fold{f}'].items():
                for r, n in enumerate(nets): R.add(m, {k: n[k] for k in ('miou', 'miou_base', 'miou_novel')}, f, r)
        for a, b in DEMO_PAIRS: R.pair(a, b)
        res = validate_results(R.to_dict())
        save_json(res, Path(out)/f'demo_32epochs_s{s}.json'); print('wrote', Path(out)/f'demo_32epochs_s{s}.json')

VARIANTS = ('strong-only', 'mixed', 'oversampled', 'ensemble', 'dual-branch')

def convert_dualbranch(src=TOP/'benchmarks'/'dualbranch_results.json', out=TOP/'results'):
    d = json.loads(Path(src).read_text()); r3 = d['repeats3']
    for s in (0, 1):
        R = Results('dualbranch', seed=s, protocol='val mIoU of each network; proxy labels: CAM at the background threshold best on the strong images',
                    machine=d['machine'], date=d['date'], source=f'{Path(src).name}, repeats3', command=r3['command'].replace('--seed S', f'--seed {s}'))
        for k in VARIANTS:
            for i, run in enumerate(r3[f'seed{s}'][k]['runs']): R.add(k, {'miou': run['miou']}, repeat=i)
        for i, run in enumerate(r3[f'seed{s}']['dual-branch']['runs']): R.add('dual-branch (weak branch)', {'miou': run['weak_branch_miou']}, repeat=i)
        for b in VARIANTS[:-1]: R.pair('dual-branch', b)
        R.pair('mixed', 'strong-only')
        res = validate_results(R.to_dict())
        save_json(res, Path(out)/f'dualbranch_repeats3_s{s}.json'); print('wrote', Path(out)/f'dualbranch_repeats3_s{s}.json')

if __name__ == '__main__': convert(); convert_dualbranch()
