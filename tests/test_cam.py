"wsslib.cam: resume gives identical weights, clear errors for bad checkpoints / CAM files / empty tags, inference skips finished files."
from wsslib.core import update_config
import dataclasses, os
import numpy as np
import pytest
import torch

from wsslib.core import DataError, load_json
from wsslib.cam import (CAMConfig, CAMNet, train_classifier, load_classifier, infer_cams, make_crf_labels, eval_cams, run_cam,
                        cam_path, save_cam, load_cam, multiscale_cam, normalize_cams, add_background)
from wsslib.data.synth import SynthConfig, generate_world, world_names
from wsslib.data.voc import save_label, load_label

WCFG = SynthConfig(seed=5, n_train=24, n_val=8, size=64, void_width=2)
TINY = update_config(CAMConfig(), backbone=dict(width=4), aug=dict(crop=56), epochs=3, batch_size=8, seed=2, scales=(1.0, 0.5), crf_scale=8.)

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp('camworld')/'synth'
    generate_world(out, WCFG, progress=False)
    return out

@pytest.fixture(scope='module')
def trained(world, tmp_path_factory):
    out = tmp_path_factory.mktemp('camrun')
    return train_classifier(world, out, TINY, progress=False)

def _weights(path): return load_classifier(path).state_dict()

def test_resume_after_interruption_gives_the_same_weights(world, trained, tmp_path):
    ref = _weights(trained)
    for stop in (1, 2):
        out = tmp_path/f'stop{stop}'
        train_classifier(world, out, TINY, progress=False, stop_after=stop)
        assert len(load_json(out/'cam_train_log.json')) == stop
        ck = train_classifier(world, out, TINY, progress=False)              # resumes after epoch `stop`
        got = _weights(ck)
        assert got.keys() == ref.keys() and all(torch.equal(got[k], ref[k]) for k in ref), f'resumed after {stop} differs'
        assert [r['epoch'] for r in load_json(out/'cam_train_log.json')] == [1, 2, 3]
    other = _weights(train_classifier(world, tmp_path/'seed3', dataclasses.replace(TINY, seed=3), progress=False))
    assert not all(torch.equal(other[k], ref[k]) for k in ref)                 # the comparison can fail

def test_finished_run_is_not_trained_again(world, trained):
    before = trained.stat().st_mtime_ns
    assert train_classifier(world, trained.parent, TINY, progress=False) == trained
    assert trained.stat().st_mtime_ns == before

def test_corrupt_checkpoint_names_the_file(world, trained, tmp_path):
    bad = tmp_path/'cam_classifier.pth'
    bad.write_bytes(trained.read_bytes()[:500])                                # a truncated copy
    with pytest.raises(DataError, match='cam_classifier.pth: cannot read the checkpoint'): load_classifier(bad)
    with pytest.raises(DataError, match='cam_classifier.pth'): train_classifier(world, tmp_path, TINY, progress=False)
    with pytest.raises(DataError, match='train it first'): load_classifier(tmp_path/'nothing.pth')
    torch.save({'kind': 'wsslib.cam', 'cfg': dataclasses.asdict(TINY), 'model': {'x': torch.zeros(1)}}, tmp_path/'wrong.pth')
    with pytest.raises(DataError, match='wrong.pth: weights do not fit'): load_classifier(tmp_path/'wrong.pth')

def test_checkpoint_with_other_settings_is_refused(world, trained):
    with pytest.raises(DataError, match=r"differs in \['epochs'\]"):
        train_classifier(world, trained.parent, dataclasses.replace(TINY, epochs=4), progress=False)
    names = world_names(WCFG)['train'][:10]
    with pytest.raises(DataError, match='training images'): train_classifier(world, trained.parent, TINY, names=names, progress=False)

def test_wrong_shape_or_corrupt_cam_file(world, tmp_path):
    p = save_cam(cam_path(tmp_path, 'x'), [4], np.zeros((1, 32, 64)))
    with pytest.raises(DataError, match='x.npz: CAMs are 32x64'): load_cam(p, (64, 64))
    name = world_names(WCFG)['train'][0]
    save_cam(cam_path(tmp_path, name), [4], np.zeros((1, 32, 64)))
    with pytest.raises(DataError, match=f'{name}.npz: CAMs are 32x64'): eval_cams(tmp_path/'cam', world, [name], progress=False)
    cam_path(tmp_path, 'y').write_bytes(b'garbage')
    with pytest.raises(DataError, match='y.npz: cannot read'): load_cam(cam_path(tmp_path, 'y'))
    with pytest.raises(DataError, match='z.npz: CAM file not found'): load_cam(cam_path(tmp_path, 'z'))

