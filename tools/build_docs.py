#!/usr/bin/env python
"""Build the wsslib documentation site into `_docs/`.

    .venv/bin/python tools/build_docs.py [--out _docs] [--static] [--workers 2] [NOTEBOOK ...]

* With `quarto` on PATH (and no `--static`): runs `nbdev-docs`, which renders the Quarto website configured by
  `nbs/_quarto.yml` + `nbs/nbdev.yml`. The notebooks are stored without outputs, so `_quarto.yml` calls this script
  back as its `pre-render` step (`--pre-render`, see `pre_render`): it executes each source notebook and copies the
  outputs into nbdev's staged copy in `_proc/`, which Quarto then renders without executing.
* Without Quarto: a static site. Every notebook in `nbs/` (sorted; names starting with `_` or `.` skipped) is executed
  with nbclient in a fresh kernel of this interpreter (working directory: the notebook's folder), converted with
  nbconvert into one self-contained page (figures inline as data URIs), given a sidebar listing every page, and
  `nbs/index.ipynb` becomes `index.html` (a generated list of pages when it is missing).

Cells are run as `nbdev-test` runs them: cells with `#| eval: false`, cells flagged with a `tst_flags` flag from
pyproject.toml (e.g. `#| slow`; include them with `--flags slow`) and the `nbdev_export()` cell are skipped. Pages
show cells as nbdev's docs do: `#| hide` cells are removed, nbdev directive lines are stripped from shown code,
`#| echo: false` hides a cell's code and `#| output: false` its output.

A notebook that raises fails the build: the exit status is 1 and the message names the notebook, the cell and the
error. A failed build leaves an existing site untouched.
"""
from __future__ import annotations

import argparse, copy, html, os, re, shutil, subprocess, sys, tempfile, time, tomllib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# spawned worker processes import this module by name ('build_docs'), so its folder must be on their sys.path
if str(Path(__file__).resolve().parent) not in sys.path: sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
MARKER = '.wsslib-docs'  # written into a static build so a later build may replace the folder


class DocsBuildError(RuntimeError):
    "The docs could not be built; the message names each failing notebook, cell and error."


def nbdev_config(root:Path=ROOT) -> dict:
    "The `[tool.nbdev]` table of `root/pyproject.toml` (empty if absent)."
    p = Path(root)/'pyproject.toml'
    return tomllib.loads(p.read_text()).get('tool', {}).get('nbdev', {}) if p.exists() else {}


def default_nbs(root:Path=ROOT) -> Path: return Path(root)/nbdev_config(root).get('nbs_path', 'nbs')


# ---------------------------------------------------------------------------------------------------------------
# Finding notebooks and naming pages

def find_notebooks(nbs:Path) -> list[Path]:
    "Notebooks under `nbs`, sorted; files/folders starting with `_` or `.` and folders holding `.nodoc` are skipped."
    nbs = Path(nbs)
    res = []
    for p in sorted(nbs.rglob('*.ipynb')):
        rel = p.relative_to(nbs)
        if any(part.startswith(('_', '.')) for part in rel.parts): continue
        if (p.parent/'.nodoc').exists(): continue
        res.append(p)
    return res


def page_path(nb:Path, nbs:Path) -> str:
    "The page for a notebook, relative to the site root, as nbdev names it: `nbs/00_core.ipynb` -> `core.html`."
    rel = Path(nb).resolve().relative_to(Path(nbs).resolve())
    return rel.with_name(re.sub(r'^\d+[a-zA-Z0-9]*_', '', rel.name.lower())).with_suffix('.html').as_posix()


def nb_title(nb) -> tuple[str, str]:
    "The first `# ` heading of a notebook's markdown and the `> ` subtitle right after it ('' when missing)."
    for c in nb.cells:
        if c.cell_type != 'markdown': continue
        lines = [l for l in c.source.splitlines() if l.strip()]
        for i, l in enumerate(lines):
            if l.startswith('# '):
                nxt = lines[i+1] if i+1 < len(lines) else ''
                return l[2:].strip(), (nxt.lstrip('> ').strip() if nxt.startswith('>') else '')
    return '', ''


# ---------------------------------------------------------------------------------------------------------------
# nbdev directives (`#| name value` lines at the top of a code cell)

