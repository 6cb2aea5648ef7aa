"Diagnostics of a `wsslib dualbranch` run: per network, val mIoU, shape (fg/bg IoU, classes ignored) and where ground-truth foreground goes (background / a wrong class). Usage: python benchmarks/probes/dualbranch_diag.py WORLD RUN (writes RUN/diag.json)."
import sys, numpy as np, torch, json
from wsslib.segment import load_segnet, seg_probs, SegEnsemble
from wsslib.data.voc import VOC
from wsslib.metrics import confusion_matrix, iou_from_confusion, summarize_iou
torch.set_num_threads(1)
root, run = sys.argv[1], sys.argv[2]; voc = VOC(root); val = voc.names('val')
nets = {v: load_segnet(f'{run}/{v}/model.pth') for v in ('strong-only', 'mixed', 'dual-branch')}
wb = load_segnet(f'{run}/dual-branch/model.pth'); wb.strong, wb.weak = wb.weak, wb.strong; nets['dual weak branch'] = wb
out = {}
for v, m in nets.items():
    cm = np.zeros((21, 22), np.int64); cm2 = np.zeros((2, 3), np.int64); exact = 0
    for n in val:
        img, gt = voc.sample(n); p = seg_probs(m, img).argmax(0).numpy()
        cm += confusion_matrix(p, gt); cm2 += confusion_matrix((p > 0).astype(np.int64), np.where(gt == 255, 255, gt > 0).astype(np.int64), 2)
        pc = set(np.unique(p[p > 0]).tolist()) if (p > 0).any() else set(); gc = set(np.unique(gt).tolist()) - {0, 255}
        exact += pc == gc
    c = cm[:, :21]; fg = slice(1, 21)
    out[v] = dict(miou=summarize_iou(iou_from_confusion(cm))['miou'], fg_bg_iou=float(np.nanmean(iou_from_confusion(cm2))),
                  fg_as_bg=float(c[fg, 0].sum() / c[fg].sum()), fg_wrong_class=float((c[fg, fg].sum() - np.trace(c[fg, fg])) / c[fg].sum()),
                  bg_as_fg=float(c[0, 1:].sum() / c[0].sum()), images_exact_classes=exact / len(val))
    print(v, {k: round(x, 3) for k, x in out[v].items()}, flush=True)
json.dump(out, open(f'{run}/diag.json', 'w'), indent=1)
