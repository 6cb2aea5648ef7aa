"""The full-scale path, exercised: the learner on synthetic images upscaled to 448 px (a local VOC layout), for CAM (ResNet-38,
PSA's VOC preset), AffinityNet (ResNet-38, PSA's preset, on la/ha labels made by that CAM), RETAB's DeepLab-ResNet-38 and the
DeepLab-v2 ResNet-101 (their VOC presets), with mixed precision on a GPU, plus RETAB's network under a 1-process `accelerate launch`.
Prints seconds per step, images per second and peak memory per network, and writes them as JSON.

No ImageNet weights can be downloaded here, so the backbones start from random weights (`pretrained=False`, every other preset
setting kept, frozen BatchNorm included, except on the ResNet-101: frozen BatchNorm on a random ResNet-101 lets the activations grow
through its 33 blocks and the loss is NaN by step 2, so there BatchNorm trains); pass `--weights-38 FILE` to load converted
ResNet-38 weights instead.

    python benchmarks/gpu_smoke.py                                  # on a GPU: the presets' batch sizes, 10 steps each (< 5 minutes on one GPU)
    python benchmarks/gpu_smoke.py --device cpu --steps 2 --batch-size 1 --json benchmarks/gpu_smoke_cpu.json   # the same path on a CPU
"""
import argparse, dataclasses, json, os, platform, resource, subprocess, sys, tempfile, time
from datetime import date
from pathlib import Path

NETS = ('cam', 'affinity', 'seg-retab', 'seg-deeplab')

def make_voc(root, n, size, seed=0):
    "A synthetic world of `n` training images, upscaled to size x size: images bicubic, labels nearest, in the VOC layout."
    import numpy as np
    from PIL import Image
    from wsslib.data.synth import SynthConfig, generate_world
    from wsslib.data.voc import VOC, save_label
    src = Path(root).parent/'world128'; generate_world(src, SynthConfig(seed=seed, n_train=n, n_val=2), progress=False)
    voc, out = VOC(src), Path(root)
    for d in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'): (out/d).mkdir(parents=True, exist_ok=True)
    for split in ('train', 'val'):
        names = voc.names(split); (out/'ImageSets/Segmentation'/f'{split}.txt').write_text('\n'.join(names) + '\n')
        for nm in names:
            Image.fromarray(voc.image(nm)).resize((size, size), Image.BICUBIC).save(out/'JPEGImages'/f'{nm}.jpg', quality=95)
            save_label(np.array(Image.fromarray(voc.label(nm)).resize((size, size), Image.NEAREST)), out/'SegmentationClass'/f'{nm}.png')
    return out

class StepTimer:
    "A learner callback: wall time of every step (synchronised on CUDA)."
    def __init__(self): self.t = [time.perf_counter()]
    def after_step(self, learn):
        import torch
        if learn.acc.device.type == 'cuda': torch.cuda.synchronize()
        self.t.append(time.perf_counter())

def _peak_mb(dev):
    import torch
    if dev == 'cuda': return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)       # Linux: KiB -> MiB, peak RSS of this process

def one(net, root, out, steps, batch, device, weights_38):
    "Train one network for `steps` steps through its wsslib entry point; returns its figures."
    import torch
    from wsslib.data.voc import VOC
    dev = 'cuda' if device != 'cpu' and torch.cuda.is_available() else 'cpu'
    if dev == 'cuda': torch.cuda.reset_peak_memory_stats()
    names, timer = VOC(root).names('train'), StepTimer()
    w38 = dict(backbone=dict(pretrained=bool(weights_38), weights_path=weights_38 or ''))
    if net == 'cam':
        from wsslib.cam import CAMConfig, train_classifier
        cfg = CAMConfig.psa_voc(**w38, train_split='train', infer_split='train', eval_split='train', val_split='', epochs=1, device=dev,
                                **({'batch_size': batch} if batch else {}))
        bs = cfg.batch_size; train_classifier(root, out, cfg, names=names[:bs * steps], progress=False, callbacks=[timer])
        what = f'CAM classifier, ResNet-38, crop {cfg.aug.crop}'
    elif net == 'affinity':
        from wsslib.cam import CAMConfig, CAMNet, infer_cams, make_crf_labels
        from wsslib.affinity import AffinityConfig, train_affinity
        cfg = AffinityConfig.psa_voc(**w38, train_split='train', infer_split='train', epochs=1, device=dev, **({'batch_size': batch} if batch else {}))
        bs = cfg.batch_size; sub = names[:bs * steps]
        ccfg = CAMConfig.psa_voc(backbone=dict(pretrained=False), scales=(1.0,), flip=False, crf_workers=0)        # la/ha labels from an untrained CAM: shapes matter, not quality
        infer_cams(CAMNet(ccfg).eval(), root, sub, out/'cam', ccfg, progress=False); make_crf_labels(root, sub, out/'cam', ccfg, progress=False)
        if dev == 'cuda': torch.cuda.reset_peak_memory_stats()
        timer = StepTimer(); train_affinity(root, out/'cam', out/'aff', cfg, names=sub, progress=False, callbacks=[timer])
        what = f'AffinityNet, ResNet-38, crop {cfg.aug.crop}'
    else:
        from wsslib.segment import SegConfig, train_segmentation
        mk = SegConfig.retab_voc if net == 'seg-retab' else SegConfig.deeplab_voc
        kw = w38 if net == 'seg-retab' else dict(backbone=dict(pretrained=False, frozen_bn=False))   # frozen BN on a random ResNet-101 diverges (NaN at step 2): train it
        cfg = mk(**kw, epochs=1, **({'batch_size': batch} if batch else {}))
        bs = cfg.batch_size; cfg = dataclasses.replace(cfg, epoch_size=bs * steps)
        train_segmentation(root, out, names[:bs * steps], cfg=cfg, progress=False, callbacks=[timer])
        what = f"DeepLab ({cfg.head}), {cfg.backbone.name}, crop {cfg.aug.crop}"
    dt = [b - a for a, b in zip(timer.t, timer.t[1:])]
    rest = dt[1:] or dt                                                                  # the first step pays for warm-up
    mp = 'bf16' if dev == 'cuda' and torch.cuda.is_bf16_supported() else ('fp16' if dev == 'cuda' else 'no')
    return dict(net=net, what=what, device=dev, precision=mp, batch_size=bs, steps=len(dt), s_per_step=round(sum(rest) / len(rest), 3),
                first_step_s=round(dt[0], 3), images_per_s=round(bs / (sum(rest) / len(rest)), 2), peak_mb=_peak_mb(dev),
                processes=int(os.environ.get('WORLD_SIZE', '1')))

