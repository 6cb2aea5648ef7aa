"""The segmentation step (forward, backward, AdamW) with each `SegConfig.loss_at`, side by side in one process (issue 24).

    python benchmarks/seg_loss_step.py [--reps 20] [--json benchmarks/seg_loss_step.json]

The synthetic world's SegNet (`PipelineConfig.for_data('synthetic')`), batch 8, crop 112, bf16 autocast and channels-last
(the defaults), one torch thread, a fixed random batch; the library's own `seg_loss`. Median of REPS steps after warm-up,
the variants interleaved round by round so drift on a shared machine hits them alike.
"""
import argparse, platform, statistics, time
from pathlib import Path
import torch
from wsslib.core import save_json
from wsslib.pipeline import PipelineConfig
from wsslib.segment import LOSS_AT, SegNet, seg_loss

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=20); p.add_argument('--json', type=Path, default=None)
    a = p.parse_args(argv); torch.set_num_threads(1); torch.manual_seed(0)
    seg = PipelineConfig.for_data('synthetic')[1]; B, C = seg.batch_size, seg.aug.crop
    x = torch.randn(B, 3, C, C).contiguous(memory_format=torch.channels_last); y = torch.randint(0, 21, (B, C, C)); y[:, :8] = 255
    steps = {}
    for la in LOSS_AT:
        net = SegNet(seg).to(memory_format=torch.channels_last).train(); opt = torch.optim.AdamW(net.parameters(), 1e-3); loss = seg_loss('single', la)
        def step(net=net, opt=opt, loss=loss):
            with torch.autocast('cpu', dtype=torch.bfloat16): out = net(x)
            l = loss((x, y, None), out, None); opt.zero_grad(set_to_none=True); l.backward(); opt.step()
        step(); step(); steps[la] = step
    ts = {la: [] for la in LOSS_AT}
    for _ in range(a.reps):
        for la, f in steps.items(): t = time.perf_counter(); f(); ts[la].append(time.perf_counter() - t)
    res = dict(what=__doc__.splitlines()[0], date=time.strftime('%Y-%m-%d'), machine=f'{platform.machine()}, {torch.get_num_threads()} torch thread, torch {torch.__version__}',
               batch=B, crop=C, reps=a.reps, median_ms={la: round(1e3 * statistics.median(v), 2) for la, v in ts.items()})
    for la, ms in res['median_ms'].items(): print(f'{la:10s} {ms:8.2f} ms  ({res["median_ms"]["label"] / ms:.2f}x of label)')
    if a.json: save_json(res, a.json)
    return res

if __name__ == '__main__': main()
