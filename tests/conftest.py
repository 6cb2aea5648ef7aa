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

QUICK_CAM = dict(epochs=2, aug=dict(crop=56, resize_long=(56, 72)), scales=(1.0,), val_split='')   # a CAM run of seconds, for the stages after it

def make_world(tmp_path_factory, # pytest's factory (module- or session-scoped fixtures)
               name:str, # the temporary folder's prefix
               cam:bool=False, # also run the quick CAM stages (train, infer) into FOLDER/cam
               **cfg): # SynthConfig fields of the world
    "A synthetic world in FOLDER/world of a fresh temporary folder: (FOLDER, train names)."
    from wsslib.data.synth import SynthConfig, generate_world, world_names
    d = tmp_path_factory.mktemp(name); wcfg = SynthConfig(**cfg)
    generate_world(d/'world', wcfg, progress=False)
    if cam:
        from wsslib.cam import CAMConfig, run_cam
        from wsslib.core import update_config
        run_cam(d/'world', d/'cam', update_config(CAMConfig(), **QUICK_CAM), stages=('train', 'infer'), progress=False)
    return d, world_names(wcfg)['train']
