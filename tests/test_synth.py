"""The synthetic world: deterministic bytes, and a valid PASCAL VOC 2012 layout checked by a reader written here
with PIL and xml.etree only (none of wsslib's readers), so a bug shared by writer and reader cannot hide."""
import time, xml.etree.ElementTree as ET
from pathlib import Path
import numpy as np
from PIL import Image
import pytest
from wsslib.data.synth import SynthConfig, generate_world

VOC_NAMES = ['background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
             'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor']
CFG = dict(n_train=20, n_val=8, void_width=5)

def _palette():
    "The VOC colour map, written out independently: bit j of the id's three low bits goes to bit 7-j of R, G, B."
    pal = []
    for i in range(256):
        r = g = b = 0
        for j in range(8):
            r |= ((i >> (3 * j)) & 1) << (7 - j); g |= ((i >> (3 * j + 1)) & 1) << (7 - j); b |= ((i >> (3 * j + 2)) & 1) << (7 - j)
        pal += [r, g, b]
    return pal

@pytest.fixture(scope='module')
def worlds(tmp_path_factory):
    root, out, times = tmp_path_factory.mktemp('synth'), {}, {}
    for key, seed, void in (('a', 0, 5), ('b', 0, 5), ('c', 1, 5), ('z', 0, 0)):      # 'b': the same world in two processes
        t = time.perf_counter()
        out[key] = (root/key, generate_world(root/key, SynthConfig(seed=seed, **{**CFG, 'void_width': void}), progress=False, workers=2 if key == 'b' else 1))
        times[key] = time.perf_counter() - t
    return out, times

def _files(d): return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(Path(d).rglob('*')) if p.is_file()}

def test_same_seed_same_bytes_other_seed_differs(worlds):
    "The same seed gives the same bytes, in one process ('a') or two ('b'); another seed changes every image."
    (da, _), (db, _), (dc, _) = (worlds[0][k] for k in 'abc')
    fa, fb, fc = _files(da), _files(db), _files(dc)
    assert len(fa) == 4 * 28 + 3 + 1                     # 4 files per image, 3 lists, synth.json
    assert fa.keys() == fb.keys() and all(fa[k] == fb[k] for k in fa), [k for k in fa if fa[k] != fb.get(k)][:5]
    assert fa.keys() == fc.keys()
    assert sum(fa[k] != fc[k] for k in fa if k.startswith('JPEGImages/')) == 28   # every image differs with the seed

def _read_xml(p):
    x = ET.parse(p).getroot()
    size = tuple(int(x.find('size').find(t).text) for t in ('width', 'height', 'depth'))
    objs = [dict(name=o.find('name').text, truncated=int(o.find('truncated').text), difficult=int(o.find('difficult').text),
                 box=tuple(int(o.find('bndbox').find(t).text) for t in ('xmin', 'ymin', 'xmax', 'ymax'))) for o in x.findall('object')]
    return x, size, objs

def test_valid_voc_layout(worlds):
    d, stats = worlds[0]['a']; w = CFG['void_width']
    lists = {s: (d/'ImageSets/Segmentation'/f'{s}.txt').read_text().split() for s in ('train', 'val', 'trainval')}
    assert len(lists['train']) == 20 and len(lists['val']) == 8
    assert not set(lists['train']) & set(lists['val']) and lists['trainval'] == lists['train'] + lists['val']
    assert len(set(lists['trainval'])) == 28
    pal, n_obj = _palette(), 0
    for n in lists['trainval']:
        jpg, cls_p, obj_p = Image.open(d/'JPEGImages'/f'{n}.jpg'), Image.open(d/'SegmentationClass'/f'{n}.png'), Image.open(d/'SegmentationObject'/f'{n}.png')
        x, size, objs = _read_xml(d/'Annotations'/f'{n}.xml')
        assert jpg.format == 'JPEG' and jpg.mode == 'RGB'
        assert jpg.size == cls_p.size == obj_p.size == size[:2] and size[2] == 3
        assert x.find('filename').text == f'{n}.jpg' and x.find('segmented').text == '1'
        for im in (cls_p, obj_p): assert im.mode == 'P' and im.getpalette()[:768] == pal
        cls, obj = np.array(cls_p), np.array(obj_p)
        assert set(np.unique(cls)) <= set(range(21)) | {255}
        assert ((cls == 255) == (obj == 255)).all()                     # one void band in both maps
        assert ((cls == 0) == (obj == 0)).all()
        assert (cls == 255).any()                                       # objects have a void outline
        ids = sorted(set(np.unique(obj)) - {0, 255})
        assert ids == list(range(1, len(objs) + 1)), (n, ids, len(objs))
        W, H = size[:2]
        for k, o in enumerate(objs, 1):
            n_obj += 1
            under = set(np.unique(cls[obj == k]))
            assert len(under) == 1 and o['name'] == VOC_NAMES[under.pop()], (n, k)
            xmin, ymin, xmax, ymax = o['box']                           # 1-based, inclusive
            assert 1 <= xmin <= xmax <= W and 1 <= ymin <= ymax <= H
            ys, xs = np.nonzero(obj == k)
            # the box holds the instance; its four sides touch the instance or the void band around it
            assert xs.min() + 1 >= xmin and xs.max() + 1 <= xmax and ys.min() + 1 >= ymin and ys.max() + 1 <= ymax
            inbox = obj[ymin - 1:ymax, xmin - 1:xmax]
            for edge in (inbox[:, 0], inbox[:, -1], inbox[0], inbox[-1]): assert ((edge == k) | (edge == 255)).any(), (n, k)
            # and the void band takes at most w px (plus corners) off the instance's extent
            assert max(xs.min() + 1 - xmin, xmax - xs.max() - 1, ys.min() + 1 - ymin, ymax - ys.max() - 1) <= w + 3, (n, k)
            assert o['truncated'] == int(xmin == 1 or ymin == 1 or xmax == W or ymax == H) and o['difficult'] == 0
    assert n_obj >= 28 and stats['images'] == {'train': 20, 'val': 8}