_re_dir = re.compile(r'^\s*#\s*\|\s*([^\s:]+)\s*:?\s?(.*?)\s*$')
_re_blank_or_magic = re.compile(r'^\s*(%%\w+.*)?$')


def split_directives(source:str) -> tuple[dict, str]:
    "Split a code cell's leading nbdev/Quarto directives from its code: `({name: value}, code)`."
    lines, d = source.splitlines(True), {}
    i = 0
    while i < len(lines):
        m = _re_dir.match(lines[i])
        if m: d[m.group(1)] = '' if m.group(2) == 'true' else m.group(2)
        elif not _re_blank_or_magic.match(lines[i].rstrip('\n')): break
        i += 1
    keep = [l for l in lines[:i] if l.strip().startswith('%%')]
    return d, ''.join(keep + lines[i:])


def _frontmatter(nb) -> dict:
    "Notebook-level options from a raw `---` YAML cell (only simple `key: value` lines are read)."
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'):
            return dict(m.groups() for m in re.finditer(r'^(\w[\w-]*):\s*(.*?)\s*$', c.source, re.M))
    return {}


def _skip_reason(cell, flags:set) -> str|None:
    "Why nbdev-test would not run this code cell (None: it runs)."
    if 'nbdev_export' + '(' in cell.source: return 'export'
    d, _ = split_directives(cell.source)
    if d.get('eval', '').lower() == 'false': return 'eval: false'
    hit = flags & d.keys()
    return f'flag {sorted(hit)[0]}' if hit else None


# ---------------------------------------------------------------------------------------------------------------
# Executing

def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager
    class ThisPythonKernel(AsyncKernelManager):
        "Always start an ipykernel of the interpreter running this script, whatever kernelspecs are installed."
        def format_kernel_cmd(self, extra_arguments=None):
            return ([sys.executable, '-m', 'ipykernel_launcher', '-f', self.connection_file, '--IPKernelApp.log_level=ERROR']
                    + list(extra_arguments or []))
    return ThisPythonKernel


def _error_of(nb) -> tuple[int, str]:
    "The index (counting code cells from 1) and `ename: evalue` of the first error output in `nb`."
    k = 0
    for c in nb.cells:
        if c.cell_type != 'code': continue
        k += 1
        for o in c.get('outputs', []):
            if o.get('output_type') == 'error': return k, f"{o.get('ename')}: {o.get('evalue')}"
    return 0, ''


def execute_notebook(path:Path, timeout:int=180, flags:tuple=(), skip_flags:tuple|None=None):
    "Execute a notebook in a fresh kernel (cwd: its folder), skipping the cells nbdev-test skips; returns the notebook."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if skip_flags is None: skip_flags = tuple(str(nbdev_config().get('tst_flags', 'notest')).split())
    if str(_frontmatter(nb).get('skip_exec', '')).lower() == 'true': return nb
    skip = set(skip_flags) - set(flags)
    for c in nb.cells:
        if c.cell_type == 'code' and _skip_reason(c, skip):
            c.metadata.setdefault('tags', []).append('skip-execution')
    env = dict(os.environ, HF_HUB_OFFLINE='1', PYDEVD_DISABLE_FILE_VALIDATION='1')
    env.pop('MPLBACKEND', None)  # the kernel's inline backend captures figures as PNG outputs
    client = NotebookClient(nb, timeout=timeout, kernel_manager_class=_kernel_manager_class(), kernel_name='python3',
                            allow_errors=False, record_timing=False, resources={'metadata': {'path': str(path.parent)}})
    try: client.execute(env=env)
    except CellExecutionError as e:
        k, msg = _error_of(nb)
        msg = msg or f'{e.ename}: {e.evalue}'
        raise DocsBuildError(f'{path}: code cell {k} raised {msg}') from None
    except (CellTimeoutError, DeadKernelError, TimeoutError) as e:
        raise DocsBuildError(f'{path}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""} (timeout {timeout} s)') from None
    for c in nb.cells:
        tags = c.metadata.get('tags', [])
        if 'skip-execution' in tags:
            tags.remove('skip-execution')
            if not tags: del c.metadata['tags']
    return nb


