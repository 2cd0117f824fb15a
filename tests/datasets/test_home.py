"""The data home: argument, then $NETRCA_SHARED_DATASETS, then beside the checkout, then ~/netrca_data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rca.datasets import _home, get_data_home, load_pcic
from rca.datasets._gnnet import find_gnnet_folders
from rca.datasets._loaders import topology_zoo_root
from rca.errors import InputError


@pytest.fixture()
def layout(tmp_path, monkeypatch):
    """A source checkout with ../shared/datasets beside it, a home folder, and no environment variable."""
    checkout = tmp_path / "src" / "netrca"
    checkout.mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'netrca'\n")
    beside = tmp_path / "src" / "shared" / "datasets"
    beside.mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(_home, "_CHECKOUT", checkout)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("NETRCA_SHARED_DATASETS", raising=False)
    return checkout, beside, home


def test_precedence(layout, tmp_path, monkeypatch):
    checkout, beside, home = layout
    assert get_data_home() == beside  # 3. beside the source checkout
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"  # 2. the environment variable beats it
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"  # 1. the argument beats both
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", "")
    assert get_data_home() == beside  # an empty variable counts as unset


def test_default_without_a_checkout_beside_it_is_in_the_home_folder(layout):
    checkout, beside, home = layout
    beside.rmdir()
    assert get_data_home() == home / "netrca_data"
    beside.mkdir()
    (checkout / "pyproject.toml").unlink()  # an installed package: site-packages is no checkout
    assert get_data_home() == home / "netrca_data"
    assert not (home / "netrca_data").exists()  # looked up, never created


def test_tilde_is_expanded(layout, monkeypatch):
    _, _, home = layout
    assert get_data_home("~/data") == home / "data"
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", "~/shared")
    assert get_data_home() == home / "shared"


def test_loaders_look_in_the_data_home(layout, tmp_path, monkeypatch):
    _, beside, _ = layout
    pcic = beside / "huawei-alarms" / "tiny"
    pcic.mkdir(parents=True)
    (pcic / "Alarm.csv").write_text(
        "alarm_id,device_id,start_timestamp,end_timestamp\n0,0,1,2\n1,0,3,4\n"
    )
    np.save(pcic / "DAG.npy", np.array([[0, 1], [0, 0]]))
    assert load_pcic("huawei-alarms/tiny").true_graph.shape == (2, 2)
    assert topology_zoo_root() == beside / "topology-zoo"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "huawei-alarms").mkdir(parents=True)
    pcic.rename(elsewhere / "huawei-alarms" / "tiny")
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", str(elsewhere))
    assert load_pcic("huawei-alarms/tiny").true_graph.shape == (2, 2)
    assert topology_zoo_root() == elsewhere / "topology-zoo"
    with pytest.raises(InputError, match="not found"):  # the argument beats the variable
        load_pcic("huawei-alarms/tiny", data_home=tmp_path / "none")


def test_a_data_set_found_nowhere_names_both_places(layout, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", str(tmp_path / "data"))
    with pytest.raises(InputError) as err:
        load_pcic("huawei-alarms/absent")
    message = str(err.value)
    assert message.startswith("huawei-alarms/absent: not found here nor in the data home ")
    assert str(tmp_path / "data") in message and "NETRCA_SHARED_DATASETS" in message
    with pytest.raises(InputError, match="not found here; pass"):
        find_gnnet_folders(
            tmp_path / "absent"
        )  # an absolute path is not looked for in the data home


def test_gnn_recipes_train_on_gnnet_in_the_data_home(layout, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    from rca.gnn._recipes import default_gnnet_dir

    _, beside, _ = layout
    assert default_gnnet_dir() == beside / "gnnet-2021"
    monkeypatch.setenv("NETRCA_SHARED_DATASETS", str(tmp_path / "d"))
    assert default_gnnet_dir() == Path(tmp_path / "d" / "gnnet-2021")
