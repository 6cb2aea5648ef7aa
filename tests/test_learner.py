"""The one learner as a user meets it: a run killed by SIGKILL mid-epoch resumes to the weights of an uninterrupted run (with any number of
DataLoader workers), `accelerate launch` over 2 CPU processes (gloo) keeps identical weights and reduces metrics exactly, and a NaN loss
stops training with an error naming the step."""
from wsslib.core import update_config
import json, os, signal, subprocess, sys, textwrap
from pathlib import Path
import pytest
import torch
from wsslib.core import DataError, load_json
from wsslib.data.synth import SynthConfig, generate_world
from wsslib.data.voc import VOC
from wsslib.learner import TrainConfig, fit
from wsslib.segment import load_segnet, evaluate_segmentation

TASK = textwrap.dedent('''
    "A tiny conv net with BatchNorm and dropout on images whose augmentation draws random numbers: every RNG the learner seeds matters."
    import torch, torch.nn as nn
    from wsslib.config import OptimConfig
    from wsslib.learner import TrainConfig, Callback, fit
    class Images(torch.utils.data.Dataset):
        def __init__(self): g = torch.Generator().manual_seed(0); self.x = torch.rand(40, 3, 12, 12, generator=g)
        def __len__(self): return len(self.x)
        def __getitem__(self, i):
            x = self.x[i] + 0.1 * torch.randn(3, 12, 12)                       # augmentation: noise from the global RNG
            if torch.rand(()) < 0.5: x = x.flip(-1)
            return x, (self.x[i].mean() > 0.5).long()
    def net():
        torch.manual_seed(0)
        return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Dropout(0.3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    def ce(batch, out, learn): return nn.functional.cross_entropy(out, batch[1])
    CFG = dict(epochs=3, batch_size=8, optim=OptimConfig(lr=1e-2), checkpoint_every=2)
''')

KILL = TASK + textwrap.dedent('''
    import os, signal, sys
    class Die(Callback):
        def after_step(self, learn):
            if learn.step == int(sys.argv[2]): os.kill(os.getpid(), signal.SIGKILL)   # no cleanup, no handler: a hard kill
    fit(net(), ce, Images(), TrainConfig(**CFG), sys.argv[1], [Die()], progress=False)
''')

def _task(tmp_path):
    (tmp_path/'task.py').write_text(TASK); sys.path.insert(0, str(tmp_path))
    import importlib, task; importlib.reload(task); sys.path.pop(0)
    return task

def _weights(sd): return torch.cat([v.flatten().float() for v in sd.values()])

