"""The documentation build (tools/build_docs.py): the static site is built from the executed notebooks, then every
page is opened in headless Chromium and checked (it renders, its figures load, it shows no traceback). A deliberately
broken notebook must fail the build."""
import html, importlib.util, re, shutil, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
import pytest

TOP = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location('build_docs', TOP/'tools'/'build_docs.py')
bd = sys.modules['build_docs'] = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(bd)

CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--hide-scrollbars']
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|Cell In\[\d+\], line \d+|CellExecutionError')


def chromium():
    "The headless browser (Debian's `chromium`; `make test` installs it via tools/ensure_chromium.sh)."
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if shutil.which(name): return shutil.which(name)
    if Path('/usr/bin/chromium').exists(): return '/usr/bin/chromium'
    pytest.fail('headless Chromium not found: run `bash tools/ensure_chromium.sh` (Debian/Ubuntu: apt-get install chromium)')


def browse(page:Path, *extra:str) -> str:
    "Open a local page in a fresh headless Chromium profile (scripts run for 5 s of virtual time); returns stdout."
    with tempfile.TemporaryDirectory(prefix='chromium-') as prof:
        r = subprocess.run([chromium(), *CHROME_FLAGS, f'--user-data-dir={prof}', '--virtual-time-budget=5000', *extra,
                            page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f'chromium failed on {page}:\n{r.stderr[-2000:]}'
    return r.stdout


def body_attrs(dom:str) -> dict:
    "The attributes of <body> in a dumped DOM (the builder's script sets data-rendered / data-images(-loaded))."
    m = re.search(r'<body([^>]*)>', dom)
    assert m, 'no <body> in the dumped DOM'
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))


def draws_figures(nb_path:Path) -> bool:
    "Whether a notebook's code draws a matplotlib figure (judged from its source, independently of the builder)."
    nb = nbformat.read(nb_path, as_version=4)
    return any(re.search(r'plt\.show\(|\.imshow\(|plt\.subplots\(', c.source) for c in nb.cells if c.cell_type == 'code')


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The whole site, built once from every notebook in nbs/ into a temporary folder."
    out = tmp_path_factory.mktemp('site')/'_docs'
    pages = bd.build_site(out, workers=2)
    return out, pages


def test_every_notebook_has_a_page(site):
    out, pages = site
    want = {p.resolve() for p in bd.find_notebooks(TOP/'nbs')}
    assert {p.notebook.resolve() for p in pages if p.notebook} == want
    assert (out/'index.html').exists() and (out/'transforms.html').exists()
    assert not any(p.name.startswith(('_', '.')) for p in want)            # _quarto.yml-style files are not pages
    idx = (out/'index.html').read_text()
    for p in pages: assert f'href="{p.path.relative_to(out).as_posix()}"' in idx   # the sidebar links every page


def test_pages_render_with_figures_and_no_traceback(site):
    out, pages = site
    with ThreadPoolExecutor(2) as ex: doms = list(ex.map(lambda p: browse(p.path, '--dump-dom'), pages))
    with_figs = 0
    for p, dom in zip(pages, doms):
        a = body_attrs(dom)
        assert a.get('data-rendered') == 'yes', f'{p.path.name} did not finish loading: {a}'
        n, ok = int(a['data-images']), int(a['data-images-loaded'])
        assert n == ok, f'{p.path.name}: only {ok} of {n} images loaded'
        if p.notebook and draws_figures(p.notebook):
            assert ok >= 1, f'{p.path.name}: its notebook draws figures but the page shows no loaded image'
            with_figs += 1
        for text in (dom, p.path.read_text()):
            m = TRACEBACK.search(text)
            assert not m, f'{p.path.name} shows a traceback: ...{text[max(0, m.start()-200):m.end()+200]}...'
    assert with_figs >= 1                                                    # e.g. the transforms notebook's figure


def test_index_screenshot(site, tmp_path):
    from PIL import Image
    out, _ = site
    shot = tmp_path/'index.png'
    browse(out/'index.html', f'--screenshot={shot}', '--window-size=1280,900')
    im = Image.open(shot).convert('RGB')
    assert im.size == (1280, 900)
    assert len(np.unique(np.asarray(im).reshape(-1, 3), axis=0)) > 30      # text, not a blank page
    assert im.getpixel((100, 880)) == (0xf6, 0xf7, 0xf9)                     # the sidebar's background
    shutil.copy(shot, out/'_screenshot_index.png')                           # kept next to the site for a look


# ---------------------------------------------------------------------------------------------------------------
# Small notebooks in a temporary nbs/ folder: what a page shows, the generated index, and failures

def _write(path:Path, *cells):
    nb = new_notebook(cells=list(cells)); nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nbformat.write(nb, path)
    return path


def _ok_nb(d:Path) -> Path:
    return _write(d/'00_fine.ipynb',
        new_markdown_cell('# A fine notebook\n\n> It runs.'),
        new_code_cell('#| default_exp fine'),
        new_code_cell('#| hide\nsecret = 42'),
        new_code_cell('#| export\ndef answer(): return secret'),
        new_code_cell('#| echo: false\nprint("shown without its code", answer())'),
        new_code_cell('#| eval: false\nraise RuntimeError("never run")'),
        new_code_cell('#| hide\nimport nbdev; nbdev.nbdev_export()'))


