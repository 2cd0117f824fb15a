"""Alarm vocabularies of three NMS styles, and the rendering of alarm rows.

Symptoms are generated as *roles* (``port_fiber``, ``comm_lost``...); each
incident is exported by one NMS style that names them its own way, with its
own default severities and message templates. Clears repeat the alarm type
with severity ``cleared``, except where the style has a dedicated clear trap
(SNMP ``linkUp``).
"""

from __future__ import annotations

#: role -> (alarm_type, severity, message template)
TMF = {
    "port_fiber": ("LOS", "critical", "Loss of signal on {port}{to_peer}"),
    "port_other": ("LINK_DOWN", "major", "Interface {port}{to_peer} changed state to down"),
    "igp_ospf": (
        "OSPF_NBR_DOWN",
        "major",
        "OSPF neighbour {peer_ip} on {port} changed from Full to Down",
    ),
    "igp_isis": ("ISIS_ADJ_DOWN", "major", "IS-IS L2 adjacency to {peer} on {port} went down"),
    "bgp": ("BGP_PEER_DOWN", "major", "BGP session to {peer_ip} went from Established to Idle"),
    "comm_lost": (
        "NE_COMMU_BREAK",
        "critical",
        "Communication with NE {device} interrupted (poll timeout)",
    ),
    "cell_outage": ("CELL_UNAVAILABLE", "critical", "Cell {device}-{cell} out of service"),
    "mains": ("MAINS_FAILURE", "major", "AC mains input failure at site {site}"),
    "battery": ("BATTERY_LOW", "critical", "Battery voltage low: {volt} V"),
    "dying_gasp": ("DYING_GASP", "critical", "Dying gasp: power lost"),
    "card": ("BOARD_FAULT", "critical", "Board in slot {slot} faulty (hardware error)"),
    "restart": ("NE_COLD_START", "warning", "NE restarted (cold start)"),
    "cpu": ("HIGH_CPU", "major", "CPU usage {cpu}% exceeds threshold 85%"),
    "sla": ("TWAMP_DELAY_EXCEEDED", "minor", "TWAMP two-way delay {ms} ms exceeds 20 ms"),
    "util": (
        "PORT_UTIL_HIGH",
        "minor",
        "Bandwidth utilisation of {port} at {pct}% (threshold 90%)",
    ),
    "rsl": ("RSL_LOW", "minor", "Received signal level {rsl} dBm below -65 dBm on {port}"),
    "ber": ("BER_SD", "major", "Signal degrade on {port}: BER {ber}"),
    "fan": ("FAN_FAULT", "minor", "Fan module {slot} failure"),
    "temp": ("TEMP_HIGH", "minor", "Board temperature {temp} C above threshold"),
    "login": ("LOGIN_FAILED", "warning", "Login failed for user admin from 192.0.2.{slot}"),
    "config": ("CFG_CHANGED", "warning", "Configuration changed by user noc{slot}"),
}

SNMP = {
    "port_fiber": ("linkDown", "major", "ifDescr={port} ifOperStatus=down{to_peer}"),
    "port_other": ("linkDown", "major", "ifDescr={port} ifOperStatus=down{to_peer}"),
    "igp_ospf": ("ospfNbrStateChange", "major", "ospfNbrIpAddr={peer_ip} ospfNbrState=down(1)"),
    "igp_isis": (
        "isisAdjacencyChange",
        "major",
        "isisAdjState=down neighbour {peer} circuit {port}",
    ),
    "bgp": ("bgpBackwardTransition", "major", "bgpPeerRemoteAddr={peer_ip} bgpPeerState=idle(1)"),
    "comm_lost": (
        "nodeDown",
        "critical",
        "Node {device} is down: all interfaces failed SNMP/ICMP polling",
    ),
    "cell_outage": ("cellOutage", "critical", "Cell {device}-{cell} unavailable (reported by OSS)"),
    "mains": ("upsOnBattery", "major", "Site {site} running on battery: AC input lost"),
    "battery": ("upsBatteryLow", "critical", "Battery capacity low ({volt} V)"),
    "dying_gasp": ("dyingGasp", "critical", "Dying gasp received from {device}"),
    "card": ("entConfigChange", "critical", "entPhysicalIndex {slot}: module failed"),
    "restart": ("coldStart", "warning", "Agent reinitialised (coldStart)"),
    "cpu": ("cpuRisingThreshold", "major", "cpmCPUTotal5min={cpu}"),
    "sla": ("slaThresholdViolation", "minor", "IP SLA probe rtt {ms} ms above threshold"),
    "util": ("ifUtilRising", "minor", "{port} utilisation {pct}% rising threshold"),
    "rsl": ("rslLow", "minor", "Radio RSL {rsl} dBm on {port}"),
    "ber": ("berHigh", "major", "Radio BER {ber} on {port}"),
    "fan": ("fanFailure", "minor", "Fan tray {slot} failed"),
    "temp": ("tempRisingThreshold", "minor", "Temperature {temp} C"),
    "login": (
        "authenticationFailure",
        "warning",
        "SNMP authentication failure from 192.0.2.{slot}",
    ),
    "config": ("ciscoConfigManEvent", "warning", "Running config changed from terminal {slot}"),
}

