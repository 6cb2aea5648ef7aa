"wsslib.crf: the CRF repairs a noisy unary along a colour edge; the parallel batch equals per-image calls; CLI flags."
import argparse
import numpy as np
import pytest

from wsslib.core import add_dataclass_args, dataclass_from_args
from wsslib.crf import CRFConfig, crf_preset, crf_inference, crf_label, crf_batch

def _edge_world(seed, H=40, W=56):
    "A red|blue image split at a slanted edge; a unary whose edge is 4 px off and 15% flipped; the true labels."
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:H, :W]
    edge = W // 3 + yy // 3
    gt = (xx >= edge).astype(np.int64)
    img = np.where(gt[..., None] == 0, np.array([190, 50, 40]), np.array([40, 60, 190])) + rng.normal(0, 12, (H, W, 3))
    p1 = np.where(xx >= edge - 4, 0.65, 0.35)
    p1 = np.where(rng.random((H, W)) < 0.15, 1 - p1, p1)
    return np.clip(img, 0, 255).astype(np.uint8), np.stack([1 - p1, p1]).astype(np.float32), gt

@pytest.mark.parametrize('seed', [0, 1, 2])
def test_crf_fixes_noisy_unary_at_colour_edge(seed):
    img, probs, gt = _edge_world(seed)
    before = (probs.argmax(0) == gt).mean()
    after = (crf_inference(img, probs).argmax(0) == gt).mean()
    assert before < 0.9 and after > 0.98, (before, after)

def test_label_crf_fixes_flipped_labels():
    img, _, gt = _edge_world(3)
    noisy = np.where(np.random.default_rng(0).random(gt.shape) < 0.15, 1 - gt, gt)
    assert (noisy == gt).mean() < 0.9 and (crf_label(img, noisy, 2) == gt).mean() > 0.98

def test_batch_equals_per_image_in_order():
    worlds = [_edge_world(s, H=20 + 3 * s) for s in range(6)]
    imgs, probs = [w[0] for w in worlds], [w[1] for w in worlds]
    want = [crf_inference(i, p, crf_preset('rrm_test')) for i, p in zip(imgs, probs)]
    for n in (0, 1, 3):
        got = crf_batch(imgs, probs, crf_preset('rrm_test'), n_workers=n)
        assert len(got) == 6 and all(np.array_equal(g, w) for g, w in zip(got, want))

def test_config_becomes_cli_flags():
    p = add_dataclass_args(argparse.ArgumentParser(), CRFConfig)
    assert dataclass_from_args(CRFConfig, p.parse_args([])) == crf_preset('psa')
    cfg = dataclass_from_args(CRFConfig, p.parse_args(['--bilateral-sxy', '83', '--bilateral-srgb', '5', '--bilateral-compat', '4']))
    assert cfg == crf_preset('rrm_test')
