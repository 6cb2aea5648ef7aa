"""Where a Table-1 fold's time goes: the cost of each operation at the synthetic defaults, times how often a fold does it.

Each operation is timed on one torch thread (the pipeline runs its networks on one thread each, two at a time), median of
`--reps` after a warm-up, on a small world generated here (per-image and per-step costs do not depend on the world's size).
The counts come from the default configs (`PipelineConfig.for_data('synthetic')` and `SynthConfig()`), so the table shows
serial CPU-seconds per fold; the pipeline's measured stage seconds (benchmarks/pipeline_s0/results.json) are printed
beside it as the check. Variants of the segmentation step (channels_last, bf16 autocast, smaller necks) are levers, not
changes: they are timed here so a change can be chosen by its measured gain.

    .venv/bin/python benchmarks/profile_fold.py --out benchmarks/profile_fold.json   # ~6 min on 2 cores, nothing else running
"""
import argparse, json, platform, resource, shutil, statistics, sys, tempfile, time
from datetime import date
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from PIL import Image

from wsslib.core import update_config
from wsslib.data.synth import SynthConfig, generate_world
from wsslib.data.voc import VOC
from wsslib.data.transforms import train_transforms
from wsslib.cam import CAMNet, multiscale_cam, crf_label_maps
from wsslib.affinity import AffinityNet, affinity_loss, pair_affinity, propagate
from wsslib.boundary import BoundaryNet, boundary_loss
from wsslib.segment import SegNet, DualBranchNet, PlannedSet, seg_loss, seg_probs, seg_plan
from wsslib.pipeline import PipelineConfig, METHODS


