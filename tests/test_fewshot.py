"`wsslib.fewshot.run_fewshot` on a tiny world: results.json per shot count, cache reuse, determinism; bad input fails clearly."
import json
import pytest
import torch
from wsslib.core import DataError
from wsslib.data.synth import SynthConfig, generate_world
from wsslib.fewshot import FewShotConfig, run_fewshot

CFG = FewShotConfig(width=8, pre_epochs=1, pre_batch_size=8, d=8, iters=8, batch_size=4, episodes=16, min_pixels=40)

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    "A 64 px world with enough val images for 5-shot episodes of fold 0, and a 1-shot run whose networks are cached."
    d = tmp_path_factory.mktemp('fewshot')
    generate_world(d/'w', SynthConfig(seed=2, n_train=60, n_val=160, size=64, void_width=2), progress=False)
    res = run_fewshot(d/'w', d/'k1', fold=0, shots=1, seed=0, cfg=CFG, progress=False, cache_dir=d/'cache')
    return d, res

def _check(r, keys):
    for k in keys:
        assert 0 <= r[k]['miou'] <= 1 and 0 <= r[k]['fbiou'] <= 1, (k, r[k])
        assert set(r[k]['iou']) == {'aeroplane', 'bicycle', 'bird', 'boat', 'bottle'}

def test_one_shot_results(world):
    d, res = world
    saved = json.loads((d/'k1'/'details.json').read_text())
    _check(saved, ('baseline', 'sgm'))
    assert saved['fold'] == 0 and saved['shots'] == 1 and saved['episodes'] == CFG.episodes
    assert {'backbone', 'features', 'train_baseline', 'train_sgm', 'test_baseline', 'test_sgm', 'total'} <= set(saved['seconds'])
    assert not any(saved['reused'].values())
    assert all((d/'cache'/f).exists() for f in ('backbone.pth', 'baseline.pth', 'sgm.pth'))

def test_five_shot_reuses_the_one_shot_model(world, tmp_path):
    d, res = world
    r5 = run_fewshot(d/'w', tmp_path/'k5', fold=0, shots=5, seed=0, cfg=CFG, progress=False, cache_dir=d/'cache')
    _check(json.loads((tmp_path/'k5'/'details.json').read_text()), ('baseline', 'sgm-average', 'sgm-cgm', 'baseline-cgm'))
    assert 'sgm' not in r5 and all(r5['reused'].values())

def test_deterministic(world, tmp_path):
    d, res = world
    again = run_fewshot(d/'w', tmp_path/'k1', fold=0, shots=1, seed=0, cfg=CFG, progress=False)   # trains from scratch
    for k in ('baseline', 'sgm'): assert again[k]['miou'] == res[k]['miou'] and again[k]['fbiou'] == res[k]['fbiou']

def test_bad_fold_and_shots(world, tmp_path):
    d, _ = world
    with pytest.raises(ValueError, match='fold must be in 0..3'): run_fewshot(d/'w', tmp_path/'r', fold=4, cfg=CFG, progress=False)
    with pytest.raises(ValueError, match='shots must be >= 1'): run_fewshot(d/'w', tmp_path/'r', shots=0, cfg=CFG, progress=False)
    assert not (tmp_path/'r').exists()

def test_missing_root(tmp_path):
    with pytest.raises(DataError, match='dataset root not found'): run_fewshot(tmp_path/'nope', tmp_path/'r', cfg=CFG, progress=False)

def test_too_few_images_for_the_shots(world, tmp_path):
    d, _ = world
    with pytest.raises(DataError) as e: run_fewshot(d/'w', tmp_path/'r', fold=0, shots=60, cfg=CFG, progress=False)
    assert 'val.txt' in str(e.value) and '60-shot episodes need 61 images' in str(e.value)
    assert not (tmp_path/'r').exists()                                             # failed before writing anything

def test_cache_from_other_settings_is_refused(world, tmp_path):
    d, _ = world
    import dataclasses
    with pytest.raises(DataError, match=r"backbone.pth: holds a backbone made with other settings \(differs in \['pre_epochs'\]\)"):
        run_fewshot(d/'w', tmp_path/'r', fold=0, cfg=dataclasses.replace(CFG, pre_epochs=2), progress=False, cache_dir=d/'cache')
    with pytest.raises(DataError, match=r"differs in \['fold'\]"):
        run_fewshot(d/'w', tmp_path/'r', fold=1, cfg=CFG, progress=False, cache_dir=d/'cache')

def test_corrupt_checkpoint(world, tmp_path):
    d, _ = world
    (tmp_path/'c').mkdir(); (tmp_path/'c'/'backbone.pth').write_bytes((d/'cache'/'backbone.pth').read_bytes()[:100])
    with pytest.raises(DataError, match='backbone.pth: cannot read the checkpoint'):
        run_fewshot(d/'w', tmp_path/'r', fold=0, cfg=CFG, progress=False, cache_dir=tmp_path/'c')
    torch.save({'kind': 'wsslib.cam', 'model': {}}, tmp_path/'c'/'backbone.pth')
    with pytest.raises(DataError, match='not a wsslib few-shot backbone checkpoint'):
        run_fewshot(d/'w', tmp_path/'r', fold=0, cfg=CFG, progress=False, cache_dir=tmp_path/'c')


def test_cli(world, tmp_path, capsys):
    "`wsslib fewshot` builds its flags from FewShotConfig, reuses the cache and writes results.json; bad flags exit cleanly."
    from wsslib.cli import main
    d, res = world
    main(['fewshot', '--root', str(d/'w'), '--fold', '0', '--shots', '1', '--out', str(tmp_path/'c'), '--cache', str(d/'cache'), '--width', '8',
          '--pre-epochs', '1', '--pre-batch-size', '8', '--d', '8', '--iters', '8', '--batch-size', '4', '--episodes', '16', '--min-pixels', '40', '--quiet'])
    saved = json.loads((tmp_path/'c'/'results.json').read_text())
    assert saved['sgm']['miou'] == res['sgm']['miou'] and saved['sgm']['fbiou'] == res['sgm']['fbiou'] and 'fbiou' in capsys.readouterr().out
    assert saved['meta']['folds'] == [0] and saved['meta']['shots'] == 1 and 'sgm - baseline' in saved['pairs']
    with pytest.raises(SystemExit) as e: main(['fewshot', '--root', str(d/'w'), '--fold', '5', '--out', str(tmp_path/'x')])
    assert e.value.code == 2 and 'fold must be in 0..3' in capsys.readouterr().err and not (tmp_path/'x').exists()