def test_sigkill_mid_epoch_then_resume_gives_the_uninterrupted_weights(tmp_path):
    task = _task(tmp_path)
    ref = fit(task.net(), task.ce, task.Images(), TrainConfig(**task.CFG), tmp_path/'ref', progress=False)
    (tmp_path/'kill.py').write_text(KILL)
    r = subprocess.run([sys.executable, str(tmp_path/'kill.py'), str(tmp_path/'run'), '8'], capture_output=True, text=True, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    ck = torch.load(tmp_path/'run'/'model_checkpoint.pth', weights_only=True)
    assert (ck['epoch'], ck['step_in_epoch'], ck['step']) == (1, 1, 6), 'step 6 is mid-epoch 2 (5 steps per epoch); steps 7-8 were lost'
    assert not (tmp_path/'run'/'model.pth').exists() and not list((tmp_path/'run').glob('.*.tmp'))
    # resume with DataLoader workers: each item's augmentation depends on its seed only, not on who draws it
    cfg = TrainConfig(**{**task.CFG, 'num_workers': 2})
    res = fit(task.net(), task.ce, task.Images(), cfg, tmp_path/'run', progress=False)
    assert res.resumed_from == 6 and res.finished
    got, want = torch.load(tmp_path/'run'/'model.pth', weights_only=True), torch.load(tmp_path/'ref'/'model.pth', weights_only=True)
    assert got['model'].keys() == want['model'].keys()
    diff = [k for k in want['model'] if not torch.equal(got['model'][k], want['model'][k])]
    assert not diff, f'{len(diff)} tensors differ after the resume, e.g. {diff[:3]}'
    assert [e['loss'] for e in res.log] == [e['loss'] for e in ref.log]
    other = fit(task.net(), task.ce, task.Images(), TrainConfig(**{**task.CFG, 'seed': 1}), progress=False)
    assert not torch.equal(_weights(other.net.state_dict()), _weights(want['model']))       # the comparison can fail

def test_nan_loss_stops_with_the_step_and_keeps_the_checkpoint(tmp_path):
    task = _task(tmp_path)
    def bad(batch, out, learn): return task.ce(batch, out, learn) * (float('inf') if learn.step == 7 else 1.)
    with pytest.raises(DataError, match=r'NaN/inf at step 7 \(epoch 2\)') as e: fit(task.net(), bad, task.Images(), TrainConfig(**task.CFG), tmp_path, progress=False)
    assert 'lower the learning rate (optim.lr=0.01' in str(e.value) and 'model_checkpoint.pth holds the last good state' in str(e.value)
    assert torch.load(tmp_path/'model_checkpoint.pth', weights_only=True)['step'] == 6

WORKER = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    import torch
    from wsslib.data.voc import VOC
    from wsslib.learner import Callback
    from wsslib.core import update_config
    from wsslib.segment import SegConfig, train_segmentation, evaluate_segmentation
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    tr, val = VOC(root).names('train'), VOC(root).names('val')
    steps, state = [], {}
    class Check(Callback):
        "After every step: gather each rank's weights and local loss."
        def after_step(self, learn):
            acc = learn.acc
            flat = torch.cat([p.detach().reshape(-1) for p in learn.net.parameters()])
            gathered = acc.gather(flat[None])                       # (processes, n_params)
            losses = acc.gather(learn.loss.detach().reshape(1))
            steps.append(dict(step=learn.step, max_weight_diff=(gathered - gathered[0]).abs().max().item(), losses=losses.tolist()))
            state.update(model=learn.net, accelerator=acc)
    cfg = update_config(SegConfig(), backbone=dict(width=8), head_channels=16, batch_size=4, aug=dict(crop=64), epochs=1, epoch_size=8, checkpoint_every=1)
    res = train_segmentation(root, out, tr[:4], tr[4:], cfg, 'dual', val_names=val, fold=0, callbacks=[Check()], progress=False)
    ev = evaluate_segmentation(state['model'], root, val, fold=0, accelerator=state['accelerator'], progress=False)
    if state['accelerator'].is_main_process:
        (out/'dist.json').write_text(json.dumps(dict(steps=steps, eval=ev, train_val=res['val'], processes=state['accelerator'].num_processes)))
''')

def _launcher():
    exe = Path(sys.executable).parent/'accelerate'
    return [str(exe), 'launch'] if exe.exists() else [sys.executable, '-m', 'accelerate.commands.launch']

def test_two_cpu_processes_keep_identical_weights_and_reduce_miou_exactly(tmp_path):
    root = tmp_path/'world'; generate_world(root, SynthConfig(seed=8, n_train=8, n_val=5), progress=False)
    (tmp_path/'worker.py').write_text(WORKER)
    env = {**os.environ, 'CUDA_VISIBLE_DEVICES': '', 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    cmd = _launcher() + ['--multi_gpu', '--num_processes', '2', '--num_machines', '1', '--mixed_precision', 'no', '--dynamo_backend', 'no',
                         '--main_process_port', '0', str(tmp_path/'worker.py'), str(root), str(tmp_path/'run')]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    d = json.loads((tmp_path/'run'/'dist.json').read_text())
    assert d['processes'] == 2 and load_json(tmp_path/'run'/'train.json')['processes'] == 2
    assert len(d['steps']) == 2
    for s in d['steps']:
        assert s['max_weight_diff'] == 0.0, s                      # DDP: both ranks hold the same weights after every step
        assert s['losses'][0] != s['losses'][1], s                 # ... although each rank trained on its own shard
    # the reduced mIoU equals a single-process evaluation of the same network (model.pth holds the ranks' weights)
    single = evaluate_segmentation(load_segnet(tmp_path/'run'/'model.pth'), root, VOC(root).names('val'), fold=0, progress=False)
    for k in ('miou', 'miou_base', 'miou_novel'):
        for got in (d['eval'][k], d['train_val'][k]):
            assert got == pytest.approx(single[k], abs=1e-12, nan_ok=True), (k, got, single[k])
    assert d['eval']['iou'] == single['iou']