def timed(fn, reps, warm=1):
    "Median seconds of `fn()` over `reps` runs after `warm` warm-up runs."
    for _ in range(warm): fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def rss_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def train_step(net, loss_fn, x, y, cl=False, bf16=False):
    "One optimiser step's closure (forward, backward, AdamW) on a fixed batch."
    net.train(); opt = torch.optim.AdamW(net.parameters(), 1e-3)
    if cl: net, x = net.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    def step():
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): out = net(x)
        loss = loss_fn(out.float() if torch.is_tensor(out) else out, y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--reps', type=int, default=5); ap.add_argument('--out', default='')
    ap.add_argument('--md', default='', help='a report whose <!-- tables --> ... <!-- /tables --> section is re-rendered from the results')
    ap.add_argument('--world', default='', help='an existing world folder (default: generate 48 + 16 images in a temp dir)')
    a = ap.parse_args()
    torch.set_num_threads(1); torch.manual_seed(0)
    retab, seg, camc = PipelineConfig.for_data('synthetic'); wc = SynthConfig()
    tmp = Path(tempfile.mkdtemp()); root = Path(a.world) if a.world else tmp/'world'
    rows, notes = {}, {}
    def add(name, seconds, per_fold, what): rows[name] = dict(unit_s=round(seconds, 5), count=per_fold, fold_s=round(seconds * per_fold, 1), what=what); print(f'{name:38s} {seconds*1e3:9.2f} ms x {per_fold:7d} = {seconds*per_fold:8.1f} s   {what}', flush=True)

    n_tr, n_val = wc.n_train, wc.n_val
    if not a.world:
        t = time.perf_counter(); generate_world(root, SynthConfig(n_train=48, n_val=16), progress=False)
        add('world: generate one image', (time.perf_counter() - t) / 64, n_tr + n_val, 'draw, render, JPEG + PNG encode (once per world, not per fold)')
    voc = VOC(root); names = voc.names('train')[:16]
    imgs = [np.array(Image.open(root/'JPEGImages'/f'{n}.jpg').convert('RGB')) for n in names]
    gts = [np.array(Image.open(root/'SegmentationClass'/f'{n}.png')) for n in names]

    # ---- data: decode + augment, per training item
    items = [(n, root/'JPEGImages'/f'{n}.jpg', root/'SegmentationClass'/f'{n}.png') for n in names]
    ds = PlannedSet(items, seg); k = iter(range(10**9))
    n_base = round(0.75 * n_tr)                                                    # a fold's base samples: about 3/4 of train
    is_dual = lambda m: m.endswith('dual-branch')                                  # strong = base (ground truth), weak = novel (RETAB)
    seg_steps = {m: sum(len(seg_plan(n_base if is_dual(m) else n_tr, n_tr - n_base if is_dual(m) else 0, 'dual' if is_dual(m) else 'single', seg, e)) for e in range(seg.epochs)) for m in METHODS}
    seg_items = sum(seg_steps.values()) * seg.batch_size
    def decode(): return [(np.array(Image.open(p).convert('RGB')), np.array(Image.open(q))) for _, p, q in items[:8]]
    add('data: JPEG+PNG decode', timed(decode, a.reps) / 8, seg_items, 'per segmentation training item (6 networks)')
    add('data: decode + seg augmentation', timed(lambda: [ds[next(k) % len(ds)] for _ in range(8)], a.reps) / 8, seg_items, 'PlannedSet item: decode, random resize/crop/flip, normalise')
    tfm = train_transforms(seg.aug)
    add('data: seg augmentation only', timed(lambda: [tfm(imgs[i], gts[i]) for i in range(8)], a.reps) / 8, seg_items, 'the same from decoded arrays (a world kept in memory)')

    # ---- networks: one training step each, at the pipeline's batch and crop
    B, C = seg.batch_size, seg.aug.crop
    x, y = torch.randn(B, 3, C, C), torch.randint(0, 21, (B, C, C))
    ce = lambda out, y: seg_loss('single')((x, y, None), out, None)                # the library's loss: logits upsampled to the labels, masked CE
    strong = torch.arange(B) < B // 2
    dual = lambda out, y: seg_loss('dual')((x, y, strong), out, None)[0]            # the batch trick: half strong, half weak
    n_single = sum(v for m, v in seg_steps.items() if not m.endswith('dual-branch')); n_dual = seg_steps.get('CAM+RETAB+dual-branch', 0)
    notes['seg_steps'] = seg_steps
    add('seg: SegNet step (default)', timed(train_step(SegNet(seg), ce, x, y), a.reps), n_single, f'batch {B}, crop {C}, backbone width {seg.backbone.width}, neck {seg.neck_layers}x{seg.head_channels} ch')
    add('seg: DualBranchNet step', timed(train_step(DualBranchNet(seg), dual, x, y), a.reps), n_dual, 'both branches, the batch-trick loss')
    for label, kw in [('channels_last', dict(cl=True)), ('bf16 autocast', dict(bf16=True)), ('bf16 + channels_last', dict(cl=True, bf16=True))]:
        add(f'seg: SegNet step, {label}', timed(train_step(SegNet(seg), ce, x, y, **kw), a.reps), 0, 'lever')
    grid = lambda out, y: F.cross_entropy(out, y[:, 4::8, 4::8], ignore_index=255)        # labels nearest-downsampled to the stride-8 grid
    add('seg: SegNet step, loss on the grid', timed(train_step(SegNet(seg), grid, x, y), a.reps), 0, 'lever')
    add('seg: SegNet step, grid loss + bf16 + cl', timed(train_step(SegNet(seg), grid, x, y, cl=True, bf16=True), a.reps), 0, 'lever')
    for ch, nl in [(128, 2), (64, 2), (256, 1)]:
        add(f'seg: SegNet step, neck {nl}x{ch}', timed(train_step(SegNet(update_config(seg, head_channels=ch, neck_layers=nl, n_shared=min(nl, seg.n_shared))), ce, x, y), a.reps), 0, 'lever')
    for c in (96, 80, 64):
        xc, yc = x[..., :c, :c].contiguous(), y[..., :c, :c].contiguous()
        add(f'seg: SegNet step, crop {c}', timed(train_step(SegNet(seg), ce, xc, yc), a.reps), 0, 'lever')
    net = SegNet(seg); step = train_step(net, ce, x, y); step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(3): step()
    top = prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=14)
    notes['seg_step_top_ops'] = top; print(top)

    cam_net = CAMNet(camc, 20); cam_steps = camc.epochs * (n_tr // camc.batch_size)
    ml = lambda out, y: F.multilabel_soft_margin_loss(out, y)
    xb = torch.randn(camc.batch_size, 3, camc.aug.crop, camc.aug.crop); yb = (torch.rand(camc.batch_size, 20) < .2).float()
    add('cam: classifier step', timed(train_step(cam_net, ml, xb, yb), a.reps), cam_steps, f'batch {camc.batch_size}, crop {camc.aug.crop}, {camc.epochs} epochs')
    acfg = retab.affinity_config(); aff_net = AffinityNet(acfg)
    h = acfg.aug.crop // 8; lab = torch.randint(0, 3, (acfg.batch_size, h, h))
    def aff_loss(f, lab): return affinity_loss(pair_affinity(f, acfg.radius), lab, acfg.radius)['loss']
    xa = torch.randn(acfg.batch_size, 3, acfg.aug.crop, acfg.aug.crop)
    aff_steps = 3 * acfg.epochs * (n_tr // acfg.batch_size)                      # PSA's, affgt's and RETAB's AffinityNets
    add('affinity: AffinityNet step', timed(train_step(aff_net, aff_loss, xa, lab), a.reps), aff_steps, f'3 nets x {acfg.epochs} epochs, batch {acfg.batch_size}')
    bcfg = retab.boundary_config(0); bnet = BoundaryNet(bcfg)
    xbnd, ybnd = torch.randn(bcfg.batch_size, 3, bcfg.aug.crop, bcfg.aug.crop), torch.randint(0, 2, (bcfg.batch_size, bcfg.aug.crop, bcfg.aug.crop)).float()
    bnd_steps = bcfg.epochs * n_base // bcfg.batch_size                            # base samples only
    add('boundary: BoundaryNet step', timed(train_step(bnet, lambda o, t: boundary_loss(o, t), xbnd, ybnd), a.reps), bnd_steps, f'{bcfg.epochs} epochs over ~75 % of train, batch {bcfg.batch_size}')

    # ---- per-image inference
    cam_net.eval(); img_t = torch.randn(1, 3, wc.size, wc.size)
    with torch.no_grad(): add('cam: multi-scale CAM per image', timed(lambda: multiscale_cam(cam_net, img_t[0], camc.scales, camc.flip), a.reps), n_tr, f'scales {camc.scales}, flip {camc.flip}')
    cams = np.random.rand(2, wc.size, wc.size).astype(np.float32)
    add('cam: la + ha CRF per image', timed(lambda: crf_label_maps(imgs[0], [1, 2], cams, camc), a.reps), n_tr, 'two dense CRFs (pydensecrf2)')
    aff_net.eval()
    with torch.no_grad():
        emb = aff_net(torch.randn(1, 3, wc.size, wc.size)); aff = pair_affinity(emb, acfg.radius); sc = torch.rand(1, 3, wc.size, wc.size)
        add('walk: one sparse random walk', timed(lambda: propagate(aff, sc, acfg.beta, acfg.logt, acfg.radius), a.reps), 4 * n_tr, f'2^{acfg.logt} steps; CAM+RW, affgt, RETAB (2 stages) walks + the bg search')
        add('walk: AffinityNet forward per image', timed(lambda: aff_net(torch.randn(1, 3, wc.size, wc.size)), a.reps), 3 * n_tr, 'three nets infer the training images')
    net.eval()
    add('seg: evaluate one val image', timed(lambda: seg_probs(net, imgs[0]), a.reps), len(METHODS) * n_val, 'single scale')

    world_s = rows.get('world: generate one image', {}).get('fold_s', 0)
    serial = sum(r['fold_s'] for k, r in rows.items() if not k.startswith('world') and not k.startswith('data: JPEG') and not k.startswith('data: seg aug'))
    ref = Path(__file__).parent/'pipeline_s0'/'results.json'
    measured = json.loads(ref.read_text())['per_fold']['1'].get('seconds') if ref.exists() else None
    res = dict(machine=dict(platform=platform.platform(), processor=platform.processor(), cores=torch.get_num_threads(), torch=torch.__version__, python=sys.version.split()[0]),
               date=str(date.today()), threads=1, reps=a.reps, world=dict(n_train=n_tr, n_val=n_val, size=wc.size), rows=rows,
               serial_fold_s=round(serial, 1), world_s=round(world_s, 1), measured_fold_1=measured, peak_rss_mib=round(rss_mib()), notes=notes)
    print(f'\nserial CPU-seconds of one fold (counts x unit costs): {serial:.0f} s; world generation {world_s:.0f} s; peak RSS {rss_mib():.0f} MiB')
    if measured: print('measured (benchmarks/pipeline_s0, fold 1, two jobs at a time):', measured)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1)); print('wrote', a.out)
    if a.md: render(res, Path(a.md)); print('rendered the tables of', a.md)
    shutil.rmtree(tmp, ignore_errors=True)

