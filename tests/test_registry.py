"The method registry and the CLI generated from it: `wsslib list`, the shared flags on every method, and every method's --quick run writing config.json and results.json in the one schema."
import json, math
from pathlib import Path
import pytest
from conftest import run_cli
from wsslib.cli import build_parser, main
from wsslib.registry import METHODS, SHARED_FLAGS
from wsslib.results import validate_results, ROW_KEYS, RESERVED, is_row

SEVEN = ['cam', 'rrm', 'retab', 'dualbranch', 'a2gnn', 'fewshot', 'demo']

def test_list_shows_the_seven_methods():
    out = run_cli('list').stdout.splitlines()
    assert [l.split()[0] for l in out] == SEVEN
    for l, m in zip(out, SEVEN): assert METHODS[m].description in l

def _actions(name):
    p = build_parser([name])
    sub = next(a for a in p._actions if a.dest == 'command').choices[name]
    return {o: a for a in sub._actions for o in a.option_strings}

def test_every_shared_flag_exists_on_every_method_with_the_same_meaning():
    ref = None
    for name in SEVEN:
        acts = _actions(name)
        got = {f: (acts['--' + f].dest, acts['--' + f].default, acts['--' + f].help.replace(name, 'METHOD')) for f in SHARED_FLAGS}
        if ref is None: ref = got
        assert got == ref, name                                   # same destination, default and help on every method
        flags = [o for o in acts if o.startswith('--')]
        assert len(flags) == len(set(flags)), name                 # one flag per name: config fields named like shared flags have none

def test_method_help_builds_without_torch():
    "Every method's flags come from wsslib.config, which imports without torch: `wsslib NAME --help` stays cheap."
    import subprocess, sys
    code = ("import sys\nfrom wsslib.cli import main\nfor m in %r:\n    try: main([m, '--help'])\n    except SystemExit: pass\n"
            "print('TORCH', 'torch' in sys.modules)") % (SEVEN,)
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith('TORCH False'), r.stdout[-300:]
    for flag in ('--optim-lr', '--aug-crop', '--tau', '--supervision', '--cgm-iou', '--seg-epochs'): assert flag in r.stdout, flag   # the methods' own flags are there

def _check_run(out, method, repeats=1):
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['method'] == method and isinstance(cfg['config'], dict) and cfg['seed'] == 0
    assert cfg['versions']['torch'] and cfg['versions']['numpy'] and cfg['machine']['cpus'] >= 1 and cfg['date']
    res = json.loads((out/'results.json').read_text())
    validate_results(res)
    assert res['meta']['method'] == method and res['meta']['repeats'] == repeats and res['meta']['config'] == 'config.json'
    rows = {k: v for k, v in res.items() if k not in RESERVED and is_row(v)}
    assert rows, res
    def fractions(r):
        ms = {k: v for k, v in r.items() if k not in ROW_KEYS}
        assert ms and all(v is None or 0 <= v <= 1 for v in ms.values()), ms
        assert r['n'] == repeats == len(r['repeats'])
    for k, v in res.items():
        if k in RESERVED: continue
        for r in ([v] if is_row(v) else v.values()): fractions(r)
    for p, d in res.get('pairs', {}).items():
        a, b = p.split(' - '); assert a in rows and b in rows
        for m, s in d.items():
            assert s['n'] >= 1 and (s['mean'] is None or -1 <= s['mean'] <= 1)
            if s['mean'] is not None and s['n'] == len(rows[a]['repeats']) and not rows[a]['folds']:   # no folds: paired by repeat
                assert math.isclose(s['mean'], rows[a][m] - rows[b][m], abs_tol=1e-9), (p, m)
    return res

QUICK_RUNS = [('cam', []), ('rrm', []), ('retab', ['--fold', '1']), ('dualbranch', ['--n-strong', '8']), ('a2gnn', ['--supervision', 'scribble'])]

def test_every_registered_method_has_a_quick_run_test():
    "A new method must add itself to a --quick schema test (fewshot needs a bigger world, demo's is in test_cli)."
    assert {m for m, _ in QUICK_RUNS} | {'fewshot', 'demo'} == set(METHODS)

@pytest.mark.parametrize('method,extra', QUICK_RUNS)
def test_every_method_quick_writes_the_schema(tiny_world, tmp_path, method, extra):
    r = run_cli(method, '--quick', '--root', tiny_world, '--out', tmp_path/'run', '--quiet', *extra)
    res = _check_run(tmp_path/'run', method)
    assert 'results.json' in r.stdout and '| row |' in r.stdout
    if method == 'retab': assert res['meta']['folds'] == [1] and set(res['CAM+RETAB']['folds']) == {'1'} and 'novel samples' in res
    assert (tmp_path/'run'/('cam_results.json' if method == 'cam' else 'details.json')).exists()
    assert run_cli('show', tmp_path/'run').stdout.count('| row |') >= 1

