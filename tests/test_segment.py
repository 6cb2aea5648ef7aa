"The segmentation trainer as a user meets it: finished runs are reused, changed ones refused by name, bad input gives clear errors (resume, DDP and NaN: tests/test_learner.py)."
import numpy as np
import pytest
import torch
from wsslib.core import DataError, load_json, update_config
from conftest import make_world
from wsslib.data.voc import VOC, save_label, load_label
from wsslib.metrics import evaluate_dirs
from wsslib.learner import Callback
from wsslib.segment import SegConfig, train_segmentation, load_segnet, evaluate_segmentation, predict

TINY = dict(backbone=dict(width=8), head_channels=16, batch_size=4, aug=dict(crop=64), epochs=2, epoch_size=16)   # 4 steps per epoch

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    return make_world(tmp_path_factory, 'seg', seed=6, n_train=10, n_val=3)[0]/'world'

@pytest.fixture(scope='module')
def names(world):
    v = VOC(world); return v.names('train'), v.names('val')

@pytest.fixture(scope='module')
def weak(world, names, tmp_path_factory):
    "Proxy labels of the last 7 training images: the ground truth with every object given the next class id."
    d, voc = tmp_path_factory.mktemp('weak'), VOC(world)
    for n in names[0][3:]:
        g = voc.label(n); save_label(np.where((g > 0) & (g < 255), g % 20 + 1, g).astype(np.uint8), d/f'{n}.png')
    return {n: d/f'{n}.png' for n in names[0][3:]}

def _same_weights(a, b):
    sa, sb = load_segnet(a).state_dict(), load_segnet(b).state_dict()
    assert sa.keys() == sb.keys()
    diff = [k for k in sa if not torch.equal(sa[k], sb[k])]
    assert not diff, f'{len(diff)} tensors differ, e.g. {diff[:3]}'

@pytest.fixture(scope='module')
def reference(world, names, weak, tmp_path_factory):
    "Uninterrupted runs, one per mode."
    out = tmp_path_factory.mktemp('ref')
    return {m: (out/m, train_segmentation(world, out/m, names[0][:3], weak, update_config(SegConfig(), **TINY, checkpoint_every=3), m, progress=False)) for m in ('single', 'dual')}

def test_finished_run_is_reused_and_a_changed_one_is_not(world, names, weak, reference, tmp_path):
    ref_dir, ref = reference['single']
    before = (ref_dir/'model.pth').stat().st_mtime_ns
    again = train_segmentation(world, ref_dir, names[0][:3], weak, update_config(SegConfig(), **TINY, checkpoint_every=3), 'single', progress=False)
    assert again == load_json(ref_dir/'train.json') and (ref_dir/'model.pth').stat().st_mtime_ns == before
    assert load_json(ref_dir/'log.json') == ref['log'] and len(ref['log']) == 2
    with pytest.raises(DataError, match=r"model.pth: holds a segmentation network trained with other settings \(differs in \['epochs'\]\)"):
        train_segmentation(world, ref_dir, names[0][:3], weak, update_config(SegConfig(), **{**TINY, 'epochs': 3}), 'single', progress=False)

def test_bad_inputs_give_clear_errors(world, names, weak, tmp_path):
    tr, cfg = names[0], update_config(SegConfig(), **{**TINY, 'epochs': 1})
    with pytest.raises(DataError, match='strong set is empty'): train_segmentation(world, tmp_path/'a', {}, weak, cfg, progress=False)
    bad = tmp_path/'bad.png'; save_label(np.full((128, 128), 42, np.uint8), bad)
    with pytest.raises(DataError, match=r'bad.png: label has ids \[42\] outside'): train_segmentation(world, tmp_path/'a', tr[:3], {**weak, tr[3]: bad}, cfg, progress=False)
    with pytest.raises(DataError, match='missing.png.*label PNG.*not found'): train_segmentation(world, tmp_path/'a', {tr[0]: tmp_path/'missing.png'}, progress=False)
    with pytest.raises(DataError, match='ghost.jpg.*not found'): train_segmentation(world, tmp_path/'a', {'ghost': bad}, progress=False)
    small = tmp_path/'small.png'; save_label(np.zeros((64, 64), np.uint8), small)
    with pytest.raises(DataError, match='small.png: label is 64x64 but its image'): train_segmentation(world, tmp_path/'a', {tr[0]: small}, progress=False)
    with pytest.raises(ValueError, match='needs a weak set'): train_segmentation(world, tmp_path/'a', tr[:3], None, cfg, 'dual', progress=False)

def test_corrupt_or_missing_model_files_are_named(reference, tmp_path):
    src = reference['single'][0]/'model.pth'
    (tmp_path/'model.pth').write_bytes(src.read_bytes()[:300])
    with pytest.raises(DataError, match='model.pth: cannot read the checkpoint'): load_segnet(tmp_path/'model.pth')
    with pytest.raises(DataError, match='nothing.pth.*not found'): load_segnet(tmp_path/'nothing.pth')

def test_predict_writes_full_size_labels_scored_like_evaluate(world, names, reference, tmp_path):
    net = load_segnet(reference['dual'][0]/'model.pth')
    predict(net, world, names[1], tmp_path/'pred', progress=False)
    assert load_label(tmp_path/'pred'/f'{names[1][0]}.png').shape == VOC(world).label(names[1][0]).shape
    a = evaluate_segmentation(net, world, names[1], fold=1, progress=False)
    b = evaluate_dirs(tmp_path/'pred', world/'SegmentationClass', names[1], fold=1, progress=False)
    assert a['miou'] == pytest.approx(b['miou']) and a['miou_novel'] == pytest.approx(b['miou_novel'], nan_ok=True)


def test_dualbranch_cli_errors_are_clear(tmp_path):
    "`wsslib dualbranch` exists, and bad input is one clear line with exit status 2, no traceback."
    import sys, subprocess
    from pathlib import Path
    exe = Path(sys.executable).parent/'wsslib'; cmd = [str(exe)] if exe.exists() else [sys.executable, '-m', 'wsslib.cli']
    r = subprocess.run(cmd + ['dualbranch', '--data', 'voc', '--out', str(tmp_path/'r')], capture_output=True, text=True)
    assert r.returncode == 2 and '--root' in r.stderr and 'Traceback' not in r.stderr
    r = subprocess.run(cmd + ['dualbranch', '--root', str(tmp_path/'nowhere'), '--data', 'voc'], capture_output=True, text=True)
    assert r.returncode == 2 and 'nowhere' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'r').exists()

def test_two_runs_sharing_a_network_train_it_once(world, names, weak, tmp_path):
    "The lock on a run folder: two concurrent requests for one network train it once; the other waits and reuses it."
    import threading
    steps, out, res = [], tmp_path/'shared_net', {}
    class Count(Callback):
        def __init__(self, i): self.i = i
        def after_step(self, learn): steps.append(self.i)
    def go(i): res[i] = train_segmentation(root=world, out_dir=out, strong=names[0][:3], weak=weak, cfg=update_config(SegConfig(), **TINY), mode='single',
                                      callbacks=[Count(i)], progress=False)
    ts = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in ts: t.start()
    for t in ts: t.join(300)
    assert set(res) == {0, 1} and res[0] == res[1]
    assert len(steps) == 8 and len(set(steps)) == 1, f'{len(steps)} steps by {sorted(set(steps))}: trained twice'   # 2 epochs x 4 steps, by one run