def _execute_one(p, timeout, flags, attempts=2):
    "Run one notebook (in a worker process), once more after a timeout; returns (path, notebook or None, error or None, seconds)."
    # A timeout is retried in a fresh kernel: on a loaded machine a kernel was seen to finish a cell and go idle while
    # its client never heard the reply (both waiting forever); every cell here runs in well under the timeout.
    t0 = time.perf_counter()
    for a in range(attempts):
        try: return p, execute_notebook(p, timeout=timeout, flags=flags), None, time.perf_counter() - t0
        except DocsBuildError as e:
            if a + 1 < attempts and 'Timeout' in str(e): continue
            return p, None, str(e), time.perf_counter() - t0
        except Exception as e: return p, None, f'{p}: {type(e).__name__}: {e}', time.perf_counter() - t0  # cannot even be read or started


def execute_all(paths:list, workers:int=2, timeout:int=180, flags:tuple=(), log=print) -> dict:
    "Execute notebooks, `workers` at a time; returns `{path: notebook}` or raises one error naming every failure."
    # Each notebook runs in its own worker *process*: two nbclient kernels driven from threads of one process were seen
    # to deadlock (an idle kernel, a client waiting forever), which a docs build in CI cannot afford.
    paths = [Path(p) for p in paths]
    n, errors, res = len(paths), [], {}
    log(f'executing {n} notebook(s) with {min(workers, n) or 1} worker(s)')
    def record(i, out):
        p, nb, err, secs = out
        if err: errors.append(err)
        else: res[p] = nb
        log(f'[{i}/{n}] {p.name}: {"FAILED" if err else "ok"} ({secs:.1f} s)')
    if workers <= 1:
        for i, p in enumerate(paths, 1): record(i, _execute_one(p, timeout, flags))
    else:
        with ProcessPoolExecutor(min(workers, n) or 1, mp_context=multiprocessing.get_context('spawn')) as ex:
            futs = [ex.submit(_execute_one, p, timeout, flags) for p in paths]
            for i, f in enumerate(futs, 1): record(i, f.result())
    if errors: raise DocsBuildError('notebook(s) failed:\n  ' + '\n  '.join(sorted(errors)))
    return res


# ---------------------------------------------------------------------------------------------------------------
# The static site

def _display_copy(nb):
    "A copy of an executed notebook arranged for reading: hidden cells removed, directive lines stripped."
    nb = copy.deepcopy(nb)
    cells = []
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'): continue   # frontmatter
        if c.cell_type != 'code': cells.append(c); continue
        d, code = split_directives(c.source)
        if 'hide' in d or d.get('include') == 'false' or 'nbdev_export' + '(' in c.source: continue
        code = '\n'.join(l for l in code.splitlines() if not re.search(r'#\s*\|\s*hide_line\s*$', l)).strip('\n')
        if not code.strip() and not c.get('outputs'): continue                     # e.g. `#| default_exp`
        c.source = code
        tags = c.metadata.setdefault('tags', [])
        if d.get('echo') == 'false' or not code.strip(): tags.append('remove_input')
        if d.get('output') == 'false': tags.append('remove_output')
        cells.append(c)
    nb.cells = cells
    return nb


def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {'remove_output'}
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True   # markdown images become data URIs; outputs are inline already
    return HTMLExporter(config=c, template_name='lab')


_CSS = """
<style id="wsslib-site">
  body { margin: 0; }
  .wss-side { position: fixed; top: 0; left: 0; bottom: 0; width: 230px; overflow-y: auto; padding: 18px 14px;
              box-sizing: border-box; background: #f6f7f9; border-right: 1px solid #dde1e6;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
  .wss-side .wss-brand { display: block; font-size: 19px; font-weight: 600; color: #2780e3; text-decoration: none;
                         margin-bottom: 12px; }
  .wss-side ul { list-style: none; margin: 0; padding: 0; }
  .wss-side li a { display: block; padding: 4px 8px; border-radius: 4px; color: #343a40; text-decoration: none; }
  .wss-side li a:hover { background: #e9ecef; }
  .wss-side li a.wss-current { background: #2780e3; color: #fff; }
  .wss-main { margin-left: 230px; }
  .wss-main > main, .wss-main .jp-Notebook { max-width: 1100px; }
  .wss-main blockquote { color: #5a6270; font-size: 115%; border-left: 3px solid #2780e3; margin-left: 0;
                         padding-left: 12px; }
  .wss-main .jp-RenderedMarkdown pre { margin: 0.4em 0 1em; padding: 6px 8px; background: #f7f7f9; }
  .wss-index td, .wss-index th { padding: 4px 12px 4px 0; text-align: left; vertical-align: top; }
  @media (max-width: 800px) { .wss-side { position: static; width: auto; } .wss-main { margin-left: 0; } }
</style>
"""

