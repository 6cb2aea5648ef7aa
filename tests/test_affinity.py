"Bad inputs of the affinity stage fail early with a DataError that names the file."
from wsslib.core import update_config
import numpy as np, pytest, torch
from wsslib.core import DataError
from wsslib.data.synth import SynthConfig, generate_world, world_names
from wsslib.data.voc import VOC, save_label
from wsslib.affinity import AffinityConfig, affinity_loss, load_affinity_net, train_affinity

CFG = update_config(AffinityConfig(), backbone=dict(width=4), dims=(4, 4, 8), init_from_cam=False, epochs=1, batch_size=2, aug=dict(crop=32, resize_long=(32, 40)))

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    "A 4-image world with la/ha labels copied from its masks."
    d = tmp_path_factory.mktemp('aff'); wcfg = SynthConfig(seed=1, n_train=4, n_val=0, size=32, void_width=1)
    generate_world(d/'world', wcfg, progress=False); names = world_names(wcfg)['train']; voc = VOC(d/'world')
    for n in names:
        for k in ('la', 'ha'): save_label(voc.label(n), d/'cam'/f'crf_{k}'/f'{n}.png')
    return d, names

def test_trains_and_reloads(world):
    d, names = world
    ck = train_affinity(d/'world', d/'cam', d/'run', CFG, names=names, progress=False)
    m = load_affinity_net(ck)
    assert m.cfg == CFG and not m.training

def test_corrupt_checkpoint(world, tmp_path):
    d, names = world
    ck = train_affinity(d/'world', d/'cam', d/'run', CFG, names=names, progress=False)
    bad = tmp_path/'affinity_net.pth'; bad.write_bytes(ck.read_bytes()[:200])        # truncated
    with pytest.raises(DataError, match='affinity_net.pth: cannot read the checkpoint'): load_affinity_net(bad)
    with pytest.raises(DataError, match='cannot read the checkpoint'): train_affinity(d/'world', d/'cam', tmp_path, CFG, names=names, progress=False)
    torch.save({'weights': torch.zeros(1)}, bad)
    with pytest.raises(DataError, match='not a wsslib AffinityNet checkpoint'): load_affinity_net(bad)
    with pytest.raises(DataError, match='checkpoint not found'): load_affinity_net(tmp_path/'missing.pth')

def test_label_map_of_wrong_shape(world, tmp_path):
    d, names = world
    import shutil; shutil.copytree(d/'cam', tmp_path/'cam')
    save_label(np.zeros((30, 32), np.uint8), tmp_path/'cam'/'crf_ha'/f'{names[2]}.png')   # the image is 32x32
    with pytest.raises(DataError, match=f'crf_ha/{names[2]}.png: label map is 30x32 but the image is 32x32'):
        train_affinity(d/'world', tmp_path/'cam', tmp_path/'run', CFG, names=names, progress=False)
    assert not (tmp_path/'run'/'affinity_net.pth').exists()                          # refused before any training

def test_loss_needs_the_same_grid():
    with pytest.raises(ValueError, match='same grid'): affinity_loss(torch.rand(1, 34, 4, 4), torch.zeros(1, 4, 5, dtype=torch.long))
