"CLI integration tests: `wsslib synth | info | eval | demo` as a user runs them, including bad input."
import json, time, shutil
import numpy as np
from pathlib import Path
from PIL import Image
import pytest
from conftest import run_cli
from wsslib.results import validate_results

def _labels(d):
    return {p.stem: np.array(Image.open(p)) for p in sorted(Path(d).glob('*.png'))}

def test_help_lists_subcommands():
    out = run_cli('--help').stdout
    for c in ('synth', 'info', 'eval', 'list', 'show', 'demo', 'cam', 'rrm', 'retab', 'dualbranch', 'a2gnn', 'fewshot'): assert c in out

@pytest.mark.parametrize('cmd', ['synth', 'info', 'eval', 'list', 'show', 'demo', 'cam', 'rrm', 'retab', 'dualbranch', 'a2gnn', 'fewshot'])
def test_every_command_has_help(cmd, capsys):
    from wsslib.cli import main
    with pytest.raises(SystemExit) as e: main([cmd, '--help'])       # flags built from the config dataclasses, help text and all
    assert e.value.code == 0 and '--' in capsys.readouterr().out

def test_info_counts_match_the_files(tiny_world, tmp_path):
    r = run_cli('info', tiny_world, '--json', tmp_path/'info.json')
    s = json.loads((tmp_path/'info.json').read_text())
    assert s['splits']['train'] == 24 and s['splits']['val'] == 8
    assert 'fold' in r.stdout.lower() and 'train' in r.stdout
    # base + novel = all train images, for every fold, and the novel count follows the PASCAL-5i rule
    labs = {n: set(np.unique(np.array(Image.open(tiny_world/'SegmentationClass'/f'{n}.png')))) - {0, 255}
            for n in (tiny_world/'ImageSets/Segmentation/train.txt').read_text().split()}
    for k in range(4):
        nov = set(range(5*k+1, 5*k+6))
        want = sum(bool(c & nov) for c in labs.values())
        assert s['folds'][str(k)]['samples']['train'] == {'base': 24 - want, 'novel': want}

def _independent_iou(preds, gts, n=21):
    "Confusion by explicit counting, independent of wsslib."
    tp = np.zeros(n); fp = np.zeros(n); fn = np.zeros(n)
    for k in gts:
        p, g = preds[k].astype(int), gts[k].astype(int)
        valid = g != 255
        for c in range(n):
            tp[c] += np.sum((p == c) & (g == c) & valid)
            fp[c] += np.sum((p == c) & (g != c) & valid)
            fn[c] += np.sum((p != c) & (g == c) & valid)
    den = tp + fp + fn
    return [None if d == 0 else t/d for t, d in zip(tp, den)]

def test_eval_matches_independent_count(tiny_world, tmp_path):
    gt_dir = tiny_world/'SegmentationClass'
    names = (tiny_world/'ImageSets/Segmentation/val.txt').read_text().split()
    rng = np.random.default_rng(0)
    pred_dir = tmp_path/'pred'; pred_dir.mkdir()
    preds, gts = {}, {}
    for n in names:
        g = np.array(Image.open(gt_dir/f'{n}.png'))
        p = np.where(rng.random(g.shape) < 0.3, rng.integers(0, 21, g.shape), np.where(g == 255, 0, g)).astype(np.uint8)
        Image.fromarray(p).save(pred_dir/f'{n}.png'); preds[n], gts[n] = p, g
    run_cli('eval', '--pred', pred_dir, '--gt', gt_dir, '--list', tiny_world/'ImageSets/Segmentation/val.txt',
            '--fold', 1, '--json', tmp_path/'r.json')
    r = json.loads((tmp_path/'r.json').read_text())
    want = _independent_iou(preds, gts)
    assert len(r['iou']) == 21
    for a, b in zip(r['iou'], want):
        assert (a is None and b is None) or abs(a - b) < 1e-12
    present = [w for w in want if w is not None]
    assert abs(r['miou'] - np.mean(present)) < 1e-12
    base = [want[c] for c in [0] + [c for c in range(1, 21) if c not in range(6, 11)] if want[c] is not None]
    novel = [want[c] for c in range(6, 11) if want[c] is not None]
    assert abs(r['miou_base'] - np.mean(base)) < 1e-12 and abs(r['miou_novel'] - np.mean(novel)) < 1e-12

def test_eval_perfect_prediction_scores_one(tiny_world, tmp_path):
    run_cli('eval', '--pred', tiny_world/'SegmentationClass', '--gt', tiny_world/'SegmentationClass', '--json', tmp_path/'r.json')
    assert json.loads((tmp_path/'r.json').read_text())['miou'] == 1.0