# Marks the <body> once everything has loaded, so a headless browser's --dump-dom shows whether the page rendered
# and how many of its images decoded (naturalWidth > 0).
_JS = """
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images', String(imgs.length));
  document.body.setAttribute('data-images-loaded', String(ok));
  document.body.setAttribute('data-rendered', 'yes');
});
</script>
"""


def _sidebar(pages:list, current:str, site_title:str) -> str:
    "The navigation: the site title, then one link per page (hrefs relative to `current`)."
    base = os.path.dirname(current)
    rel = lambda p: os.path.relpath(p, base or '.').replace(os.sep, '/')
    cur = ' class="wss-current"'
    items = ''.join(f'<li><a href="{html.escape(rel(p))}"{cur if p == current else ""}>{html.escape(t)}</a></li>'
                    for p, t, _ in pages)
    return (f'<nav class="wss-side"><a class="wss-brand" href="{html.escape(rel("index.html"))}">{html.escape(site_title)}</a>'
            f'<ul>{items}</ul></nav>')


def _wrap(body_html:str, pages:list, current:str, site_title:str, title:str) -> str:
    "Insert the site's CSS, sidebar and load-marker script into an nbconvert page."
    doc = re.sub(r'<title>.*?</title>', f'<title>{html.escape(title)} – {html.escape(site_title)}</title>', body_html, count=1, flags=re.S)
    doc = doc.replace('</head>', _CSS + '</head>', 1)
    doc = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + _sidebar(pages, current, site_title) + '<div class="wss-main">', doc, count=1)
    doc = doc.replace('</body>', '</div>' + _JS + '</body>', 1)
    return doc


def _fix_links(doc:str, nb_path:Path, nbs:Path, current:str) -> str:
    "Point links to sibling notebooks (`x.ipynb#a`) at their pages."
    def sub(m):
        target, anchor = m.group(2), m.group(3) or ''
        if re.match(r'^[a-z]+:', target): return m.group(0)
        src = (nb_path.parent/target).resolve()
        try: page = page_path(src, nbs)
        except ValueError: return m.group(0)
        return f'{m.group(1)}"{os.path.relpath(page, os.path.dirname(current) or ".")}{anchor}"'
    return re.sub(r'(href=)"([^"#]+\.ipynb)(#[^"]*)?"', sub, doc)


def _index_page(pages:list, site_title:str, description:str) -> str:
    "A home page listing every page, for when there is no index.ipynb."
    rows = ''.join(f'<tr><td><a href="{html.escape(p)}">{html.escape(t)}</a></td><td>{html.escape(s)}</td></tr>'
                   for p, t, s in pages if p != 'index.html')
    body = (f'<main style="padding: 24px 32px; font: 15px/1.5 system-ui, sans-serif"><h1>{html.escape(site_title)}</h1>'
            f'<p>{html.escape(description)}</p><table class="wss-index"><tr><th>page</th><th>about</th></tr>{rows}</table></main>')
    doc = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>x</title></head><body>{body}</body></html>'
    return _wrap(doc, pages, 'index.html', site_title, 'Home')


@dataclass
class Page:
    "One page of the built site."
    path: Path          # the HTML file
    notebook: Path|None # its notebook (None for a generated index)
    title: str
    n_figures: int = 0  # image outputs in the executed notebook


