"Distributed training as a user launches it: `accelerate launch` with 2 CPU processes (gloo) on a tiny world."
import json, os, shutil, subprocess, sys, textwrap
from pathlib import Path
import pytest
from wsslib.core import load_json
from wsslib.data.synth import SynthConfig, generate_world
from wsslib.data.voc import VOC
from wsslib.segment import load_segnet, evaluate_segmentation

WORKER = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    import torch
    from wsslib.data.voc import VOC
    from wsslib.segment import SegConfig, train_segmentation, evaluate_segmentation
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    tr, val = VOC(root).names('train'), VOC(root).names('val')
    steps, state = [], {}
    def check(info):
        "After every step: gather each rank's weights and local loss."
        acc, model = info['accelerator'], info['model']
        flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        gathered = acc.gather(flat[None])                       # (processes, n_params)
        losses = acc.gather(torch.tensor([info['loss']]))
        steps.append(dict(step=info['step'], max_weight_diff=(gathered - gathered[0]).abs().max().item(), losses=losses.tolist()))
        state.update(info)
    cfg = SegConfig(width=8, head_channels=16, batch_size=4, crop=64, epochs=1, epoch_size=8, checkpoint_every=1)
    res = train_segmentation(root, out, tr[:4], tr[4:], cfg, 'dual', val_names=val, fold=0, callback=check, progress=False)
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
