"""Probe: SGM's covered/missed split on a binary grid mask (cell share > thr) instead of the soft share; thr < 0 keeps the soft split.

Usage: python benchmarks/fewshot_split_probe.py ROOT OUT FOLD SEED SHOTS THR [field=value ...]; networks cached in OUT minus its last _suffix
(e.g. RUN/f0_1 -> RUN/f0, shared by the 1- and 5-shot runs). The cache key does not record THR: give every THR a
folder of its own, or a soft-split SGM network would be reused for a binary one."""
import sys
import wsslib.fewshot as fs
root, out, fold, seed, shots, thr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
extra = dict(a.split('=') for a in sys.argv[7:])
_orig = fs.covered_missed
def covered_missed_bin(mask, pred): return _orig((mask > thr).float(), pred)
if thr >= 0: fs.covered_missed = covered_missed_bin
cfg = fs.FewShotConfig(**{k: type(getattr(fs.FewShotConfig(), k))(v) for k, v in extra.items()})
r = fs.run_fewshot(root, out, fold=fold, shots=shots, seed=seed, cfg=cfg, progress=False, cache_dir=out.rsplit('_', 1)[0])
print({k: (round(v['miou'], 4), round(v['fbiou'], 4)) for k, v in r.items() if isinstance(v, dict) and 'miou' in v}, r['seconds'])
