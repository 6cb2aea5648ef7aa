"`wsslib retab` on a tiny world: results.json (schema) and details.json with every method; bad input fails with a clear error."
import contextlib, io, json
from pathlib import Path
import pytest
from conftest import make_world
from wsslib.cli import main
from wsslib.retab import BG_THRESHOLDS, METHODS

FLAGS = ['--radius', '3', '--aff-epochs', '1', '--bnd-epochs', '1', '--crop', '56', '--resize-long', '56', '72', '--logt', '4', '--quiet']

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    "A 40-image world of 64 px and a quick CAM run on it."
    return make_world(tmp_path_factory, 'retab', cam=True, seed=0, n_train=40, n_val=2, size=64, void_width=2)

def _run(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out): main(args)
    return out.getvalue()

def test_cli_writes_results(world):
    d, _ = world
    txt = _run(['retab', '--root', str(d/'world'), '--cam-dir', str(d/'cam'), '--fold', '0', '--out', str(d/'run')] + FLAGS)
    res = json.loads((d/'run'/'results.json').read_text())              # the schema: rows, sub-tables, pairs, meta
    assert set(res) == set(METHODS) | {'fixed threshold', 'novel samples', 'pairs', 'meta'} and res['meta']['folds'] == [0]
    det = json.loads((d/'run'/'details.json').read_text())              # the runner's full record
    assert det['fold'] == 0
    for k in METHODS:
        for r in (det[k], det[k]['novel_samples']):
            assert all(0 <= r[x] <= 1 for x in ('miou', 'miou_base', 'miou_novel')), (k, r)
        assert res['novel samples'][k]['miou_novel'] == det[k]['novel_samples']['miou_novel']
        assert res[k]['miou'] == det[k].get('search_bg', det[k])['miou']    # the rows: RETAB's search-bg protocol
    assert {'boundary', 'rw', 'affgt', 'retab', 'eval', 'wall'} <= set(det['seconds'])
    assert 'cam' not in det['seconds'] and det['config']['cam_dir'] == str(d/'cam')   # --cam-dir: CAM is read, not rerun
    for k in METHODS[1:]:                                            # the walks under RETAB's "search bg" protocol
        sb = det[k]['search_bg']
        assert sb['threshold'] in BG_THRESHOLDS and all(0 <= sb[x] <= 1 for x in ('miou', 'miou_base', 'miou_novel')), (k, sb)
    assert (d/'run'/'retab'/'search_bg_fold0.json').exists()
    for k in METHODS[1:]:                                            # ... and their labels at the chosen t, for the segmentation stage
        assert len(list(Path(det[k]['search_bg']['labels']).glob('*.png'))) == 40, k
    assert 'CAM+RETAB' in txt and 'CAM+RETAB - CAM+RW' in res['pairs']

def test_the_chains_side_by_side_give_the_labels_of_one_after_the_other(world):
    "RETABConfig.workers=2 (the default) runs boundary net -> RETAB beside PSA -> affgt in two processes: one process gives the same labels."
    d, _ = world
    args = lambda out, *more: ['retab', '--root', str(d/'world'), '--cam-dir', str(d/'cam'), '--fold', '0', '--out', str(d/out), *more] + FLAGS
    if not (d/'run'/'details.json').exists(): _run(args('run'))
    _run(args('seq', '--workers', '1'))
    a, b = (json.loads((d/o/'details.json').read_text()) for o in ('run', 'seq'))
    assert a['config']['retab']['workers'] == 2 and b['config']['retab']['workers'] == 1
    strip = lambda r: {k: ({**v, 'labels': None} if k == 'search_bg' else v) for k, v in r.items()}
    for k in METHODS: assert strip(a[k]) == strip(b[k]), k
    for k in METHODS[1:]:
        la, lb = (sorted(Path(r[k]['search_bg']['labels']).glob('*.png')) for r in (a, b))
        assert len(la) == 40 and [f.read_bytes() for f in la] == [f.read_bytes() for f in lb], k
    assert set(a['seconds']) == set(b['seconds']) and a['seconds']['wall'] > 0

def test_one_walk_writes_the_labels_infer_walk_and_infer_retab_write(world, tmp_path):
    "Each chain walks its images once (labels and background search from the same walk): its labels equal a separate infer_walk / infer_retab pass."
    from wsslib.affinity import infer_walk, load_affinity_net
    from wsslib.core import update_config
    from wsslib.data.voc import VOC
    from wsslib.retab import RETABConfig, infer_retab
    d, _ = world; run = d/'run'
    if not (run/'details.json').exists(): _run(['retab', '--root', str(d/'world'), '--cam-dir', str(d/'cam'), '--fold', '0', '--out', str(run)] + FLAGS)
    cfg = update_config(RETABConfig(), **json.loads((run/'details.json').read_text())['config']['retab']); acfg = cfg.affinity_config()
    names = VOC(d/'world').names('train')
    for sub in ('psa', 'affgt'):
        infer_walk(load_affinity_net(run/sub/'affinity_net.pth'), d/'world', d/'cam', names, tmp_path/sub, acfg, progress=False)
    infer_retab(load_affinity_net(run/'retab'/'affinity_net.pth'), d/'world', d/'cam', run/'boundary', names, tmp_path/'retab', cfg, progress=False)
    for mine, theirs in ((run/'psa'/'rw', tmp_path/'psa'/'rw'), (run/'affgt'/'rw', tmp_path/'affgt'/'rw'), (run/'retab'/'retab', tmp_path/'retab'/'retab')):
        a, b = sorted(mine.glob('*.png')), sorted(theirs.glob('*.png'))
        assert len(a) == 40 and [f.name for f in a] == [f.name for f in b], mine
        assert [f.read_bytes() for f in a] == [f.read_bytes() for f in b], mine

def _fails(args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as e: main(args)
    assert e.value.code == 2
    return err.getvalue()

def test_fold_out_of_range(world, tmp_path):
    d, _ = world
    assert 'fold must be in 0..3' in _fails(['retab', '--root', str(d/'world'), '--cam-dir', str(d/'cam'), '--fold', '4', '--out', str(tmp_path/'r')] + FLAGS)
    assert not (tmp_path/'r').exists()

def test_missing_cam_file(world, tmp_path):
    d, names = world
    import shutil; shutil.copytree(d/'cam', tmp_path/'cam')
    (tmp_path/'cam'/'cam'/f'{names[3]}.npz').unlink()
    msg = _fails(['retab', '--root', str(d/'world'), '--cam-dir', str(tmp_path/'cam'), '--fold', '1', '--out', str(tmp_path/'r')] + FLAGS)
    assert f'{names[3]}.npz' in msg and 'CAM file missing' in msg

def test_a_data_error_raised_in_a_worker_reaches_the_caller_whole():
    "Stages in spawned processes (RETABConfig.workers, train_networks) send their DataError back pickled: path, problem and fix survive."
    import pickle
    from wsslib.core import DataError
    e = pickle.loads(pickle.dumps(DataError('/x/run', 'holds a net trained with other settings (differs in [a])', 'use another folder')))
    assert type(e) is DataError and e.path == Path('/x/run') and e.fix == 'use another folder' and 'differs in [a]' in str(e) and str(e).startswith('/x/run: ')
