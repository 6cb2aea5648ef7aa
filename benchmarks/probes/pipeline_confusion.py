"""Where the val pixels of a fold's novel classes go, for every network of every row of a `wsslib demo` run.

usage: python benchmarks/probes/pipeline_confusion.py ROOT RUN FOLD   (RUN as given to `wsslib demo --out`, all repeats read)

Per network, means over the fold's novel classes (%): predicted / ground-truth area, recall, precision, the share of
the class's pixels predicted as a base class (miss_base) or background (miss_bg), and the share of its predicted pixels
that are background (fp_bg) or a base class (fp_base). Void pixels are not counted.
"""
import sys, json, numpy as np, torch
from pathlib import Path
from wsslib.pipeline import load_network, net_dir
from wsslib.segment import predict
from wsslib.data.voc import VOC
from wsslib.data.folds import novel_classes
from wsslib.metrics import confusion_matrix

def confusion(model, root, names, gts, n:int)->np.ndarray:
    "Pixel confusion matrix (ground truth x prediction, void ground truth skipped) of a network on the named images."
    return sum(confusion_matrix(np.asarray(p), gts[name], n)[:, :n] for name, p in predict(model, root, names, progress=False))

def novel_errors(C:np.ndarray, nov:list)->dict:
    "The measures of the module docstring from a confusion matrix."
    base = [c for c in range(1, len(C)) if c not in nov]; row, col = C.sum(1), C.sum(0)
    m = lambda f: float(np.mean([f(c) for c in nov]))
    return dict(area=m(lambda c: col[c] / row[c]), recall=m(lambda c: C[c, c] / row[c]), precision=m(lambda c: C[c, c] / col[c]),
                miss_base=m(lambda c: C[c, base].sum() / row[c]), miss_bg=m(lambda c: C[c, 0] / row[c]),
                fp_bg=m(lambda c: C[0, c] / col[c]), fp_base=m(lambda c: C[base, c].sum() / col[c]))

if __name__ == '__main__':
    torch.set_num_threads(1)
    root, run, fold = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    voc = VOC(root); val = voc.names('val'); nov = list(novel_classes(fold)); gts = {n: voc.label(n) for n in val}
    fres = json.loads((run/f'fold{fold}'/'details.json').read_text()); res = {}
    for m in ('CAM+RW', 'CAM+RW(seggt)', 'CAM+RW(affgt+seggt)', 'CAM+RETAB', 'CAM+RETAB+dual-branch', 'Fully Oracle'):
        for r, x in enumerate(fres.get(m, {}).get('runs', [])):
            C = confusion(load_network(x['model'], fold), root, val, gts, voc.n_classes)
            res[f'{m} r{r}'] = e = novel_errors(C, nov)
            print(f'{m:22s} r{r}', ' '.join(f'{k} {100 * v:5.1f}' for k, v in e.items()), flush=True)
    print(json.dumps({k: {a: round(100 * b, 1) for a, b in v.items()} for k, v in res.items()}))