def test_small_site_shows_cells_as_nbdev_does(tmp_path):
    nbs = tmp_path/'nbs'; nbs.mkdir(); _ok_nb(nbs)
    (nbs/'_scratch.ipynb').write_text('not a notebook: skipped because of the leading underscore')
    pages = bd.build_site(tmp_path/'out', nbs=nbs, workers=1, log=lambda *a: None)
    assert [p.path.name for p in pages] == ['index.html', 'fine.html']   # no index.ipynb: a generated index
    page = html.unescape(re.sub(r'<[^>]+>', '', (tmp_path/'out'/'fine.html').read_text()))   # the page's text
    assert 'def answer' in page and 'shown without its code 42' in page  # exported code shown, its directive not
    assert page.count('shown without its code') == 1                      # `#| echo: false`: output only
    for hidden in ('secret = 42', '#| export', '#| hide', 'default_exp', 'nbdev_export'):
        assert hidden not in page, hidden
    idx = (tmp_path/'out'/'index.html').read_text()
    assert 'href="fine.html"' in idx and 'It runs.' in idx
    assert body_attrs(browse(tmp_path/'out'/'index.html', '--dump-dom')).get('data-rendered') == 'yes'


def test_broken_notebook_fails_the_build(tmp_path):
    nbs = tmp_path/'nbs'; nbs.mkdir(); _ok_nb(nbs)
    _write(nbs/'01_broken.ipynb', new_markdown_cell('# Broken'), new_code_cell('x = 1'),
           new_code_cell('raise ValueError("deliberately broken")'))
    out = tmp_path/'out'
    bd.build_site(out, nbs=nbs, notebooks=[nbs/'00_fine.ipynb'], workers=1, log=lambda *a: None)   # a good build first
    with pytest.raises(bd.DocsBuildError, match=r'01_broken\.ipynb: code cell 2 raised ValueError: deliberately broken'):
        bd.build_site(out, nbs=nbs, workers=2, log=lambda *a: None)
    assert sorted(p.name for p in out.glob('*.html')) == ['fine.html', 'index.html']   # the old site is untouched
    r = subprocess.run([sys.executable, str(TOP/'tools'/'build_docs.py'), '--static', '--nbs', str(nbs), '--out', str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and '01_broken.ipynb' in r.stderr and 'deliberately broken' in r.stderr, r.stderr


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    nbs = tmp_path/'nbs'; nbs.mkdir(); _ok_nb(nbs)
    (tmp_path/'precious').mkdir(); (tmp_path/'precious'/'thesis.tex').write_text('x')
    with pytest.raises(bd.DocsBuildError, match='refusing to replace'): bd.build_site(tmp_path/'precious', nbs=nbs)
    assert (tmp_path/'precious'/'thesis.tex').exists()


def test_pre_render_fills_nbdev_staged_copy(tmp_path):
    "Quarto's pre-render step: outputs of the executed source go into nbdev's staged copy (hidden cells dropped)."
    nbs, proc = tmp_path/'nbs', tmp_path/'_proc'; nbs.mkdir(); proc.mkdir()
    src = _ok_nb(nbs)
    staged = nbformat.read(src, as_version=4)
    staged.cells = [c for c in staged.cells if not c.source.startswith(('#| hide', '#| export', '#| default_exp'))]
    staged.cells.append(new_code_cell('show_doc(answer)', outputs=[nbformat.v4.new_output('display_data', {'text/markdown': 'doc'})]))
    nbformat.write(staged, proc/src.name)
    assert bd.pre_render(proc, [src.name], nbs, workers=1, log=lambda *a: None) == 1
    nb = nbformat.read(proc/src.name, as_version=4)
    outs = [''.join(o.get('text', '')) + str(o.get('data', '')) for c in nb.cells if c.cell_type == 'code' for o in c.outputs]
    assert 'shown without its code 42\n' in outs and "{'text/markdown': 'doc'}" in outs
    assert bd.pre_render(proc, [src.name], nbs, workers=1, log=lambda *a: None) == 0   # already filled: nothing to do
    with pytest.raises(bd.DocsBuildError, match='nbdev-docs'): bd.pre_render(nbs, [src.name], nbs)  # never into nbs/


def test_a_timed_out_notebook_runs_once_more(tmp_path):
    "A cell that outlives the timeout fails its notebook only if the second, fresh-kernel run times out too."
    marker = tmp_path/'ran_once'
    slow_once = f'import time, pathlib\np = pathlib.Path({str(marker)!r})\nif not p.exists(): p.touch(); time.sleep(30)'
    _write(tmp_path/'once.ipynb', new_markdown_cell('# Slow once'), new_code_cell(slow_once), new_code_cell('print("done")'))
    p, nb, err, _ = bd._execute_one(tmp_path/'once.ipynb', 5, ())
    assert err is None and marker.exists() and 'done' in nb.cells[2].outputs[0]['text']
    _write(tmp_path/'always.ipynb', new_markdown_cell('# Always slow'), new_code_cell('import time; time.sleep(30)'))
    p, nb, err, _ = bd._execute_one(tmp_path/'always.ipynb', 5, ())
    assert nb is None and 'always.ipynb' in err and 'Timeout' in err, err