@pytest.fixture(scope='module')
def fewshot_world(tmp_path_factory):
    d = tmp_path_factory.mktemp('fsw')/'w'
    run_cli('synth', d, '--seed', 2, '--n-train', 60, '--n-val', 160, '--size', 64, '--void-width', 2, '--quiet')
    return d

def test_fewshot_quick_writes_the_schema(fewshot_world, tmp_path):
    run_cli('fewshot', '--quick', '--root', fewshot_world, '--out', tmp_path/'run', '--fold', 0, '--quiet')
    res = _check_run(tmp_path/'run', 'fewshot')
    assert set(res) >= {'baseline', 'sgm', 'pairs', 'meta'} and 'fbiou' in res['sgm']

def test_repeats_from_outside(tiny_world, tmp_path):
    "A method without repeats of its own is run once per seed SEED + 1000 r and merged: n, sd and paired differences."
    run_cli('cam', '--quick', '--root', tiny_world, '--out', tmp_path/'run', '--repeats', 2, '--quiet')
    res = _check_run(tmp_path/'run', 'cam', repeats=2)
    a, b = (x['miou'] for x in res['CAM']['repeats'])
    assert a != b and res['CAM']['sd']['miou'] > 0                          # two seeds, two networks
    assert math.isclose(res['CAM']['miou'], (a + b) / 2)
    assert (tmp_path/'run'/'repeat1'/'cam_results.json').exists()
    assert json.loads((tmp_path/'run'/'repeat1'/'cam_results.json').read_text())['config']['seed'] == 1000
    assert json.loads((tmp_path/'run'/'config.json').read_text())['seeds'] == [0, 1000]

@pytest.mark.parametrize('args,msg', [
    (['cam', '--fold', '2'], '--fold does not apply to cam'),
    (['fewshot', '--epochs', '3'], '--epochs does not apply to fewshot'),
    (['a2gnn', '--backbone', 'resnet38'], '--backbone does not apply to a2gnn'),
    (['rrm', '--preset', 'voc'], 'rrm has no presets'),
    (['dualbranch', '--preset', 'nope'], 'dualbranch has the presets voc, deeplab_voc, retab_voc'),
    (['retab', '--fold', '4'], '--fold must be in 0..3'),
    (['demo', '--fold', '7'], '--fold must be in 0..3 or all'),
    (['cam', '--repeats', '0'], '--repeats must be >= 1'),
    (['cam', '--weights', 'missing.pth'], 'missing.pth: weights file not found'),
    (['cam', '--quick', '--data', 'voc', '--root', '.'], 'cannot be combined'),
])
def test_bad_shared_flags_are_refused_clearly(tmp_path, capsys, args, msg):
    with pytest.raises(SystemExit) as e: main(args + ['--out', str(tmp_path/'r')])
    err = capsys.readouterr().err
    assert e.value.code == 2 and msg in err and 'Traceback' not in err, err
    assert not (tmp_path/'r').exists()                                   # refused before anything ran

def test_shared_flags_reach_the_config(tmp_path):
    "--weights sets weights_path and pretrained, --backbone/--epochs/--batch-size/--device the same-named fields (loading the file is tested in test_backbones)."
    from wsslib.registry import method_config
    (tmp_path/'r50.pth').write_bytes(b'')
    a = build_parser(['cam']).parse_args(['cam', '--backbone', 'resnet50', '--weights', str(tmp_path/'r50.pth'), '--epochs', '1', '--batch-size', '3', '--device', 'cpu', '--seed', '4'])
    cfg = method_config(METHODS['cam'], a)
    assert (cfg.backbone.name, cfg.backbone.weights_path, cfg.backbone.pretrained, cfg.epochs, cfg.batch_size, cfg.device, cfg.seed) == ('resnet50', str(tmp_path/'r50.pth'), True, 1, 3, 'cpu', 4)
    a = build_parser(['a2gnn']).parse_args(['a2gnn', '--batch-size', '2', '--epochs', '5'])
    cfg = method_config(METHODS['a2gnn'], a); assert (cfg.aff_batch, cfg.epochs) == (2, 5)
    a = build_parser(['demo']).parse_args(['demo', '--epochs', '3', '--repeats', '2'])
    assert method_config(METHODS['demo'], a).seg_epochs == 3
