"""How a trained dual-branch network of `wsslib demo` reads out: its strong branch alone, its weak branch alone, and
`combine_branches` (the pipeline's weak-shot read-out), scored on a split with ground truth.

usage: python benchmarks/probes/dual_readout_diag.py WORLD MODEL FOLD SPLIT [READOUTS]
  WORLD     the synthetic world (VOC layout)        MODEL  RUN/foldF/seg/cam_retab_dual_branch/model.pth
  FOLD      the fold the network was trained for    SPLIT  val, or train (then the fold's novel samples, first 200)
  READOUTS  comma-separated subset of strong,weak,combined (default: all three)

The training split's novel samples are where `combine_branches` was chosen (their masks are never trained on).
"""
import sys, torch
from torch import nn
from wsslib.data.folds import novel_classes, split_samples
from wsslib.data.voc import VOC
from wsslib.pipeline import NovelFromWeak
from wsslib.segment import evaluate_segmentation, load_segnet

class OneBranch(nn.Module):
    "One branch of a DualBranchNet on its own."
    def __init__(self, net, which): super().__init__(); self.net, self.which = net, which
    def forward(self, x): return getattr(self.net, self.which)(self.net.features(x))

if __name__ == '__main__':
    root, model, fold, split = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(1)
    voc, net = VOC(root), load_segnet(model).eval()
    names = voc.names(split)
    if split == 'train': names = sorted(set(split_samples(voc.image_labels('train'), fold)['novel']) & set(names))[:200]
    readouts = {'strong': lambda: OneBranch(net, 'strong'), 'weak': lambda: OneBranch(net, 'weak'),
                'combined': lambda: NovelFromWeak(net, novel_classes(fold))}
    for name in (sys.argv[5].split(',') if len(sys.argv) > 5 else readouts):
        r = evaluate_segmentation(readouts[name]().eval(), root, names, fold=fold, progress=False)
        print(f"{split} ({len(names)} images) {name}: all / base / novel mIoU "
              f"{100 * r['miou']:.1f} / {100 * r['miou_base']:.1f} / {100 * r['miou_novel']:.1f}", flush=True)