def build_site(out:Path|str='_docs', nbs:Path|str|None=None, notebooks:list|None=None, workers:int=2,
               timeout:int=180, flags:tuple=(), log=print) -> list[Page]:
    "Execute the notebooks and write the static site into `out`; raise `DocsBuildError` naming any failing notebook."
    nbs = Path(nbs) if nbs else default_nbs()
    paths = [Path(p) for p in notebooks] if notebooks is not None else find_notebooks(nbs)
    if not paths: raise DocsBuildError(f'{nbs}: no notebooks to build')
    for p in paths:
        if not p.exists(): raise DocsBuildError(f'{p}: notebook not found')
    out = Path(out).resolve()
    _check_replaceable(out)
    cfg, t0 = nbdev_config(), time.perf_counter()
    site_title = cfg.get('title', 'wsslib')
    description = _project_description()

    executed = execute_all(paths, workers=workers, timeout=timeout, flags=flags, log=log)
    info = []
    for p in paths:
        title, sub = nb_title(executed[p])
        info.append((page_path(p, nbs), title or p.stem, sub))
    order = sorted(range(len(paths)), key=lambda i: (info[i][0] != 'index.html', paths[i].resolve().relative_to(nbs.resolve()).parts))
    paths, info = [paths[i] for i in order], [info[i] for i in order]
    has_index = any(pg == 'index.html' for pg, _, _ in info)
    nav = ([] if has_index else [('index.html', 'Home', '')]) + info

    tmp = Path(tempfile.mkdtemp(prefix=out.name + '.', dir=out.parent))
    try:
        exporter, pages = _exporter(), []
        for p, (pg, title, _) in zip(paths, info):
            nb = _display_copy(executed[p])
            body, _ = exporter.from_notebook_node(nb, resources={'metadata': {'name': title, 'path': str(p.parent)}})
            doc = _fix_links(_wrap(body, nav, pg, site_title, title), p, nbs, pg)
            dest = tmp/pg; dest.parent.mkdir(parents=True, exist_ok=True); dest.write_text(doc, encoding='utf-8')
            nfig = sum(1 for c in executed[p].cells for o in c.get('outputs', [])
                       if any(k.startswith('image/') for k in o.get('data', {})))
            pages.append(Page(out/pg, p, title, nfig))
            log(f'wrote {pg} ({len(doc)//1024} KiB, {nfig} figure(s))')
        if not has_index:
            (tmp/'index.html').write_text(_index_page(nav, site_title, description), encoding='utf-8')
            pages.insert(0, Page(out/'index.html', None, 'Home'))
            log('wrote index.html (generated: there is no index.ipynb)')
        (tmp/MARKER).write_text('built by tools/build_docs.py; this folder is replaced by the next build\n')
        (tmp/'.nojekyll').write_text('')
        if out.exists(): shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists(): shutil.rmtree(tmp, ignore_errors=True)
    log(f'site: {out}/index.html ({len(pages)} pages, {time.perf_counter()-t0:.0f} s)')
    return pages


def _project_description() -> str:
    p = ROOT/'pyproject.toml'
    return tomllib.loads(p.read_text()).get('project', {}).get('description', '') if p.exists() else ''


def _check_replaceable(out:Path):
    "Refuse to delete a folder that is not an earlier docs build."
    if not out.exists(): return
    if not out.is_dir(): raise DocsBuildError(f'{out}: exists and is not a folder')
    entries = {p.name for p in out.iterdir()}
    if entries and not ({MARKER, 'site_libs', 'search.json'} & entries):
        raise DocsBuildError(f'{out}: not empty and not an earlier docs build; refusing to replace it (choose another --out)')


# ---------------------------------------------------------------------------------------------------------------
# Quarto: nbdev-docs, and the pre-render step that executes the notebooks for it

def fill_outputs(staged, executed) -> int:
    "Copy outputs from an executed source notebook into nbdev's staged copy, matching cells by id; returns cells filled."
    src = {c.get('id'): c for c in executed.cells if c.cell_type == 'code' and c.get('id')}
    n = 0
    for c in staged.cells:
        e = src.get(c.get('id'))
        if c.cell_type != 'code' or e is None or c.get('outputs'): continue   # show_doc cells keep nbdev's output
        c.outputs, c.execution_count = copy.deepcopy(e.get('outputs', [])), e.get('execution_count')
        n += 1
    w = executed.metadata.get('widgets')
    if w: staged.metadata['widgets'] = w
    staged.metadata['wsslib_docs'] = {'executed': True}
    return n


