"""Diagnostics of a finished few-shot run (the networks of `run_fewshot`): what SGM's first pass misses on the support,
how much CGM's weights vary, and the support = query check (thesis Fig. 1.5).

    python benchmarks/probes/fewshot_diag.py WORLD CACHE_DIR FOLD [--episodes 300] [--seed 100] [--out diag.json]

CACHE_DIR is the folder with backbone.pth, baseline.pth and sgm.pth (the 1-shot run's folder, or its --cache).
Episodes are drawn with `--seed` (not the test episodes' seed 0), from the test split's novel classes."""
import argparse, json
from pathlib import Path
import numpy as np
import torch
from wsslib.data.folds import novel_classes
from wsslib.data.voc import VOC
from wsslib.fewshot import (FewShotConfig, FewShotHead, FeatureBank, _fg, _load_split, cgm_combine, class_pairs, covered_missed,
                            episode_logits, mask_to_grid, sample_episodes, sgm_support)
from wsslib.metrics import FewShotMetric
from wsslib.models.backbones import freeze_bn, get_backbone

def load(cache, cfg, c_mid=None):
    bb = freeze_bn(get_backbone('small', width=cfg.width)); bb.load_state_dict(torch.load(cache/'backbone.pth', weights_only=True)['model']); bb.eval()
    return bb

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('world', type=Path); ap.add_argument('cache', type=Path); ap.add_argument('fold', type=int)
    ap.add_argument('--episodes', type=int, default=300); ap.add_argument('--seed', type=int, default=100); ap.add_argument('--out', type=Path)
    a = ap.parse_args(); torch.set_num_threads(1); cfg = FewShotConfig()
    _, ti, tl = _load_split(VOC(a.world), cfg.test_split)
    bank = FeatureBank(load(a.cache, cfg), ti, tl)
    heads = {}
    for m in ('baseline', 'sgm'):
        h = FewShotHead(bank.mid.shape[1], cfg.d, cfg.ppm_scales, cfg.dropout); h.load_state_dict(torch.load(a.cache/f'{m}.pth', weights_only=True)['model']); heads[m] = h.eval()
    pairs = class_pairs(tl, novel_classes(a.fold), cfg.min_pixels); out = {'fold': a.fold, 'episodes': a.episodes, 'seed': a.seed}
    # 1. SGM's first pass on supports: share of the support's foreground (on the grid) that it misses
    miss = []
    with torch.no_grad():
        for c, q, s in sample_episodes(pairs, a.episodes, 1, a.seed):
            Ms = bank.masks(s, c); ms = mask_to_grid(Ms, bank.mid.shape[-2:])
            (lg, _), *_ = sgm_support(heads['sgm'], heads['sgm'].down_supp(bank.mid[s].float()), ms)
            cov, mis = covered_missed(ms, _fg(lg)); miss.append(float(mis.sum() / ms.sum().clamp(min=1e-6)))
    out['sgm_missed_share'] = dict(mean=float(np.mean(miss)), median=float(np.median(miss)), under_1pct=float(np.mean(np.array(miss) < 0.01)))
    # 2. support = query (every novel (image, class) pair once) vs another support
    for m, h in heads.items():
        met = FewShotMetric()
        for i, c in pairs:
            lq, _ = episode_logits(h, bank, (c, i, [i]), m); met.update(_fg(lq), bank.masks([i], c), c)
        out[f'{m}_self_miou'] = met.compute()['miou']
    # 3. CGM weights in 5-shot episodes: spread within an episode, and how averaging vs CGM do on these episodes
    for m, h in heads.items():
        sd, met = [], {'average': FewShotMetric(), 'cgm': FewShotMetric()}
        for ep in sample_episodes(pairs, a.episodes // 2, 5, a.seed + 1):
            lq, U = episode_logits(h, bank, ep, m, cfg.cgm_path, cfg.cgm_iou); sd.append(float(U.std()))
            gt = bank.masks([ep[1]], ep[0])
            met['average'].update(_fg(cgm_combine(lq)[None]), gt, ep[0]); met['cgm'].update(_fg(cgm_combine(lq, U)[None]), gt, ep[0])
        out[f'{m}_cgm_weight_std'] = float(np.mean(sd))
        out[f'{m}_5shot'] = {k: v.compute()['miou'] for k, v in met.items()}
    print(json.dumps(out, indent=1))
    if a.out: a.out.write_text(json.dumps(out, indent=1) + '\n')

if __name__ == '__main__': main()