@pytest.mark.parametrize('case', ['empty', 'missing', 'bad_ids', 'size', 'corrupt'])
def test_eval_bad_input_names_the_file(tiny_world, tmp_path, case):
    gt = tiny_world/'SegmentationClass'; pred = tmp_path/'pred'; pred.mkdir()
    names = (tiny_world/'ImageSets/Segmentation/val.txt').read_text().split()[:3]
    for n in names: shutil.copy(gt/f'{n}.png', pred/f'{n}.png')
    lst = tmp_path/'list.txt'; lst.write_text('\n'.join(names) + '\n')
    culprit = names[1]
    if case == 'empty':
        for p in pred.glob('*.png'): p.unlink()
        culprit = 'pred'
    elif case == 'missing':
        (pred/f'{culprit}.png').unlink()
    elif case == 'bad_ids':
        Image.fromarray(np.full((8, 8), 42, np.uint8)).resize(Image.open(gt/f'{culprit}.png').size).save(pred/f'{culprit}.png')
    elif case == 'size':
        Image.fromarray(np.zeros((5, 7), np.uint8)).save(pred/f'{culprit}.png')
    elif case == 'corrupt':
        (pred/f'{culprit}.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
    r = run_cli('eval', '--pred', pred, '--gt', gt, '--list', lst, '--json', tmp_path/'r.json', check=False)
    assert r.returncode != 0, r.stdout
    assert culprit in r.stderr, r.stderr
    assert 'Traceback' not in r.stderr
    assert not (tmp_path/'r.json').exists()   # never a silent wrong number

def test_info_on_missing_folder_is_a_clear_error(tmp_path):
    r = run_cli('info', tmp_path/'nowhere', check=False)
    assert r.returncode != 0 and 'nowhere' in r.stderr and 'Traceback' not in r.stderr

def test_demo_quick_runs_the_pipeline_then_reuses_it(tmp_path):
    run_cli('synth', tmp_path/'world', '--n-train', 60, '--n-val', 6, '--size', 96, '--void-width', 3, '--quiet')
    args = ('demo', '--quick', '--root', tmp_path/'world', '--out', tmp_path/'run', '--methods', 'CAM+RW', 'CAM+RETAB+dual-branch', '--workers', 2, '--quiet')
    r1 = run_cli(*args)
    table = json.loads((tmp_path/'run'/'results.json').read_text())       # the schema: Table 1's rows, pseudo, pairs, meta
    validate_results(table); assert json.loads((tmp_path/'run'/'config.json').read_text())['config']['methods'] == ['CAM+RW', 'CAM+RETAB+dual-branch']
    assert set(table) == {'CAM+RW', 'CAM+RETAB+dual-branch', 'pseudo', 'meta'} and table['meta']['folds'] == [0]
    for m in ('CAM+RW', 'CAM+RETAB+dual-branch'): assert all(0 <= table[m][k] <= 1 for k in ('miou', 'miou_base', 'miou_novel')), table[m]
    assert list(table['pseudo']) == ['CAM', 'CAM+RW', 'CAM+RW(affgt+seggt)', 'CAM+RETAB'] and table['meta']['report'].endswith('report.md')   # the train pseudo labels, whatever is trained
    assert table['pseudo']['CAM+RETAB']['folds']['0']['miou_novel'] == table['pseudo']['CAM+RETAB']['miou_novel']
    res = json.loads((tmp_path/'run'/'details.json').read_text())         # the pipeline's full record
    for m in ('CAM+RW', 'CAM+RETAB+dual-branch'): assert table[m]['miou_novel'] == res[m]['miou_novel'] == res['per_fold']['0'][m]['runs'][0]['miou_novel']
    assert (tmp_path/'run'/'report.md').exists() and (tmp_path/'run'/'report_stages.png').stat().st_size > 1000
    assert 'CAM+RETAB+dual-branch' in r1.stdout and 'images' in r1.stdout      # the table, after the world's summary
    t0 = time.time(); r2 = run_cli(*args); assert time.time() - t0 < 60       # every stage cached
    tab = lambda o: o[o.index('| row |'):o.index('results:')]
    assert tab(r2.stdout) == tab(r1.stdout)
    # the networks trained side by side (2 processes) equal those trained one after the other in this process
    shutil.copytree(tmp_path/'run', tmp_path/'seq')
    shutil.rmtree(tmp_path/'seq'/'fold0'/'seg'); shutil.rmtree(tmp_path/'seq'/'shared'/'seg')
    run_cli(*[tmp_path/'seq' if a == tmp_path/'run' else (1 if a == 2 else a) for a in args])
    seq = json.loads((tmp_path/'seq'/'details.json').read_text())
    pick = lambda r, m: {k: r['per_fold']['0'][m][k] for k in ('miou', 'miou_base', 'miou_novel', 'steps')}
    for m in ('CAM+RW', 'CAM+RETAB+dual-branch'): assert pick(seq, m) == pick(res, m), (m, pick(seq, m), pick(res, m))
    # CAM+RW's network is shared by the folds (its labels do not depend on the fold): fold 1 reuses fold 0's
    rw = res['per_fold']['0']['CAM+RW']; assert '/shared/seg/' in rw['model'] and '/fold0/seg/' in res['per_fold']['0']['CAM+RETAB+dual-branch']['model']
    t_rw = (Path(rw['model']).parent/'train.json').stat().st_mtime_ns
    run_cli(*args, '--fold', 1)
    f1 = json.loads((tmp_path/'run'/'fold1'/'details.json').read_text())
    if f1['CAM+RW']['pseudo']['threshold'] == rw['pseudo']['threshold']:                    # same labels: the same network, not retrained
        assert f1['CAM+RW']['model'] == rw['model'] and (Path(rw['model']).parent/'train.json').stat().st_mtime_ns == t_rw
        assert f1['CAM+RW']['miou'] == rw['miou']                                           # all-class val mIoU does not depend on the fold
    else: assert f1['CAM+RW']['model'] != rw['model']                                        # other labels: a network of its own
    assert f1['CAM+RETAB+dual-branch']['model'] != res['per_fold']['0']['CAM+RETAB+dual-branch']['model']
    r3 = run_cli('demo', '--quick', '--root', tmp_path/'world', '--out', tmp_path/'run', '--methods', 'nope', '--quiet', check=False)
    assert r3.returncode == 2 and 'nope' in r3.stderr and 'Traceback' not in r3.stderr
    assert json.loads((tmp_path/'run'/'results.json').read_text())['meta']['folds'] == [1]   # the last successful run's table
    # a synthetic world: the dual-branch network's base ground truth had its void filled (PipelineConfig.void='auto')
    assert len(list((tmp_path/'run'/'shared'/'gt_void_filled').glob('*.png'))) == 60
    r4 = run_cli('demo', '--quick', '--root', tmp_path/'world', '--out', tmp_path/'run', '--void', 'fill', '--quiet', check=False)
    assert r4.returncode == 2 and 'nearest' in r4.stderr and 'Traceback' not in r4.stderr

def test_cam_all_on_a_tiny_world(tiny_world, tmp_path):
    r = run_cli('cam', 'all', '--root', tiny_world, '--out', tmp_path/'cam', '--epochs', 1, '--aug-crop', 64,
                '--scales', 1.0, '--quiet')
    res = json.loads((tmp_path/'cam'/'cam_results.json').read_text())
    assert 0 <= res['eval']['best_miou'] <= 1 and set(res['seconds']) >= {'train', 'infer', 'eval'}
    assert len(list((tmp_path/'cam'/'cam').glob('*.npz'))) == 24 and '| CAM |' in r.stdout
    table = json.loads((tmp_path/'cam'/'results.json').read_text()); assert table['CAM']['miou'] == res['eval']['best_miou']
    conf = json.loads((tmp_path/'cam'/'config.json').read_text())['config']; assert conf['epochs'] == 1 and conf['aug']['crop'] == 64   # a piece's prefixed flag
    r2 = run_cli('cam', 'infer', '--data', 'voc', '--out', tmp_path/'cam', check=False)
    assert r2.returncode == 2 and '--root' in r2.stderr
    # a finished classifier is reused (announced), --restart trains it again; an interrupted one resumes (tests/test_learner.py)
    ck = tmp_path/'cam'/'cam_classifier.pth'; stamp = ck.stat().st_mtime_ns
    r3 = run_cli('cam', 'train', '--root', tiny_world, '--out', tmp_path/'cam', '--epochs', 1, '--aug-crop', 64, '--scales', 1.0)
    assert ck.stat().st_mtime_ns == stamp and 'finished run with the same settings; reused' in r3.stdout
    r4 = run_cli('cam', 'train', '--root', tiny_world, '--out', tmp_path/'cam', '--epochs', 1, '--aug-crop', 64, '--scales', 1.0, '--quiet', '--restart')
    assert ck.stat().st_mtime_ns != stamp
    r5 = run_cli('cam', 'train', '--root', tiny_world, '--out', tmp_path/'cam', '--epochs', 2, '--aug-crop', 64, '--scales', 1.0, '--quiet', check=False)
    assert r5.returncode == 2 and "differs in ['epochs']" in r5.stderr and '--restart' in r5.stderr and 'Traceback' not in r5.stderr

def test_rrm_on_a_tiny_world_writes_results(tmp_path):
    world = tmp_path/'w'
    run_cli('synth', world, '--n-train', 16, '--n-val', 6, '--quiet')
    r = run_cli('rrm', '--root', world, '--out', tmp_path/'run', '--quiet')
    res = json.loads((tmp_path/'run'/'details.json').read_text())
    for k in ('cam_miou', 'reliable_precision', 'reliable_coverage', 'rrm_miou', 'rrm_twostep_miou'): assert 0 <= res[k] <= 1, k
    assert res['seconds']['total'] > 0
    table = json.loads((tmp_path/'run'/'results.json').read_text())
    rows = {'CAM': ('miou', 'cam_miou'), 'reliable regions': ('precision', 'reliable_precision'), 'RRM one-step': ('miou', 'rrm_miou'), 'RRM two-step': ('miou', 'rrm_twostep_miou')}
    for row, (m, k) in rows.items(): assert table[row][m] == res[k] and f'| {row} |' in r.stdout, row
