"""Fold 2: the walked scores of class-11/14 objects under PSA's, affgt's and RETAB's AffinityNets.

See nbs/14_retab.ipynb, "Why fold 2, seed 0 fails". Usage (folders written by `wsslib retab --fold 2 --cache CACHE`):
    python benchmarks/probes/retab_score_diag.py data/synthetic RUN_OF_FOLD_2 CACHE
"""
import sys, numpy as np, torch
from wsslib.retab import RETABConfig, _rw_scores, retab_scores
from wsslib.affinity import load_affinity_net
from wsslib.boundary import load_boundary_map, boundary_path
from wsslib.cam import load_cam, cam_path
from wsslib.data.voc import VOC
torch.set_num_threads(1)
root, run, cache = sys.argv[1:4]; voc = VOC(root); names = voc.names('train')
cfg = RETABConfig(); acfg = cfg.affinity_config(); cam_dir = f'{cache}/cam'
nets = {'rw': load_affinity_net(f'{cache}/psa/affinity_net.pth'), 'affgt': load_affinity_net(f'{run}/affgt/affinity_net.pth'), 'retab': load_affinity_net(f'{run}/retab/affinity_net.pth')}
vals = {k: {c: [] for c in range(1, 21)} for k in nets}; bgv = {k: [] for k in nets}; n_img = 0
for n in names:
    gt = voc.label(n); cl = sorted(set(np.unique(gt).tolist()) - {0, 255})
    if not any(c in (11, 14) for c in cl) and n_img > 120: continue
    img = voc.image(n); cls, cams = load_cam(cam_path(cam_dir, n), gt.shape, 21)
    if not len(cls): continue
    n_img += 1
    b = load_boundary_map(boundary_path(f'{run}/boundary', n), gt.shape)
    for k, m in nets.items():
        s = _rw_scores(m, img, cams, acfg).numpy() if k != 'retab' else retab_scores(m, img, cams, b, cfg)[1].numpy()
        fg = s[1:]
        for i, c in enumerate(cls):
            if (gt == c).any(): vals[k][c].append(np.median(fg[i][gt == c]))
        bgv[k].append(np.percentile(fg.max(0)[gt == 0], 90))
    if n_img >= 260: break
print('images', n_img)
for k in nets:
    print(k, 'bg 90th pct of max fg score', round(float(np.mean(bgv[k])), 3))
    print('  median-of-object-median score per class', {c: round(float(np.median(v)), 3) for c, v in vals[k].items() if len(v) >= 5})
