"""Empirical check of the synthetic world's design (not part of the library).
Trains a tiny GAP+1x1 CAM classifier on image tags for a fixed CPU time budget, then measures where its CAMs fire
(part vs body vs elsewhere), a rough CAM mIoU, and how far colour similarity / a colour dense CRF leaks into distractors.
Usage: .venv/bin/python benchmarks/probes/synth_world_check.py [train_seconds] [lib|nb]   (default lib = the installed wsslib.data.synth; nb = a jupytext source _scratch/04_synth.py)
Recorded 2026-11-21 (2 shared cores, 1 thread, 240 s): val mAP 0.986; CAM > 0.3 of max covers 97% of parts, 68% of bodies; CAM mIoU 54%.
Note the recipe that works here: AdamW lr 2e-3, whole 128-px images (no resize/crop), brightness/contrast jitter only."""
import io, sys, time, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image
torch.set_num_threads(int(__import__('os').environ.get('THREADS', 1)))  # 1 thread is faster when other jobs share the 2 cores; torch.manual_seed(0)
budget = float(sys.argv[1]) if len(sys.argv) > 1 else 120
if len(sys.argv) < 3 or sys.argv[2] == 'lib':
    from wsslib.data import synth as ns; ns = vars(ns)
else:
    ns = {}; exec(compile(open('/work/main/_scratch/04_synth.py').read(), 'synth', 'exec'), ns)
cfg = ns['SynthConfig']()

def jpeg(img):
    b = io.BytesIO(); Image.fromarray(img).save(b, format='JPEG', quality=cfg.jpeg_quality); return np.array(Image.open(b))

def make(split, n):
    t = time.time(); S = [ns['render_sample'](ns['sample_rng'](cfg.seed, split, i), cfg) for i in range(n)]
    for s in S: s['image'] = jpeg(s['image'])
    print(f'{split}: {n} images rendered in {time.time()-t:.1f}s', flush=True); return S
tr, va = make('train', cfg.n_train), make('val', cfg.n_val)

def tensors(S):
    x = torch.tensor(np.stack([s['image'] for s in S])).permute(0, 3, 1, 2).float() / 255
    y = torch.zeros(len(S), 20)
    for i, s in enumerate(S):
        for o in s['objects']: y[i, o['cls'] - 1] = 1
    return (x - 0.5) / 0.25, y
xtr, ytr = tensors(tr); xva, yva = tensors(va)

def block(i, o, s): return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))
class Net(nn.Module):
    def __init__(s, w=24):
        super().__init__()
        s.f = nn.Sequential(block(3, 16, 2), block(16, 32, 2), block(32, 64, 1), block(64, 96, 2), block(96, 128, 1), block(128, 128, 1))
        s.cls = nn.Conv2d(128, 20, 1, bias=False)
    def forward(s, x): return s.cls(F.adaptive_avg_pool2d(s.f(x), 1)).flatten(1)
    def cam(s, x): return F.relu(s.cls(s.f(x)))
net = Net(); opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)

def jitter(x):  # brightness/contrast + channel-mix hue-ish jitter, horizontal flip
    b = x.shape[0]; x = x * (1 + 0.3 * (torch.rand(b, 1, 1, 1) - .5)) + 0.3 * (torch.rand(b, 1, 1, 1) - .5)
    flip = torch.rand(b) < .5; x[flip] = x[flip].flip(-1); return x

t0, ep, step = time.time(), 0, 0
while time.time() - t0 < budget:
    net.train(); perm = torch.randperm(len(xtr))
    for i in range(0, len(perm) - 31, 32):
        idx = perm[i:i+32]; loss = F.multilabel_soft_margin_loss(net(jitter(xtr[idx].clone())), ytr[idx])
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
        if time.time() - t0 > budget: break
    ep += 1
    net.eval()
    with torch.no_grad(): p = torch.cat([net(xva[i:i+100]) for i in range(0, len(xva), 100)])
    acc = ((p > 0) == (yva > 0)).all(1).float().mean().item()
    from torchmetrics.functional.classification import multilabel_average_precision as aps
    print(f'epoch {ep} step {step} t={time.time()-t0:.0f}s loss={loss.item():.3f} val exact-match={acc:.3f} mAP={aps(p, yva.long(), num_labels=20).item():.3f}', flush=True)

