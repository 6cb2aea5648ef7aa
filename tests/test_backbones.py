"Backbones as a user imports them: the feature-dict contract, strict weight loading, offline behaviour, frozen BN, poly lr."
import os, time
import pytest
import torch
from torch import nn
from wsslib.core import DataError
from wsslib.models.backbones import (BackboneConfig, ResNet38, SmallNet, fetch_resnet_weights, freeze_bn, get_backbone,
                                     load_resnet38_weights, param_groups, poly_scheduler, resnet38_keys)

def test_small_backbone_levels_match_channels_and_strides():
    m = get_backbone(BackboneConfig(width=8)).eval()
    with torch.no_grad(): f = m(torch.zeros(2, 3, 40, 56))
    assert list(f) == list(m.channels) and m.out_key == list(f)[-1]
    for k, v in f.items():
        assert tuple(v.shape) == (2, m.channels[k], -(-40 // m.strides[k]), -(-56 // m.strides[k])), k

def test_resnet38_names_and_strict_loader(tmp_path):
    with torch.device('meta'): m = ResNet38()   # shapes and names without allocating 420 MB
    keys = [k for k in m.state_dict() if not k.endswith('num_batches_tracked')]
    assert keys == resnet38_keys() and len(keys) == 191
    sd = {k: torch.zeros((), dtype=v.dtype).expand(v.shape) for k, v in m.state_dict().items()}
    sd['bn7.gamma'] = sd.pop('bn7.weight'); torch.save(sd, tmp_path/'w.pth')
    with pytest.raises(DataError, match=r'unknown key\(s\): bn7\.gamma.*missing key\(s\): bn7\.weight'):
        load_resnet38_weights(m, tmp_path/'w.pth')

def test_torchvision_weights_fail_fast_offline(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path)); monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    t = time.perf_counter()
    with pytest.raises(DataError) as e: get_backbone('resnet50', pretrained=True)
    assert time.perf_counter() - t < 2
    assert 'hub/checkpoints/resnet50-' in str(e.value) and 'weights_path=' in str(e.value)
    with pytest.raises(DataError, match='download=False'): fetch_resnet_weights(101, download=False)

def test_frozen_bn_survives_train_and_a_step():
    torch.manual_seed(0); m = freeze_bn(SmallNet(8)); m.train()
    buf = {k: v.clone() for k, v in m.state_dict().items()}
    opt = torch.optim.SGD(m.parameters(), lr=1.)
    sum(v.mean() for v in m(torch.randn(2, 3, 32, 32)).values()).backward(); opt.step(); m.train()
    changed = {k for k, v in m.state_dict().items() if not torch.equal(v, buf[k])}
    assert changed and all('conv' in k or k.endswith('.0.weight') for k in changed), changed
    assert not any(isinstance(x, nn.BatchNorm2d) for x in m.modules())

def test_param_groups_and_poly():
    opt = torch.optim.SGD(param_groups(nn.Conv2d(2, 2, 1), nn.Linear(2, 2), lr=0.1, weight_decay=1e-4), lr=0.1)
    sch = poly_scheduler(opt, max_it=4, power=1.)
    for _ in range(2): opt.step(); sch.step()
    assert [round(g['lr'], 6) for g in opt.param_groups] == [0.05, 0.1, 0.5, 1.0]
    assert [g['weight_decay'] for g in opt.param_groups] == [1e-4, 0., 1e-4, 0.]