def render(res, md:Path):
    "Re-render the tables between the markers of `md` from a results dict: fold costs by share, then the levers."
    rows = res['rows']; fold = {k: r for k, r in rows.items() if r['count'] and not k.startswith(('world', 'data: JPEG', 'data: seg aug'))}
    tot = sum(r['fold_s'] for r in fold.values())
    t = ['| operation | unit (ms) | count per fold | CPU-s per fold | share |', '|---|---:|---:|---:|---:|']
    t += [f"| {k} ({r['what']}) | {r['unit_s']*1e3:.1f} | {r['count']:,} | {r['fold_s']:,.0f} | {100*r['fold_s']/tot:.1f} % |" for k, r in sorted(fold.items(), key=lambda kv: -kv[1]['fold_s'])]
    t += [f'| **sum** | | | **{tot:,.0f}** | |', '', f"World generation (once per world): {rows['world: generate one image']['unit_s']*1e3:.1f} ms per image, {rows['world: generate one image']['fold_s']:.0f} s for the world." if 'world: generate one image' in rows else '',
          '', '| SegNet step variant (batch 8) | ms | speed-up |', '|---|---:|---:|']
    base = rows['seg: SegNet step (default)']['unit_s']
    t += [f"| {k.split(', ', 1)[1] if ', ' in k else 'default (crop 112, fp32, NCHW, loss at label size)'} | {r['unit_s']*1e3:.1f} | {base / r['unit_s']:.2f}x |" for k, r in rows.items() if k.startswith('seg: SegNet step')]
    txt = md.read_text(); a, b = txt.index('<!-- tables -->') + len('<!-- tables -->'), txt.index('<!-- /tables -->')
    md.write_text(txt[:a] + '\n' + '\n'.join(t) + '\n' + txt[b:])

if __name__ == '__main__': main()