# ---- CAM analysis on val
net.eval()
with torch.no_grad(): cams = torch.cat([F.interpolate(net.cam(xva[i:i+100]), size=cfg.size, mode='bilinear', align_corners=False) for i in range(0, len(xva), 100)]).numpy()
tau = 0.3
mass = dict(part=0., body=0., other_obj=0., distractor=0., background=0.); rec_part, rec_body, mpart, mbody = [], [], [], []
conf = {t: np.zeros((21, 21)) for t in np.arange(0.05, 0.6, 0.05)}
for i, s in enumerate(va):
    inst, part, lab = s['instance'], s['part'], s['label']
    classes = sorted({o['cls'] for o in s['objects']})
    norm = {c: cams[i, c-1] / (cams[i, c-1].max() + 1e-5) for c in classes}
    for c in classes:
        hot = norm[c] > tau; w = norm[c] * hot
        objc = np.isin(inst, [k for k, o in enumerate(s['objects'], 1) if o['cls'] == c])
        partc = objc & (part > 0); bodyc = objc & (part == 0)
        other = (inst != 0) & (inst != 255) & ~objc
        mass['part'] += w[partc].sum(); mass['body'] += w[bodyc].sum(); mass['other_obj'] += w[other].sum()
        mass['distractor'] += w[s['distractor'] & ~s['void']].sum(); mass['background'] += w[(inst == 0) & ~s['distractor']].sum()
        rec_part.append(hot[partc].mean()); rec_body.append(hot[bodyc].mean()); mpart.append(norm[c][partc].mean()); mbody.append(norm[c][bodyc].mean())
    for t, M in conf.items():
        sc = np.stack([np.full(lab.shape, t)] + [norm[c] for c in classes]); pred = np.array([0] + classes)[sc.argmax(0)]
        v = lab != 255; M += np.bincount(lab[v].astype(int) * 21 + pred[v], minlength=441).reshape(21, 21)
tot = sum(mass.values()); print('CAM mass above %.1f of max:' % tau, {k: round(v / tot, 3) for k, v in mass.items()})
print(f'mean recall of CAM>{tau}: part {np.mean(rec_part):.3f} body {np.mean(rec_body):.3f}; mean normalised CAM: part {np.mean(mpart):.3f} body {np.mean(mbody):.3f}')
def miou(M): iou = np.diag(M) / (M.sum(0) + M.sum(1) - np.diag(M)); return np.nanmean(iou), iou
best = max(conf, key=lambda t: miou(conf[t])[0]); m, iou = miou(conf[best])
print(f'CAM mIoU (GT tags, bg threshold {best:.2f}): {m:.3f}; bg IoU {iou[0]:.3f}; fg mean {np.nanmean(iou[1:]):.3f}')
print('per-threshold mIoU', {round(float(t), 2): round(miou(M)[0], 3) for t, M in conf.items()})

# ---- colour similarity: pixels as close in colour to an object's mean body colour as 80% of its body pixels
frac = dict(body=0., part=0., other_obj=0., distractor=0., background=0.)
for s in va:
    img = s['image'].astype(float) / 255; inst, part = s['instance'], s['part']
    for k, o in enumerate(s['objects'], 1):
        body = (inst == k) & (part == 0)
        if body.sum() < 20: continue
        mu = np.median(img[body], 0); d = np.linalg.norm(img - mu, axis=-1); r = np.quantile(d[body], 0.8); near = (d <= r) & (inst != 255)
        frac['body'] += (near & body).sum(); frac['part'] += (near & (inst == k) & (part > 0)).sum()
        frac['other_obj'] += (near & (inst > 0) & (inst != k)).sum()
        frac['distractor'] += (near & s['distractor']).sum(); frac['background'] += (near & (inst == 0) & ~s['distractor']).sum()
tot = sum(frac.values()); print('colour-similar pixels (80% body recall):', {k: round(v / tot, 3) for k, v in frac.items()})

# ---- dense CRF with colour-only pairwise on the CAM (PSA-style, bg from (1-max)^alpha)
import pydensecrf.densecrf as dcrf
from pydensecrf.utils import unary_from_softmax
conf_cam, conf_crf = np.zeros((21, 21)), np.zeros((21, 21)); leak_cam = leak_crf = fg_cam = fg_crf = 0
for i, s in enumerate(va):
    lab = s['label']; classes = sorted({o['cls'] for o in s['objects']})
    fg = np.stack([cams[i, c-1] / (cams[i, c-1].max() + 1e-5) for c in classes])
    bg = (1 - fg.max(0)) ** 8; sc = np.concatenate([bg[None], fg]); keys = np.array([0] + classes)
    prob = np.clip(sc / sc.sum(0, keepdims=True), 1e-5, 1)
    d = dcrf.DenseCRF2D(cfg.size, cfg.size, len(keys)); d.setUnaryEnergy(unary_from_softmax(prob))
    d.addPairwiseGaussian(sxy=3, compat=3); d.addPairwiseBilateral(sxy=20, srgb=13, rgbim=np.ascontiguousarray(s['image']), compat=10)
    q = np.array(d.inference(10)).reshape(len(keys), cfg.size, cfg.size)
    for P, M in ((keys[sc.argmax(0)], conf_cam), (keys[q.argmax(0)], conf_crf)):
        v = lab != 255; M += np.bincount(lab[v].astype(int) * 21 + P[v], minlength=441).reshape(21, 21)
    pc, pr = keys[sc.argmax(0)] > 0, keys[q.argmax(0)] > 0
    leak_cam += (pc & s['distractor']).sum(); fg_cam += pc.sum(); leak_crf += (pr & s['distractor']).sum(); fg_crf += pr.sum()
print(f'CAM (alpha=8) mIoU {miou(conf_cam)[0]:.3f}, CRF mIoU {miou(conf_crf)[0]:.3f}; share of predicted fg on distractors: CAM {leak_cam/fg_cam:.3f}, CRF {leak_crf/fg_crf:.3f}')
dist_share = np.mean([s['distractor'].mean() for s in va]); print(f'distractor share of all pixels: {dist_share:.3f}')