CLI = {
    "port_fiber": ("ETH_LOS", "critical", "Port {port}: loss of signal{to_peer}"),
    "port_other": ("PORT_DOWN", "major", "Port {port} operationally down{to_peer}"),
    "igp_ospf": (
        "OSPF_ADJ_DOWN",
        "major",
        "OSPF adjacency with {peer} ({peer_ip}) lost: dead timer expired",
    ),
    "igp_isis": ("ISIS_ADJ_DOWN", "major", "ISIS adjacency with {peer} lost on {port}"),
    "bgp": ("BGP_PEER_DOWN", "major", "BGP peer {peer_ip} down: hold timer expired"),
    "comm_lost": ("NE_NOT_REACHABLE", "critical", "{device} not reachable from management"),
    "cell_outage": (
        "SERVICE_UNAVAILABLE",
        "critical",
        "Radio service down on cell {cell} of {device}",
    ),
    "mains": ("AC_POWER_FAIL", "major", "Rectifier: AC input failed"),
    "battery": ("BATTERY_DISCHARGE", "critical", "Battery discharging, {volt} V"),
    "dying_gasp": ("DYING_GASP", "critical", "Power supply lost, shutting down"),
    "card": ("CARD_FAILURE", "critical", "Card {slot} failed, ports out of service"),
    "restart": ("SYSTEM_RESTART", "warning", "System restarted"),
    "cpu": ("CPU_UTIL_HIGH", "major", "CPU utilisation {cpu}%"),
    "sla": ("SLA_LATENCY_VIOLATION", "minor", "Latency {ms} ms exceeds SLA"),
    "util": ("LINK_UTIL_HIGH", "minor", "Port {port} utilisation {pct}%"),
    "rsl": ("RADIO_RSL_LOW", "minor", "RSL {rsl} dBm on {port}"),
    "ber": ("RADIO_BER_HIGH", "major", "BER {ber} on radio {port}"),
    "fan": ("FAN_FAIL", "minor", "Fan {slot} failed"),
    "temp": ("OVER_TEMPERATURE", "minor", "Temperature {temp} C"),
    "login": ("AUTH_FAILURE", "warning", "Failed SSH login from 192.0.2.{slot}"),
    "config": ("CONFIG_SAVED", "warning", "Configuration saved by user noc{slot}"),
}

STYLES = {"tmf": TMF, "snmp": SNMP, "cli": CLI}

#: dedicated clear names (alarm_type of the raise -> alarm_type of the clear)
CLEAR_NAMES = {
    "snmp": {"linkDown": "linkUp", "nodeDown": "nodeUp", "bgpBackwardTransition": "bgpEstablished"}
}

#: metric names (link utilisation as a fraction, cpu in percent) per style
METRIC_NAMES = {
    "tmf": ("utilization", "cpu"),
    "snmp": ("ifUtilization", "cpuLoad"),
    "cli": ("bw_util", "cpu_util_pct"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def render(style: str, role: str, fields: dict, *, clear: bool = False) -> tuple[str, str, str]:
    """``(alarm_type, severity, message)`` of one symptom in one NMS style."""
    alarm_type, severity, template = STYLES[style][role]
    message = template.format_map(_Blank(fields))
    if clear:
        alarm_type = CLEAR_NAMES.get(style, {}).get(alarm_type, alarm_type)
        severity = "cleared"
        message = message + " - cleared"
    return alarm_type, severity, message
