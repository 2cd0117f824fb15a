"""Alarm vocabularies: the names vendors give the twin's alarm types.

The twin raises alarms under canonical names (the ``generic`` vocabulary);
a dialect renames them as one vendor's NMS would, and ``mixed`` gives every
element a vendor of its own, as in a multi-vendor network.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError

__all__ = ["VOCABULARIES", "CANONICAL", "SEVERITY", "rename", "port_name"]

#: Canonical alarm types and their usual severity.
SEVERITY: dict[str, str] = {
    "LINK_DOWN": "major",
    "LOS": "critical",
    "NE_COMM_LOST": "critical",
    "DYING_GASP": "critical",
    "MAINS_FAILURE": "major",
    "BATTERY_LOW": "major",
    "BGP_PEER_DOWN": "major",
    "OSPF_NBR_DOWN": "major",
    "HIGH_CPU": "minor",
    "SLA_LATENCY_HIGH": "minor",
    "PACKET_LOSS": "major",
    "CELL_OUTAGE": "critical",
    "CARD_FAILURE": "critical",
    "MW_RSL_LOW": "minor",
    "MW_LOF": "critical",
    "MODEM_BER_HIGH": "major",
    "HIGH_UTILIZATION": "minor",
    "TEMP_HIGH": "minor",
    "FAN_FAILURE": "major",
    "POWER_SUPPLY_FAIL": "major",
    "COLD_START": "warning",
    "CONFIG_CHANGE": "warning",
    "AUTH_FAILURE": "warning",
}
CANONICAL: tuple[str, ...] = tuple(SEVERITY)

_VENDOR_A = {  # a Huawei-like vocabulary
    "LINK_DOWN": "ETH_LINK_DOWN",
    "LOS": "R_LOS",
    "NE_COMM_LOST": "NE_NOT_REACHABLE",
    "DYING_GASP": "DYING_GASP",
    "MAINS_FAILURE": "POWER_ABNORMAL",
    "BATTERY_LOW": "BAT_LOW_VOLTAGE",
    "BGP_PEER_DOWN": "BGP_NBR_DOWN",
    "OSPF_NBR_DOWN": "OSPF_NBR_STATE_DOWN",
    "HIGH_CPU": "CPU_USAGE_OVER_THRESHOLD",
    "SLA_LATENCY_HIGH": "TWAMP_DELAY_EXCEED",
    "PACKET_LOSS": "TWAMP_PKT_LOSS_EXCEED",
    "CELL_OUTAGE": "CELL_UNAVAILABLE",
    "CARD_FAILURE": "BD_STATUS_FAULT",
    "MW_RSL_LOW": "MW_RSL_TCA",
    "MW_LOF": "MW_LOF",
    "MODEM_BER_HIGH": "MW_BER_SD",
    "HIGH_UTILIZATION": "PORT_BW_USAGE_HIGH",
    "TEMP_HIGH": "TEMP_OVER_THRESHOLD",
    "FAN_FAILURE": "FAN_FAIL",
    "POWER_SUPPLY_FAIL": "POWER_MODULE_FAIL",
    "COLD_START": "NE_COLD_RESTART",
    "CONFIG_CHANGE": "CFG_CHANGED",
    "AUTH_FAILURE": "LOGIN_FAILED",
}
_VENDOR_B = {  # a Nokia/ALU-like vocabulary
    "LINK_DOWN": "PortOperDown",
    "LOS": "LossOfSignal",
    "NE_COMM_LOST": "NodeUnreachable",
    "DYING_GASP": "DyingGasp",
    "MAINS_FAILURE": "MainsFail",
    "BATTERY_LOW": "BatteryDischarge",
    "BGP_PEER_DOWN": "BgpPeerNotEstablished",
    "OSPF_NBR_DOWN": "OspfNeighborDown",
    "HIGH_CPU": "CpuUsageHigh",
    "SLA_LATENCY_HIGH": "OamDelayThresholdCrossed",
    "PACKET_LOSS": "OamLossThresholdCrossed",
    "CELL_OUTAGE": "CellOperationDegraded",
    "CARD_FAILURE": "CardFailure",
    "MW_RSL_LOW": "RadioRslLow",
    "MW_LOF": "RadioLossOfFrame",
    "MODEM_BER_HIGH": "RadioBerHigh",
    "HIGH_UTILIZATION": "PortUtilizationHigh",
    "TEMP_HIGH": "TemperatureThresholdCrossed",
    "FAN_FAILURE": "FanTrayFailure",
    "POWER_SUPPLY_FAIL": "PowerSupplyFailure",
    "COLD_START": "ColdStart",
    "CONFIG_CHANGE": "ConfigurationChange",
    "AUTH_FAILURE": "SecurityLoginFailure",
}

#: Dialect name -> canonical name -> the dialect's alarm type.
VOCABULARIES: dict[str, dict[str, str]] = {
    "generic": {k: k for k in CANONICAL},
    "vendor_a": _VENDOR_A,
    "vendor_b": _VENDOR_B,
}

_PORTS = {
    "generic": "ge-0/{slot}/{port}",
    "vendor_a": "GE0/{slot}/{port}",
    "vendor_b": "1/{slot}/{port}",
}


def check_vocabulary(name: str) -> str:
    """Check a vocabulary name (a dialect or ``"mixed"``)."""
    if name not in VOCABULARIES and name != "mixed":
        raise InputError(
            f"vocabulary must be one of {sorted(VOCABULARIES) + ['mixed']}; got {name!r}"
        )
    return name


def device_dialects(
    node_ids: list[str], vocabulary: str, rng: np.random.Generator
) -> dict[str, str]:
    """The dialect each element speaks (one for all unless ``mixed``)."""
    if vocabulary != "mixed":
        return dict.fromkeys(node_ids, vocabulary)
    names = sorted(VOCABULARIES)
    picks = rng.choice(len(names), size=len(node_ids))
    return {n: names[int(k)] for n, k in zip(node_ids, picks)}


def rename(kind: str, dialect: str) -> str:
    """A canonical alarm type in one dialect.

    Examples
    --------
    >>> rename("NE_COMM_LOST", "vendor_a")
    'NE_NOT_REACHABLE'
    """
    return VOCABULARIES[dialect][kind]


def port_name(dialect: str, slot: int, port: int) -> str:
    """An interface name in a dialect's style.

    Examples
    --------
    >>> port_name("vendor_b", 2, 5)
    '1/2/5'
    """
    return _PORTS[dialect].format(slot=slot, port=port)