def test_empty_tags_are_a_clear_error(world, trained, tmp_path):
    names = world_names(WCFG)['train'][:3]
    with pytest.raises(DataError, match=f'no foreground class.*first: {names[1]}'):
        infer_cams(load_classifier(trained), world, names, tmp_path, TINY, tags={names[0]: [3], names[1]: [], names[2]: [5]}, progress=False)
    assert not (tmp_path/'cam').exists()                                       # refused before writing anything
    # an image whose mask has no object at all
    lab = world/'SegmentationClass'/f'{names[2]}.png'; keep = lab.read_bytes()
    try:
        save_label(np.zeros_like(load_label(lab)), lab)
        with pytest.raises(DataError, match='have no foreground class'):
            infer_cams(load_classifier(trained), world, names, tmp_path, TINY, progress=False)
    finally: lab.write_bytes(keep)

def test_infer_skips_existing_files_and_crf_labels(world, trained, tmp_path):
    model, names = load_classifier(trained), world_names(WCFG)['train'][:4]
    assert infer_cams(model, world, names[:2], tmp_path, TINY, progress=False) == {'done': 2, 'skipped': 0}
    stamps = [cam_path(tmp_path, n).stat().st_mtime_ns for n in names[:2]]
    assert infer_cams(model, world, names, tmp_path, TINY, progress=False) == {'done': 2, 'skipped': 2}
    assert [cam_path(tmp_path, n).stat().st_mtime_ns for n in names[:2]] == stamps
    for n in names:
        classes, cams = load_cam(cam_path(tmp_path, n), (64, 64))
        assert len(classes) >= 1 and cams.dtype == np.float32 and 0 <= cams.min() and cams.max() <= 1
    assert make_crf_labels(world, names, tmp_path, TINY, progress=False) == {'done': 4, 'skipped': 0}
    assert make_crf_labels(world, names, tmp_path, TINY, progress=False) == {'done': 0, 'skipped': 4}
    la = load_label(tmp_path/'crf_la'/f'{names[0]}.png')
    assert la.shape == (64, 64) and set(np.unique(la)) <= {0, *load_cam(cam_path(tmp_path, names[0]))[0].tolist()}

def test_run_cam_writes_results_and_timings(world, trained, tmp_path):
    out = tmp_path/'run'; out.mkdir(); (out/'cam_classifier.pth').write_bytes(trained.read_bytes())
    (out/'cam_train_log.json').write_bytes((trained.parent/'cam_train_log.json').read_bytes())
    res = run_cam(world, out, TINY, progress=False)
    saved = load_json(out/'cam_results.json')
    assert set(saved['seconds']) == {'train', 'infer', 'crf', 'eval'} and saved['infer']['done'] == WCFG.n_train
    ev = saved['eval']; assert ev['n_images'] == WCFG.n_train and 0 <= ev['best_miou'] <= 1
    assert ev['best_miou'] == max(p['miou'] for p in ev['per_threshold']) and len(ev['per_threshold']) == len(TINY.thresholds)
    assert set(saved['eval_crf']) == {'la', 'ha', 'la+ha'} and res['eval']['best_threshold'] == ev['best_threshold']

def test_flip_equivariance_and_background():
    torch.manual_seed(0); net = CAMNet(update_config(CAMConfig(), backbone=dict(width=4))); img = torch.randn(3, 20, 28)
    assert torch.allclose(multiscale_cam(net, img.flip(-1)), multiscale_cam(net, img).flip(-1), atol=1e-4)
    cams = torch.rand(2, 5, 5); tags = torch.zeros(20); tags[[2, 9]] = 1
    full = torch.zeros(20, 5, 5); full[[2, 9]] = cams
    n = normalize_cams(full + torch.rand(20, 5, 5) * (1 - tags)[:, None, None], tags)
    assert torch.all(n[tags == 0] == 0) and torch.allclose(n[[2, 9]].flatten(1).amax(1), torch.ones(2), atol=1e-4)
    bg4, bg32 = add_background(n[[2, 9]], 4)[0], add_background(n[[2, 9]], 32)[0]
    assert torch.all(bg32 <= bg4 + 1e-7) and torch.allclose(bg4, (1 - n.amax(0)) ** 4)
