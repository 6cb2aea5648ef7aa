"""Notebook surgery used once to replace typed tables by cells that render them from results files (issue 23):
`split_tables(nb, start, {k: code}, edits)` cuts the markdown cell of `nb` starting with `start` at its k-th tables
and puts a hidden rendering cell in each one's place; `edits` are (old, new) text replacements made first."""
import json, uuid
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
IMPORTS = '#| hide\nfrom IPython.display import Markdown, display\nfrom wsslib.results import load_results, render_table, render_folds, render_pairs, fmt_cell, report_table'

def _code(s): return dict(cell_type='code', execution_count=None, id=uuid.uuid4().hex[:8], metadata={}, outputs=[], source=s.splitlines(keepends=True))
def _md(s): return dict(cell_type='markdown', id=uuid.uuid4().hex[:8], metadata={}, source=s.strip('\n').splitlines(keepends=True))

def split_tables(nb, start, codes:dict, edits=()):
    p = TOP/'nbs'/f'{nb}.ipynb'; d = json.loads(p.read_text()); cs = d['cells']
    i = next(i for i, c in enumerate(cs) if c['cell_type'] == 'markdown' and ''.join(c['source']).startswith(start))
    text = ''.join(cs[i]['source'])
    for old, new in edits:
        assert old in text, (nb, old[:60]); text = text.replace(old, new)
    lines = text.splitlines(); spans, k, j = [], 0, 0
    while j < len(lines):
        if lines[j].startswith('|'):
            a = j
            while j < len(lines) and lines[j].startswith('|'): j += 1
            spans.append((k, a, j)); k += 1
        else: j += 1
    new, last = [], 0
    for k, a, b in spans:
        if k not in codes: continue
        if '\n'.join(lines[last:a]).strip(): new.append(_md('\n'.join(lines[last:a])))
        new.append(_code('#| echo: false\n' + codes[k].strip('\n'))); last = b
    if '\n'.join(lines[last:]).strip(): new.append(_md('\n'.join(lines[last:])))
    assert len([c for c in new if c['cell_type'] == 'code']) == len(codes), (nb, len(spans))
    if not any(''.join(c['source']) == IMPORTS for c in cs): new.insert(0, _code(IMPORTS))
    cs[i:i + 1] = new
    p.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
