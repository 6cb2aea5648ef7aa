import os, shutil, subprocess, sys
from pathlib import Path
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')
TOP = Path(__file__).resolve().parent.parent

def wsslib_cmd():
    "The console script installed next to the running interpreter (falls back to `python -m wsslib.cli`)."
    exe = Path(sys.executable).parent/'wsslib'
    return [str(exe)] if exe.exists() else [sys.executable, '-m', 'wsslib.cli']

def run_cli(*args, check=True, cwd=None):
    "Run the `wsslib` command, returning the CompletedProcess (stdout/stderr as text)."
    r = subprocess.run(wsslib_cmd() + [str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    if check and r.returncode != 0: raise AssertionError(f'wsslib {args} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}')
    return r

@pytest.fixture(scope='session')
def tiny_world(tmp_path_factory):
    "A small synthetic world shared by the CLI tests."
    out = tmp_path_factory.mktemp('world')/'synth'
    run_cli('synth', out, '--seed', 3, '--n-train', 24, '--n-val', 8, '--quiet')
    return out
