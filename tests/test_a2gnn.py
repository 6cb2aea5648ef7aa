"A²GNN on a tiny world: results.json, pseudo labels and timings for every supervision; bad input fails with a clear error."
import json
import numpy as np
import pytest
from wsslib.core import DataError
from conftest import make_world
from wsslib.data.voc import VOC, load_label
from wsslib.a2gnn import A2GNNConfig
from wsslib.a2gnn_run import load_affinity_cnn, run_a2gnn

FAST = dict(n_images=4, aff_epochs=1, aff_batch=4, epochs=6, crop=56, resize_long=(56, 72))

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    "A 16-image world of 64 px and a quick CAM run on it."
    return make_world(tmp_path_factory, 'a2gnn', cam=True, seed=0, n_train=16, n_val=2, size=64, void_width=2)

def _check_labels(d, out, names, res):
    voc = VOC(d/'world')
    for n in names[:FAST['n_images']]:
        lab = load_label(out/'a2gnn'/f'{n}.png')
        assert lab.shape == voc.label(n).shape
        assert set(np.unique(lab).tolist()) <= {0} | set(np.unique(voc.label(n)).tolist()) - {255}, n   # only the image's classes
        assert (out/'seeds'/f'{n}.png').exists()
        t = res['per_image_seconds'][n]; assert t['graph'] > 0 and t['train'] > 0

@pytest.mark.parametrize('kind', ['box', 'tag'])
def test_run_writes_results(world, kind):
    d, names = world; out = d/f'run_{kind}'
    res = run_a2gnn(d/'world', out, kind, 0, A2GNNConfig(cam_dir=str(d/'cam'), ablations=('no_prior', 'no_mp', 'rw'), **FAST), progress=False)
    assert json.loads((out/'details.json').read_text())['a2gnn_miou'] == res['a2gnn_miou']
    for k in ('seed_miou', 'seed_coverage', 'a2gnn_miou', 'seed_precision'): assert 0 <= res[k] <= 1, (k, res[k])
    assert res['n_images'] == 4 and res['graph_seconds_mean'] > 0 and res['train_seconds_mean'] > 0
    assert set(res['ablation']) == ({'no_prior', 'no_mp'} if kind == 'box' else {'no_prior', 'rw'})   # MP needs boxes; the walk is for tags and points
    if kind == 'tag': assert res['ablation']['rw'] != res['a2gnn_miou']                            # the thesis's fusion with the walk changes the labels
    if kind == 'tag': assert 0 <= res['cam_rw_miou'] <= 1 and (out/'psa'/'rw').is_dir()
    _check_labels(d, out, names, res)

def test_rerun_is_deterministic_and_reuses_the_affinity_cnn(world):
    "Same settings: same numbers, the affinity CNN reused; another supervision in the same folder retrains it."
    d, _ = world; cfg = A2GNNConfig(cam_dir=str(d/'cam'), **FAST)
    a = run_a2gnn(d/'world', d/'rerun', 'scribble', 0, cfg, progress=False); stamp = (d/'rerun'/'affinity_cnn.pth').stat().st_mtime_ns
    b = run_a2gnn(d/'world', d/'rerun', 'scribble', 0, cfg, progress=False)
    assert (d/'rerun'/'affinity_cnn.pth').stat().st_mtime_ns == stamp
    assert a['a2gnn_miou'] == b['a2gnn_miou'] and a['seed_miou'] == b['seed_miou']
    run_a2gnn(d/'world', d/'rerun', 'box', 0, cfg, progress=False)
    assert (d/'rerun'/'affinity_cnn.pth').stat().st_mtime_ns != stamp                        # other labels: trained again, never reused

def test_point(world):
    d, names = world
    res = run_a2gnn(d/'world', d/'run_point', 'point', 0, A2GNNConfig(cam_dir=str(d/'cam'), **FAST), progress=False)
    assert 0 < res['seed_coverage'] <= 1; _check_labels(d, d/'run_point', names, res)

def test_bad_input(world, tmp_path):
    d, _ = world
    with pytest.raises(ValueError, match='supervision must be one of'): run_a2gnn(d/'world', tmp_path/'x', 'mask', 0, A2GNNConfig(**FAST))
    (tmp_path/'emptycam').mkdir()
    with pytest.raises(DataError, match='CAM file missing'): run_a2gnn(d/'world', tmp_path/'y', 'box', 0, A2GNNConfig(cam_dir=str(tmp_path/'emptycam'), **FAST), progress=False)
    (tmp_path/'bad.pth').write_bytes(b'not a checkpoint')
    with pytest.raises(DataError, match='bad.pth: cannot read the checkpoint'): load_affinity_cnn(tmp_path/'bad.pth')
    with pytest.raises(ValueError, match="attention must be"): A2GNNConfig(attention='sparse')
    with pytest.raises(ValueError, match='ablations must be among'): A2GNNConfig(ablations=('no_gnn',))

def test_cli(world, capsys):
    "`wsslib a2gnn` builds its flags from A2GNNConfig and writes results.json."
    from wsslib.cli import main
    d, _ = world; out = d/'run_cli'
    main(['a2gnn', '--supervision', 'scribble', '--root', str(d/'world'), '--out', str(out), '--cam-dir', str(d/'cam'), '--n-images', '4',
          '--aff-epochs', '1', '--aff-batch', '4', '--epochs', '6', '--crop', '56', '--resize-long', '56', '72', '--quiet'])
    res = json.loads((out/'results.json').read_text())
    det = json.loads((out/'details.json').read_text())
    assert 0 <= res['A2GNN']['miou'] <= 1 and res['A2GNN']['miou'] == det['a2gnn_miou'] and res['seeds']['coverage'] == det['seed_coverage']
    assert res['meta']['supervision'] == 'scribble' and '| A2GNN |' in capsys.readouterr().out
    with pytest.raises(SystemExit): main(['a2gnn', '--supervision', 'polygon', '--root', str(d/'world')])
