"wsslib.metrics: folder evaluation against an independent count, bad input, and distributed accumulation."
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from PIL import Image

from wsslib.core import DataError
from wsslib.data.voc import save_label
from wsslib.metrics import evaluate_dirs, format_results, SegMetric, FewShotMetric

N = 21

def _random_world(seed, n_images=6):
    "Random (pred, gt) pairs of varying sizes; gt has void pixels, predictions have unlabelled (255) pixels."
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(n_images):
        h, w = rng.integers(17, 41, 2)
        g = rng.integers(0, 12, (h, w))                      # classes 12..20 never appear in gt
        g[rng.random((h, w)) < 0.1] = 255
        p = np.where(rng.random((h, w)) < 0.6, np.where(g == 255, 0, g), rng.integers(0, 14, (h, w)))  # 12, 13: FP only
        p[rng.random((h, w)) < 0.05] = 255
        out[f'img_{i:02d}'] = (p.astype(np.uint8), g.astype(np.uint8))
    return out

def _independent(pairs, n=N):
    "Per-class IoU by explicit counting (no confusion matrix): None where TP+FP+FN = 0."
    tp, fp, fn = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    for p, g in pairs:
        p, g = p.astype(int).ravel(), g.astype(int).ravel()
        for k in range(len(g)):                                # pixel by pixel
            if g[k] == 255: continue
            if p[k] == g[k]: tp[g[k]] += 1
            else:
                fn[g[k]] += 1
                if p[k] != 255: fp[p[k]] += 1
    den = tp + fp + fn
    return [None if d == 0 else t / d for t, d in zip(tp, den)]

def _mean(vals): return np.mean(np.array([v for v in vals if v is not None]))

def test_evaluate_dirs_matches_independent_count(tmp_path):
    world = _random_world(0)
    for n, (p, g) in world.items():
        save_label(p, tmp_path/'pred'/f'{n}.png'); save_label(g, tmp_path/'gt'/f'{n}.png')
    want = _independent(world.values())
    for fold in (None, 2):
        r = evaluate_dirs(tmp_path/'pred', tmp_path/'gt', fold=fold, progress=False)
        assert r['iou'] == want                                  # exactly, class by class
        assert r['miou'] == _mean(want)
        assert r['n_images'] == 6 and len(r['classes']) == 21 and r['classes'][15] == 'person'
        assert all(r['iou'][c] is None for c in range(14, 21)) and r['iou'][12] == 0.0
    nov = range(11, 16)
    assert r['miou_novel'] == _mean([want[c] for c in nov])
    assert r['miou_base'] == _mean([want[c] for c in range(21) if c not in nov])
    # a list selects a subset, in any order
    sub = ['img_04', 'img_01']
    (tmp_path/'list.txt').write_text('\n'.join(sub) + '\n')
    r = evaluate_dirs(tmp_path/'pred', tmp_path/'gt', names=tmp_path/'list.txt', progress=False)
    assert r['iou'] == _independent([world[n] for n in sub]) and r['n_images'] == 2
    assert 'person' in format_results(r) and 'mIoU' in format_results(r)

def _setup(tmp_path):
    world = _random_world(1, 3)
    for n, (p, g) in world.items():
        save_label(p, tmp_path/'pred'/f'{n}.png'); save_label(g, tmp_path/'gt'/f'{n}.png')
    return tmp_path/'pred', tmp_path/'gt', list(world)

@pytest.mark.parametrize('case', ['empty', 'no_gt', 'list_missing_pred', 'list_missing_gt', 'size', 'pred_ids', 'gt_ids',
                                  'rgb', 'corrupt', 'no_folder'])
def test_bad_input_names_the_file(tmp_path, case):
    pred, gt, names = _setup(tmp_path)
    kw, culprit = {}, f'{names[1]}.png'
    if case == 'empty':
        for f in pred.glob('*.png'): f.unlink()
        culprit = str(pred)
    elif case == 'no_gt':
        (gt/culprit).unlink(); culprit = str(gt/culprit)
    elif case == 'list_missing_pred':
        (tmp_path/'l.txt').write_text('\n'.join(names + ['ghost'])); kw['names'] = tmp_path/'l.txt'; culprit = str(pred/'ghost.png')
    elif case == 'list_missing_gt':
        (gt/culprit).unlink(); kw['names'] = names; culprit = str(gt/culprit)
    elif case == 'size':
        save_label(np.zeros((5, 7), np.uint8), pred/culprit)
    elif case == 'pred_ids':
        p = np.array(Image.open(pred/culprit)); p[0, 0] = 21; Image.fromarray(p).save(pred/culprit)
    elif case == 'gt_ids':
        g = np.array(Image.open(gt/culprit)); g[0, 0] = 100; Image.fromarray(g).save(gt/culprit)
    elif case == 'rgb':
        Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(pred/culprit)
    elif case == 'corrupt':
        (pred/culprit).write_bytes(b'\x89PNG\r\n\x1a\n not really')
    elif case == 'no_folder':
        pred = tmp_path/'nowhere'; culprit = 'nowhere'
    with pytest.raises(DataError) as e: evaluate_dirs(pred, gt, progress=False, **kw)
    assert culprit in str(e.value), str(e.value)
    assert 'Fix:' in str(e.value)

# --- distributed: two CPU processes, gloo -------------------------------------------------------------------------

def _batches(seed=0, n=8):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n):
        t = torch.randint(0, N, (2, 12, 16), generator=g)
        t[torch.rand(t.shape, generator=g) < 0.1] = 255
        s = torch.randn(2, N, 12, 16, generator=g)               # scores: argmax inside update
        fg = torch.randint(0, 2, (2, 12, 16), generator=g)
        out.append((s, t, fg, torch.randint(1, 6, (2,), generator=g)))
    return out

def _fill(m, f, batches):
    for s, t, fg, c in batches:
        m.update(s, t); f.update(s[:, :2], fg, c)

def _worker(rank, world, port, out):
    torch.set_num_threads(1)                                     # two processes on a small shared CPU
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world)
    try:
        m, f = SegMetric(fold=1), FewShotMetric()
        _fill(m, f, _batches()[rank::world])                     # each process sees half the data
        r, rf = m.compute(), f.compute()                         # synced across processes by torchmetrics
        m.sync(); cm = m.cm.clone(); m.unsync()                  # the summed state itself
        if rank == 0: torch.save({'seg': r, 'fs': rf, 'cm': cm, 'local': m.cm.clone()}, out)
    finally: dist.destroy_process_group()

def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def test_distributed_matches_single_process(tmp_path):
    out = tmp_path/'r.pt'
    mp.spawn(_worker, args=(2, _free_port(), str(out)), nprocs=2, join=True)
    got = torch.load(out, weights_only=False)
    m, f = SegMetric(fold=1), FewShotMetric()
    _fill(m, f, _batches())
    assert torch.equal(got['cm'], m.cm)                          # the summed matrix, count for count
    assert not torch.equal(got['local'], m.cm)                   # while each process keeps its own shard
    assert got['seg'] == m.compute()
    assert got['fs'] == f.compute()
    half = SegMetric(fold=1); _fill(half, FewShotMetric(), _batches()[::2])
    assert half.compute() != got['seg']                          # the test can fail: one shard alone differs
