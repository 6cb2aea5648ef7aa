"RRM as a user runs it: a tiny end-to-end run_rrm writes complete, finite results; bad inputs give clear errors."
from wsslib.core import update_config
import math
import numpy as np
import pytest
import torch
from PIL import Image
from wsslib.core import DataError, load_json
from wsslib.cam import CAMConfig
from conftest import make_world
from wsslib.data.voc import save_label, load_label
from wsslib.rrm import RRMConfig, run_rrm, load_rrm, train_rrm, pseudo_label_set, reliable_regions, dense_energy, bcd_loss
from wsslib.segment import SegConfig, load_segnet

TINY_CAM = dict(crf=False, epochs=1, batch_size=4, backbone=dict(width=8), scales=(1.0,), flip=False)
TINY_RRM = dict(epochs=1, batch_size=4, c_local=16, c1=8)
TINY_SEG = dict(epochs=1, batch_size=4, head_channels=16)
KEYS = ('cam_miou', 'reliable_precision', 'reliable_coverage', 'rrm_miou', 'rrm_twostep_miou')

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    return make_world(tmp_path_factory, 'rrm', seed=5, n_train=12, n_val=4)[0]/'world'

@pytest.fixture(scope='module')
def run(world, tmp_path_factory):
    out = tmp_path_factory.mktemp('rrm')/'run'
    res = run_rrm(world, out, RRMConfig(**TINY_RRM), seed=1, cam_cfg=update_config(CAMConfig(), **TINY_CAM), seg_cfg=SegConfig(**TINY_SEG),
                  n_quality=3, progress=False)
    return out, res

def test_run_rrm_writes_all_keys_finite(run):
    out, res = run
    saved = load_json(out/'details.json')
    for k in KEYS + ('rrm_miou_nocrf', 'rrm_pseudo_miou'):
        assert isinstance(saved[k], float) and math.isfinite(saved[k]) and 0 <= saved[k] <= 1, (k, saved[k])
    assert set(saved['reliable']) == {'thesis', 'code', 'cam_argmax', 'cam_threshold'}
    assert saved['reliable']['cam_argmax']['coverage'] == pytest.approx(1.0)
    for stage in ('cam', 'reliable_regions', 'rrm_train', 'rrm_eval', 'pseudo_labels', 'segmenter_train', 'segmenter_eval'):
        assert saved['seconds'][stage] >= 0, stage
    assert saved['seed'] == 1 and saved['config']['rrm']['seed'] == 1
    assert len(list((out/'pseudo').glob('*.png'))) == 12

def test_checkpoints_reload_and_corrupt_ones_are_named(run, tmp_path):
    out, _ = run
    net = load_rrm(out/'rrm'/'rrm.pth')
    with torch.no_grad(): o = net(torch.zeros(1, 3, 64, 64))
    assert o['seg'].shape == (1, 21, 8, 8) and len(net.log) == 1
    assert load_segnet(out/'twostep'/'model.pth').cfg.backbone.width == 8          # the two-step network follows the CAM classifier's width
    bad = tmp_path/'rrm.pth'; bad.write_bytes((out/'rrm'/'rrm.pth').read_bytes()[:500])
    with pytest.raises(DataError, match='rrm.pth.*corrupt'): load_rrm(bad)
    with pytest.raises(DataError, match='model.pth.*not a wsslib.segment network'): load_segnet(_copy_as(out/'rrm'/'rrm.pth', tmp_path/'model.pth'))
    with pytest.raises(DataError, match='missing.pth.*not found'): load_rrm(tmp_path/'missing.pth')

def _copy_as(src, dst):
    dst.write_bytes(src.read_bytes()); return dst

def test_image_without_any_label_is_a_clear_error(world, tmp_path):
    import shutil
    w = tmp_path/'w'; shutil.copytree(world, w)
    name = (w/'ImageSets/Segmentation/train.txt').read_text().split()[0]
    save_label(np.zeros_like(load_label(w/'SegmentationClass'/f'{name}.png')), w/'SegmentationClass'/f'{name}.png')   # background only
    with pytest.raises(DataError, match=f'{name}'):
        train_rrm(w, tmp_path/'out', RRMConfig(**TINY_RRM), cam_cfg=update_config(CAMConfig(), backbone=dict(width=8)))

def test_missing_pseudo_labels_are_a_clear_error(world, tmp_path):
    (tmp_path/'labels').mkdir()
    with pytest.raises(DataError, match='labels: 12 of 12 label maps are missing'):
        pseudo_label_set(tmp_path/'labels', [f'img{i}' for i in range(12)])

def test_bad_settings_and_inputs():
    with pytest.raises(ValueError, match="'thesis' or 'code'"): RRMConfig(mode='both')
    with pytest.raises(ValueError, match='at least one'):
        reliable_regions(np.zeros((4, 4, 3), np.uint8), np.zeros((20, 4, 4), np.float32), [], RRMConfig())
    with pytest.raises(ValueError, match='img must be'):
        dense_energy(torch.rand(2, 4, 4), torch.rand(3, 5, 4), 5., 15.)

def test_losses_order_simple_cases():
    img = torch.full((3, 8, 8), 128.); const = torch.zeros(2, 8, 8); const[0] = 1
    noisy = torch.rand(2, 8, 8, generator=torch.Generator().manual_seed(0)); noisy = noisy / noisy.sum(0)
    assert dense_energy(const, img, 4., 15.) < 1e-6 < dense_energy(noisy, img, 4., 15.)
    pred = torch.tensor([[[0, 1], [2, 0]]])
    sep = torch.nn.functional.one_hot(pred, 3).permute(0, 3, 1, 2).float()
    assert bcd_loss(sep, pred) < bcd_loss(torch.ones_like(sep), pred)
