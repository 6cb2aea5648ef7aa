"""Wall time of every method's default run and of its `--quick` run on 2 CPU cores (issue 24: each default at most
5 minutes, `--quick` at most 1 minute), one after the other on an otherwise idle machine.

Each command runs `wsslib METHOD` in a fresh run folder (nothing cached), on the default synthetic world (generated
first, not timed) or, with `--quick`, on its own quick world (also generated first). With `--old COMMIT` every
command runs a second time on that commit's code (a `git worktree`, imported through PYTHONPATH, same interpreter and
packages), side by side. The report is rendered from the JSON.

    python benchmarks/method_timings.py --out /tmp/mt --json benchmarks/method_timings.json [--old COMMIT] [--methods rrm retab]
    python benchmarks/method_timings.py --json benchmarks/method_timings.json --md benchmarks/method_timings.md   # render
"""
import argparse, datetime, json, os, platform, subprocess, sys, time
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
COMMANDS = {   # method -> its extra arguments (one fold, one shot setting; the "default run")
    'cam': [], 'rrm': [], 'retab': ['--fold', '0'], 'dualbranch': [], 'a2gnn': [], 'fewshot': ['--fold', '0', '--shots', '1'], 'demo': ['--fold', '0']}

def run(cmd, env, log):
    t = time.perf_counter(); r = subprocess.run(cmd, env=env, capture_output=True, text=True); dt = time.perf_counter() - t
    log.write_text(r.stdout + r.stderr)
    return dict(seconds=round(dt, 1), rc=r.returncode, tail=(r.stdout + r.stderr)[-300:] if r.returncode else '')

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', type=Path, help='scratch folder for the runs'); p.add_argument('--json', type=Path, required=True)
    p.add_argument('--md', type=Path, default=None, help='render the report from --json, then stop')
    p.add_argument('--methods', nargs='+', default=[m for m in COMMANDS if m != 'demo'], choices=tuple(COMMANDS))
    p.add_argument('--old', default=None, help='also time this commit, side by side'); p.add_argument('--no-quick', action='store_true')
    a = p.parse_args(argv)
    if a.md: a.md.write_text(render(json.loads(a.json.read_text()))); print('wrote', a.md); return
    if not a.out: p.error('--out is needed to run (or --md to render)')
    a.out.mkdir(parents=True, exist_ok=True); wss = [sys.executable, '-c', 'from wsslib.cli import main; main()']   # the console command, with PYTHONPATH choosing the code
    codes = {'new': TOP}
    if a.old:
        wt = a.out/f'old-{a.old}'
        if not wt.exists(): subprocess.run(['git', '-C', str(TOP), 'worktree', 'add', '--detach', str(wt), a.old], check=True, capture_output=True)
        codes['old'] = wt
    res = json.loads(a.json.read_text()) if a.json.exists() else {}
    res.update(what=__doc__.splitlines()[0], date=str(datetime.date.today()), machine=f'{platform.processor() or platform.machine()}, {os.cpu_count()} cores',
               commit=subprocess.run(['git', '-C', str(TOP), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip(), old=a.old)
    res.setdefault('runs', {})
    for quick in ((False,) if a.no_quick else (False, True)):   # the worlds first, untimed
        subprocess.run(wss + ['synth', str(a.out/('world-quick' if quick else 'world'))] + (['--n-train', '300', '--n-val', '100'] if quick else []) + ['--quiet'], check=True, cwd=TOP)
    for m in a.methods:
        for quick in ((False,) if a.no_quick else (False, True)):
            for side, code in codes.items():
                key = f"{m}{' --quick' if quick else ''} [{side}]"
                env = dict(os.environ, PYTHONPATH=str(code), HF_HUB_OFFLINE='1')
                out = a.out/'runs'/key.replace(' ', '_').replace('[', '').replace(']', '')
                cmd = wss + [m, '--root', str(a.out/('world-quick' if quick else 'world')), '--out', str(out), '--quiet'] + COMMANDS[m] + (['--quick'] if quick else [])
                r = run(cmd, env, a.out/f"{key.replace(' ', '_')}.log"); r['command'] = ' '.join(['wsslib'] + cmd[3:]); res['runs'][key] = r
                print(key, r['seconds'], 's', 'rc', r['rc'], flush=True)
                a.json.write_text(json.dumps(res, indent=1))
    return res

def render(res):
    lines = [f"# Method timings\n\n`python benchmarks/method_timings.py` on {res['date']}, commit {res['commit']}: {res['machine']}, one run at a time, nothing else running.",
             "Fresh run folders (nothing cached); worlds generated beforehand (not timed): the default world (1,000 + 300 images) and, for `--quick`, a 300 + 100 world.",
             "Budget (issue 24): a default run at most 5 minutes (300 s), `--quick` at most 1 minute (60 s).\n",
             '| command | new (s) | ' + ('old ' + res['old'] + ' (s) | ' if res.get('old') else '') + 'within budget |', '|---|---:|' + ('---:|' if res.get('old') else '') + '---|']
    keys = dict.fromkeys(k.rsplit(' [', 1)[0] for k in res['runs'])
    for k in keys:
        new = res['runs'].get(f'{k} [new]', {}); old = res['runs'].get(f'{k} [old]', {})
        budget = 60 if '--quick' in k else 300
        cell = lambda r: '-' if not r else (f"{r['seconds']:.0f}" if r['rc'] == 0 else f"failed (rc {r['rc']})")
        ok = '-' if not new or new['rc'] else ('yes' if new['seconds'] <= budget else f"no (> {budget} s)")
        lines.append(f"| `{new.get('command', k)}` | {cell(new)} | " + (f'{cell(old)} | ' if res.get('old') else '') + f'{ok} |')
    return '\n'.join(lines) + '\n'

if __name__ == '__main__': main()
