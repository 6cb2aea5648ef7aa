"RETAB's boundary stage as a user runs it: a tiny run_boundary end to end; bad inputs give clear errors naming the file."
import math, shutil
import numpy as np
import pytest
import torch
from wsslib.core import DataError, load_json, update_config
from wsslib.data.synth import SynthConfig, generate_world, world_names
from wsslib.data.voc import VOC, save_label, write_list
from wsslib.boundary import (BoundaryConfig, base_samples, boundary_path, eval_boundaries, infer_boundaries, load_boundary,
                             load_boundary_map, predict_boundary, run_boundary, save_boundary_map, train_boundary)

TINY = dict(backbone=dict(width=4), tap_channels=(4, 4, 4), epochs=1, batch_size=4, aug=dict(crop=48), fold=0)
WCFG = SynthConfig(seed=7, n_train=16, n_val=6, size=64, void_width=2)

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp('bnd')/'world'
    generate_world(out, WCFG, progress=False)
    return out

@pytest.fixture(scope='module')
def run(world, tmp_path_factory):
    out = tmp_path_factory.mktemp('bnd')/'run'
    return out, run_boundary(world, out, update_config(BoundaryConfig(), **TINY), progress=False)

def test_run_boundary_writes_maps_and_finite_scores(world, run):
    out, res = run
    names = world_names(WCFG)
    assert res['infer']['done'] == len(names['train']) + len(names['val'])
    for n in names['train'] + names['val']:
        p = load_boundary_map(boundary_path(out, n), (64, 64))
        assert p.dtype == np.float32 and 0 <= p.min() and p.max() <= 1
    saved = load_json(out/'boundary_results.json')
    assert saved['eval']['base']['n_images'] + saved['eval']['novel']['n_images'] == len(names['val'])
    assert math.isfinite(saved['eval']['all']['recall']) and 0 <= saved['eval']['all']['recall'] <= 1
    assert set(saved['seconds']) == {'train', 'infer', 'eval'} and saved['config']['fold'] == 0
    again = run_boundary(world, out, update_config(BoundaryConfig(), **TINY), progress=False)              # everything is reused
    assert again['infer'] == {'done': 0, 'skipped': len(names['train']) + len(names['val'])}

def test_corrupt_foreign_and_missing_checkpoints_are_named(world, run, tmp_path):
    out, _ = run
    net = load_boundary(out/'boundary_net.pth')
    assert predict_boundary(net, np.zeros((40, 30, 3), np.uint8)).shape == (40, 30)
    bad = tmp_path/'boundary_net.pth'; bad.write_bytes((out/'boundary_net.pth').read_bytes()[:500])
    with pytest.raises(DataError, match='boundary_net.pth.*corrupt'): load_boundary(bad)
    torch.save({'kind': 'wsslib.cam', 'model': {}}, tmp_path/'cam.pth')
    with pytest.raises(DataError, match='cam.pth.*not a wsslib boundary network'): load_boundary(tmp_path/'cam.pth')
    with pytest.raises(DataError, match='missing.pth.*not found'): load_boundary(tmp_path/'missing.pth')
    # a corrupt checkpoint in a run folder stops training with its name instead of being overwritten
    (tmp_path/'r').mkdir(); shutil.copy(bad, tmp_path/'r'/'boundary_net.pth')
    with pytest.raises(DataError, match='boundary_net.pth.*corrupt'): train_boundary(world, tmp_path/'r', update_config(BoundaryConfig(), **TINY), names=base_samples(world, 0)[:4])
    assert (tmp_path/'r'/'boundary_net.pth').read_bytes() == bad.read_bytes()

def test_mask_image_shape_mismatch_is_named(world, tmp_path):
    w = tmp_path/'w'; shutil.copytree(world, w)
    name = base_samples(w, 0)[0]
    save_label(np.zeros((32, 64), np.uint8), VOC(w).label_path(name))                  # the mask of another size
    with pytest.raises(DataError, match=f'{name}.*image is 64x64 but its mask .* is 32x64'):
        train_boundary(w, tmp_path/'run', update_config(BoundaryConfig(), **TINY), names=[name] * 4, progress=False)
    assert not (tmp_path/'run'/'boundary_net.pth').exists()
    save_boundary_map(tmp_path/'bnd'/f'{name}.png', np.zeros((64, 64)))                  # a map of the image's old size
    with pytest.raises(DataError, match=f'{name}.png: boundary map is 64x64 \\(HxW\\) but the image is 32x64'):
        eval_boundaries(tmp_path/'bnd', w, [name], 0, progress=False)

def test_fold_without_base_samples_and_novel_samples_are_refused(world, tmp_path):
    w = tmp_path/'w'; shutil.copytree(world, w); voc = VOC(w)
    novel = [n for n in voc.names('train') if n not in base_samples(w, 0)]
    write_list(voc.list_path('train'), novel)                                             # keep only novel samples of fold 0
    with pytest.raises(DataError, match="train.txt: no base sample in split 'train' for fold 0"): base_samples(w, 0)
    with pytest.raises(DataError, match="no base sample"): train_boundary(w, tmp_path/'run', update_config(BoundaryConfig(), **TINY), progress=False)
    with pytest.raises(DataError, match='may only see base samples'):
        train_boundary(w, tmp_path/'run', update_config(BoundaryConfig(), **TINY), names=novel[:2], progress=False)
    with pytest.raises(ValueError, match='at least one training image'):
        train_boundary(w, tmp_path/'run', update_config(BoundaryConfig(), **TINY), names=[], progress=False)
    assert not (tmp_path/'run').exists()

def test_missing_boundary_map_and_bad_image_are_clear(world, tmp_path):
    with pytest.raises(DataError, match='boundary map not found'):
        eval_boundaries(tmp_path/'nothing', world, world_names(WCFG)['val'][:1], 0, progress=False)
    with pytest.raises(ValueError, match='uint8'): predict_boundary(torch.nn.Conv2d(3, 1, 1), np.zeros((8, 8, 3)))
    w = tmp_path/'w'; shutil.copytree(world, w); n = world_names(WCFG)['train'][0]
    VOC(w).image_path(n).write_bytes(b'not a jpeg')
    from wsslib.boundary import BoundaryNet
    with pytest.raises(DataError, match=f'{n}.jpg: cannot decode image'):
        infer_boundaries(BoundaryNet(update_config(BoundaryConfig(), **TINY)), w, [n], tmp_path/'run', progress=False)