def test_boxes_are_exact_visible_extents(worlds):
    "Without a void band every instance pixel is visible, so each box must equal its instance's extent exactly."
    (da, _), (dz, _) = worlds[0]['a'], worlds[0]['z']
    fa, fz = _files(da), _files(dz)
    for k in fa:                                   # the band is annotation only: images and XML do not depend on it
        if k.startswith(('JPEGImages/', 'Annotations/')): assert fa[k] == fz[k], k
    for p in sorted((dz/'Annotations').glob('*.xml')):
        obj = np.array(Image.open(dz/'SegmentationObject'/f'{p.stem}.png')); _, _, objs = _read_xml(p)
        assert 255 not in obj
        for k, o in enumerate(objs, 1):
            ys, xs = np.nonzero(obj == k)
            assert o['box'] == (xs.min() + 1, ys.min() + 1, xs.max() + 1, ys.max() + 1), (p.stem, k)

def test_generation_time(worlds):
    (d, stats), times = worlds[0]['a'], worlds[1]
    print(f"\nsynthetic world of {sum(stats['images'].values())} images at {SynthConfig().size} px: "
          f"generate_world reports {stats['seconds']:.2f} s ({times['a']:.2f} s wall)")
    assert 0 < stats['seconds'] < 60 and not stats['skipped']

def test_second_looks_change_colours_only(worlds, tmp_path):
    "A regions=2 world has the default world's masks, boxes and lists; only the JPEGs differ, on the objects' bodies."
    da, _ = worlds[0]['a']; d2 = tmp_path/'r2'
    generate_world(d2, SynthConfig(seed=0, regions=2, **CFG), progress=False)
    fa, f2 = _files(da), _files(d2)
    assert fa.keys() == f2.keys()
    for k in fa:
        if k.startswith('JPEGImages/'): assert fa[k] != f2[k], k
        elif k != 'synth.json': assert fa[k] == f2[k], k
    n = sorted(k for k in fa if k.startswith('JPEGImages/'))[0]; stem = Path(n).stem
    a, b = (np.asarray(Image.open(d/n), np.int16) for d in (da, d2))
    lab = np.array(Image.open(da/'SegmentationClass'/f'{stem}.png'))
    from scipy import ndimage
    far = ndimage.distance_transform_edt(lab == 0) > 8                 # background 8+ px from any object: JPEG blocks' ringing only
    assert far.sum() > 1000 and np.abs(a - b).max(-1)[far].mean() < 0.5
    assert (np.abs(a - b).max(-1)[(lab > 0) & (lab < 255)] > 40).mean() > 0.1   # bodies repainted

def test_world_from_before_a_new_field_is_reused(worlds, tmp_path):
    "A synth.json written before `regions` existed still matches the default config; a non-default one does not."
    import json, shutil
    from wsslib.core import DataError
    d = tmp_path/'old'; shutil.copytree(worlds[0]['a'][0], d)
    meta = json.loads((d/'synth.json').read_text())
    for k in ('regions', 'region_share'): del meta['config'][k]
    (d/'synth.json').write_text(json.dumps(meta))
    assert generate_world(d, SynthConfig(seed=0, **CFG), progress=False)['skipped']
    with pytest.raises(DataError, match='regions'): generate_world(d, SynthConfig(seed=0, regions=2, **CFG), progress=False)
