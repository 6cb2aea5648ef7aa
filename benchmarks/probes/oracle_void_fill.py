"""Control: the Fully Oracle trained on ground truth whose void band is filled with the nearest label.

usage: python benchmarks/probes/oracle_void_fill.py ROOT RUN SEED OUT
  ROOT  the synthetic world (data/synthetic, data/synthetic-s1, ...)
  RUN   a `wsslib demo` run of that world (for the CAM classifier that initialises the network, as in the pipeline)
  SEED  training seed (the pipeline's first oracle network uses the world's seed)
  OUT   folder for the filled labels (OUT/labels) and the network (OUT/net)

Same settings as the pipeline's oracle (`SegConfig()`, init from the CAM classifier); prints val mIoU per fold.
Since 2026-11-22 the pipeline does this itself on synthetic worlds (`PipelineConfig.void='auto'`, `wsslib.pipeline.ground_truth_labels`);
this script stays as the control that found it.
2026-11-22, seeds 0 and 1: all-class 71.6 and 76.1 against 65.3 and 69.9 for the oracle with void ignored.
"""
import sys, json, torch
from pathlib import Path
from wsslib.data.voc import VOC
from wsslib.segment import train_segmentation, SegConfig
from wsslib.pipeline import _evaluate, ground_truth_labels, N_FOLDS

if __name__ == '__main__':
    torch.set_num_threads(1)
    root, run, seed, out = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    res = next(run.glob('fold*/retab/details.json'), None)
    if res is None: sys.exit(f'{run}: no fold*/retab/details.json; run `wsslib demo --root {root} --out {run}` first (it trains the CAM classifier used here)')
    cam_dir = Path(json.loads(res.read_text())['config']['cam_dir'])
    voc = VOC(root); strong = ground_truth_labels(root, voc.names('train'), 'nearest', out/'labels', progress=False)
    r = train_segmentation(root, out/'net', strong=strong, cfg=SegConfig(seed=seed), on_change='restart', init=cam_dir/'cam_classifier.pth', progress=False)
    for f in range(N_FOLDS):
        sc = _evaluate(Path(r['model']), root, voc.names('val'), f, out/'net'/f'val_fold{f}.json', progress=False)
        print(f'fold {f}', {k: round(100 * v, 1) for k, v in sc.items()}, flush=True)