def pre_render(project_dir:Path, files:list, nbs:Path|None=None, workers:int=2, timeout:int=180, log=print) -> int:
    "Quarto pre-render: execute the source of each staged notebook in `files` and put its outputs in the staged copy."
    import nbformat
    project_dir, nbs = Path(project_dir).resolve(), (Path(nbs) if nbs else default_nbs()).resolve()
    if project_dir == nbs:
        raise DocsBuildError(f'{nbs}: render the site with `nbdev-docs` (or tools/build_docs.py), not `quarto render` in nbs/: '
                             'the pre-render step writes outputs into the staged copy in _proc/, never into the source notebooks')
    todo = []
    for f in files:
        staged = project_dir/f
        if staged.suffix != '.ipynb' or not staged.exists(): continue
        nb = nbformat.read(staged, as_version=4)
        if nb.metadata.get('wsslib_docs', {}).get('executed'): continue       # staged copy unchanged since last fill
        source = nbs/staged.relative_to(project_dir)
        if source.exists(): todo.append((staged, source, nb))
    if not todo: log('pre-render: every staged notebook already has its outputs'); return 0
    executed = execute_all([s for _, s, _ in todo], workers=workers, timeout=timeout, log=log)
    for staged, source, nb in todo:
        k = fill_outputs(nb, executed[source]); nbformat.write(nb, staged)
        log(f'pre-render: {staged.name}: outputs for {k} cell(s)')
    return len(todo)


def build_with_quarto(out:Path) -> None:
    "Run `nbdev-docs` (Quarto) from the project root; copy the site to `out` if that is not nbdev's doc_path."
    nbdev_docs = Path(sys.executable).with_name('nbdev-docs')
    cmd = [str(nbdev_docs) if nbdev_docs.exists() else 'nbdev-docs']
    env = dict(os.environ, QUARTO_PYTHON=sys.executable)   # Quarto runs the pre-render step with this interpreter
    print('quarto found: running', ' '.join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=ROOT, env=env)
    if r.returncode: raise DocsBuildError(f'nbdev-docs failed with exit status {r.returncode} (see its output above)')
    doc_path = (ROOT/nbdev_config().get('doc_path', '_docs')).resolve()
    if Path(out).resolve() != doc_path:
        _check_replaceable(Path(out))
        shutil.rmtree(out, ignore_errors=True); shutil.copytree(doc_path, out)
    print(f'site: {out}/index.html')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description='Build the documentation site (Quarto via nbdev-docs when installed, else static HTML).')
    ap.add_argument('notebooks', nargs='*', type=Path, help='build only these notebooks (static build; default: all in nbs/)')
    ap.add_argument('--out', type=Path, default=ROOT/'_docs', help='output folder (default: _docs)')
    ap.add_argument('--nbs', type=Path, default=None, help='notebook folder (default: nbs_path from pyproject.toml)')
    ap.add_argument('--static', action='store_true', help='build the static site even when quarto is installed')
    ap.add_argument('--workers', type=int, default=2, help='notebooks executed at once (default: 2)')
    ap.add_argument('--timeout', type=int, default=180, help='seconds allowed per cell; a notebook that times out is run once more (default: 180)')
    ap.add_argument('--flags', nargs='*', default=[], help='tst_flags whose cells are run anyway, e.g. slow')
    ap.add_argument('--pre-render', action='store_true', help='(used by Quarto) fill nbdev\'s staged notebooks with outputs')
    a = ap.parse_args(argv)
    try:
        if a.pre_render:
            files = os.environ.get('QUARTO_PROJECT_INPUT_FILES', '')
            if 'QUARTO_USE_FILE_FOR_PROJECT_INPUT_FILES' in os.environ and Path(files).is_file(): files = Path(files).read_text()
            files = [f for f in files.splitlines() if f.strip()] or [str(p.relative_to(Path.cwd())) for p in sorted(Path.cwd().rglob('*.ipynb'))]
            pre_render(Path.cwd(), files, a.nbs, workers=a.workers, timeout=a.timeout)
        elif shutil.which('quarto') and not a.static and not a.notebooks and a.nbs is None:
            build_with_quarto(a.out)
        else:
            if not shutil.which('quarto') and not a.static: print('quarto not found: building the static HTML site', flush=True)
            build_site(a.out, a.nbs, a.notebooks or None, workers=a.workers, timeout=a.timeout, flags=tuple(a.flags))
    except DocsBuildError as e:
        print(f'docs build failed: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
