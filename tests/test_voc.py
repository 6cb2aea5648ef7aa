"Integration tests of the VOC-layout reader, weak annotations and the dataset summary on bigger trees and the synthetic world."
import numpy as np, pytest, torch
from scipy.io import savemat
from wsslib.data.voc import VOC, SegDataset, save_image, save_label, write_list, IGNORE
from wsslib.data.annotations import mask_boxes, xml_boxes, scribbles_from_mask, points_from_mask, coverage
from wsslib.data.folds import dataset_summary, split_samples

def _mask(rng, n=21):
    lab = np.zeros((12, 16), np.uint8)
    for c in rng.choice(np.arange(1, n), rng.integers(1, 3), replace=False):
        y, x = rng.integers(0, 8), rng.integers(0, 12); lab[y:y + 4, x:x + 4] = c
    return lab

def _tree(d, seed=0):
    "VOC: v00..v29 (train v00..v19, val v20..v29); SBD: s00..s39 plus v00..v04 (VOC train) and v20..v24 (VOC val)."
    rng = np.random.default_rng(seed); root, sbd = d/'VOC2012', d/'sbd'
    voc_names, sbd_names = [f'v{i:02d}' for i in range(30)], [f's{i:02d}' for i in range(40)]
    for n in voc_names + sbd_names: save_image(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8), root/'JPEGImages'/f'{n}.jpg')
    for n in voc_names:
        lab = _mask(rng); lab[0, :] = IGNORE; save_label(lab, root/'SegmentationClass'/f'{n}.png')
    (sbd/'cls').mkdir(parents=True)
    for n in sbd_names + voc_names[:5] + voc_names[20:25]:
        savemat(sbd/'cls'/f'{n}.mat', {'GTcls': {'Segmentation': _mask(rng)}})
    write_list(root/'ImageSets/Segmentation/train.txt', voc_names[:20]); write_list(root/'ImageSets/Segmentation/val.txt', voc_names[20:])
    write_list(sbd/'train.txt', sbd_names[:25] + voc_names[:3] + voc_names[20:22])
    write_list(sbd/'val.txt', sbd_names[25:] + voc_names[3:5] + voc_names[22:25])
    return root, sbd

def test_train_aug_is_the_same_from_sbd_or_from_segmentationclassaug(tmp_path):
    root, sbd = _tree(tmp_path)
    a = VOC(root, sbd)
    names = a.names('train_aug')
    assert len(names) == 20 + 40 and not set(names) & set(a.names('val'))      # VOC train + SBD-only names, no val image
    a.check(names, 'train_aug')
    labels = {n: a.label(n) for n in names}
    # the pre-converted bundle: a PNG for every train_aug and val image, VOC's mask where VOC has one
    for n in names + a.names('val'): save_label(labels.get(n, a.label(n)), root/'SegmentationClassAug'/f'{n}.png')
    b = VOC(root)
    assert b.names('train_aug') == names
    assert all((b.label(n) == labels[n]).all() for n in names)
    assert b.image_labels('train_aug') == a.image_labels('train_aug')
    # VOC's own mask wins over SBD's for the overlapping training images (its top row is void, SBD's never is)
    assert all((a.label(n)[0] == IGNORE).all() for n in a.names('train')[:5])

def test_dataset_summary_counts_match_split_samples(tmp_path):
    root, sbd = _tree(tmp_path)
    s = dataset_summary(root, sbd)
    voc = VOC(root, sbd)
    assert s['splits'] == {k: len(voc.names(k)) for k in ('train', 'val', 'trainval', 'train_aug')}
    il = voc.image_labels('train_aug')
    for f in range(4):
        want = {k: len(v) for k, v in split_samples(il, f).items()}
        assert s['folds'][str(f)]['samples']['train_aug'] == want
    assert s['images_per_class']['train_aug'][1:] == [sum(c in v for v in il.values()) for c in range(1, 21)]
    assert s['void_share']['val'] > 0 and abs(sum(s['pixel_share']['train']) - 1) < 1e-9

def test_dataset_with_the_transforms_module_in_a_dataloader(tmp_path):
    tr = pytest.importorskip('wsslib.data.transforms')
    root, sbd = _tree(tmp_path)
    cfg = tr.TransformConfig.scaled(8)
    ds = SegDataset(VOC(root, sbd), 'train_aug', tfm=tr.train_transforms(cfg))
    b = next(iter(torch.utils.data.DataLoader(ds, batch_size=4, shuffle=False)))
    assert b['img'].shape == (4, 3, 8, 8) and b['img'].dtype == torch.float32
    assert b['label'].shape == (4, 8, 8) and b['label'].dtype == torch.int64
    assert set(b['label'].unique().tolist()) <= set(range(21)) | {IGNORE}
    assert b['cls'].shape == (4, 20) and (b['size'] == torch.tensor([12, 16])).all()

def test_synthetic_world_reads_like_voc(request):
    pytest.importorskip('wsslib.data.synth')
    w = request.getfixturevalue('tiny_world')
    voc = VOC(w)
    assert {'train', 'val'} <= set(voc.splits())
    for split in ('train', 'val'):
        names = voc.names(split); voc.check(names, split)
        ds = SegDataset(voc, split)
        s = ds[0]
        assert s['img'].shape[0] == 3 and s['img'].shape[1:] == s['label'].shape
    n = voc.names('train')[0]; lab = voc.label(n)
    if voc.xml_path(n).exists() and (w/'SegmentationObject'/f'{n}.png').exists():
        inst = voc.instance(n)
        mb, xb = mask_boxes(lab, inst), xml_boxes(voc.xml_path(n))
        assert sorted(mb[:, 4].tolist()) == sorted(xb[:, 4].tolist())
        for x0, y0, x1, y1, c in mb:                                             # each mask box lies inside an XML box of its class
            assert any(c == d[4] and d[0] <= x0 and d[1] <= y0 and x1 <= d[2] and y1 <= d[3] for d in xb)
        sc, pt = scribbles_from_mask(lab, inst), points_from_mask(lab, inst)
        for m in (sc, pt):
            k = m != IGNORE; assert (m[k] == lab[k]).all() and coverage(m) > 0