def _child(args, net, root, work, launch=False):
    "Run one network in a fresh process (so that its peak memory is its own), optionally under `accelerate launch`."
    cmd = [sys.executable, __file__, '--one', net, '--root', str(root), '--work', str(work/net), '--steps', str(args.steps),
           '--batch-size', str(args.batch_size), '--device', args.device] + (['--weights-38', args.weights_38] if args.weights_38 else [])
    if launch:
        acc = Path(sys.executable).parent/'accelerate'
        pre = [str(acc), 'launch'] if acc.exists() else [sys.executable, '-m', 'accelerate.commands.launch']
        mp = 'no' if args.device == 'cpu' else 'bf16'
        cmd = pre + ['--num_processes', '1', '--num_machines', '1', '--mixed_precision', mp, '--dynamo_backend', 'no'] + (['--cpu'] if args.device == 'cpu' else []) + cmd[1:]
        cmd[cmd.index('--work') + 1] = str(work/f'{net}-launch')
    env = {**os.environ, 'HF_HUB_OFFLINE': '1'}
    t0 = time.perf_counter(); r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0: return dict(net=net + (' (accelerate launch)' if launch else ''), error=(r.stderr or r.stdout)[-1500:])
    res = json.loads(r.stdout.strip().splitlines()[-1]); res['wall_s'] = round(time.perf_counter() - t0, 1)
    if launch: res['net'] += ' (accelerate launch)'
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cuda', choices=('cuda', 'cpu'), help='where to train (default: cuda)')
    p.add_argument('--steps', type=int, default=10, help='optimizer steps per network (default: 10)')
    p.add_argument('--batch-size', type=int, default=0, help="images per step (default 0: each preset's own: CAM 16, AffinityNet 8, RETAB 4, DeepLab 10)")
    p.add_argument('--size', type=int, default=448, help='image side in pixels (default: 448)')
    p.add_argument('--nets', nargs='+', default=list(NETS) + ['launch'], help=f"which to run: {', '.join(NETS)}, launch (default: all)")
    p.add_argument('--weights-38', default='', help='converted ImageNet ResNet-38 weights (default: random initialisation)')
    p.add_argument('--json', default='', help='also write the figures to this JSON file')
    p.add_argument('--work', default='', help='work folder (default: a temporary one)'); p.add_argument('--root', default='')
    p.add_argument('--one', default='', help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(args.one, Path(args.root), Path(args.work), args.steps, args.batch_size, args.device, args.weights_38))); return
    import torch
    if args.device == 'cuda' and not torch.cuda.is_available(): sys.exit('gpu_smoke: no CUDA device is visible; use --device cpu')
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work or tmp); t0 = time.perf_counter()
        n = args.steps * (args.batch_size or 16)
        root = make_voc(work/'voc448', n, args.size); print(f'world: {n} training images at {args.size} px in {time.perf_counter() - t0:.1f} s', flush=True)
        rows = []
        for net in args.nets:
            r = _child(args, 'seg-retab' if net == 'launch' else net, root, work, launch=net == 'launch'); rows.append(r)
            print(json.dumps(r), flush=True)
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() and args.device == 'cuda' else ''
    meta = dict(date=str(date.today()), machine=platform.processor() or platform.machine(), cpus=os.cpu_count(), gpu=gpu, torch=torch.__version__,
                size=args.size, steps=args.steps, batch_size=args.batch_size or 'preset', weights='random' if not args.weights_38 else args.weights_38,
                seconds=round(time.perf_counter() - t0, 1))
    print(f"\n| network | device | precision | batch | s/step | images/s | peak MiB |\n|---|---|---|---|---|---|---|")
    for r in rows:
        if 'error' in r: print(f"| {r['net']} | FAILED: {r['error'].splitlines()[-1][:120]} | | | | | |"); continue
        print(f"| {r['net']}: {r['what']} | {r['device']} | {r['precision']} | {r['batch_size']} | {r['s_per_step']} | {r['images_per_s']} | {r['peak_mb']} |")
    if args.json: Path(args.json).write_text(json.dumps(dict(meta=meta, rows=rows), indent=2) + '\n')
    if any('error' in r for r in rows): sys.exit(1)

if __name__ == '__main__': main()
