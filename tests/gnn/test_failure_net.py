import pytest
import torch

from rca.gnn._failure_net import FailureNet


@pytest.mark.parametrize("layers", [0, 1, 4])
def test_inference_path_computes_the_training_function(layers):
    torch.manual_seed(layers)
    net = FailureNet(48, 9, layers=layers)
    n = 300
    x = torch.rand(n, 48)
    edge_index = torch.randint(0, n, (2, 1200))
    edge_kind = torch.randint(0, 2, (1200,))
    with torch.enable_grad():
        reference = net(x, edge_index, edge_kind)
    with torch.inference_mode():
        fast = net(x, edge_index, edge_kind)
        only_root = net(x, edge_index, edge_kind, task="localise")
    assert set(fast) == {"root", "fault", "symptom", "delay"}
    assert set(only_root) == {"root", "fault"}
    for key, value in reference.items():
        torch.testing.assert_close(fast[key], value.detach(), rtol=1e-5, atol=1e-5)
