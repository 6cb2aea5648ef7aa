"Every committed results file is in the schema, and the notebooks' measured tables are rendered from them: no markdown cell holds a typed table of measurements."
import json, re
from pathlib import Path
import pytest
from wsslib.results import load_results

TOP = Path(__file__).resolve().parent.parent

@pytest.mark.parametrize('path', sorted((TOP/'results').glob('*.json')), ids=lambda p: p.name)
def test_results_file_is_in_the_schema(path):
    res = load_results(path)
    assert res['meta'].get('method') and (res['meta'].get('date') or res['meta'].get('source')), path   # where the numbers come from

# typed tables that are not measurements: settings, worked examples by hand, architecture, numbers quoted from the papers
NOT_MEASURED = {('08_backbones', '| unit(s) |'), ('10_cam', '| | $F_1$ |'), ('10_cam', '| setting |'), ('12_affinity', '| setting |'), ('13_boundary', '| setting |'),
                ('14_retab', '| image | ground truth |'), ('17_fewshot', '| method | fold 0 | fold 1 | fold 2 | fold 3 | mean |')}   # the last: the thesis's Table 5.1

def _typed_tables():
    for p in sorted((TOP/'nbs').glob('*.ipynb')):
        for c in json.loads(p.read_text())['cells']:
            if c['cell_type'] != 'markdown': continue
            lines = ''.join(c['source']).splitlines()
            for i, l in enumerate(lines):
                if l.strip().startswith('|') and (i == 0 or not lines[i - 1].strip().startswith('|')):   # a table's header
                    j = i + 2
                    rows = []
                    while j < len(lines) and lines[j].strip().startswith('|'): rows.append(lines[j]); j += 1
                    if sum(bool(re.search(r'\d+\.\d', r)) for r in rows) >= 2: yield p.stem, l.strip()

def test_no_typed_measurement_tables():
    found = {(nb, h) for nb, h in _typed_tables()}
    known = {(nb, h) for nb, h in found if any(nb == a and h.startswith(b) for a, b in NOT_MEASURED)}
    assert found - known == set(), f'typed tables of numbers in notebook markdown (render them from a results file): {sorted(found - known)}'

def test_the_check_sees_a_typed_table(tmp_path, monkeypatch):
    "The scan above finds a typed table (so the test can fail)."
    nb = tmp_path/'nbs'; nb.mkdir()
    (nb/'99_x.ipynb').write_text(json.dumps({'cells': [{'cell_type': 'markdown', 'source': ['| run | mIoU |\n', '|---|---|\n', '| a | 60.1 |\n', '| b | 61.2 |\n']}]}))
    monkeypatch.setattr(__import__(__name__), 'TOP', tmp_path)
    assert list(_typed_tables()) == [('99_x', '| run | mIoU |')]
