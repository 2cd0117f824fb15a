"""Alarm vocabularies: how each vendor family names and words a condition.

The names below are *this generator's own* lists, written in the style of
the management systems of large vendors (syslog mnemonics of one router
family, SNMP-trap names of another, EMS alarm titles with ``key=value``
parameter lists, numbered RAN alarms with free text, title-case radio
alarms). They are not copies of any vendor's alarm dictionary.

Each entry of a table maps a canonical symptom code to one or more
renderings ``(alarm_type, severity, message, clear_type, clear_message)``;
several renderings mean the element emits several rows for one condition
(e.g. a physical and a protocol "interface down"). ``None`` as clear_type
reuses alarm_type; ``None`` as clear_message prefixes the raise message.
"""

from __future__ import annotations

__all__ = [
    "VENDOR_TABLES",
    "GENERIC",
    "NORMALISED",
    "SEVERITY_STYLE",
    "EMS_COMM",
    "PING_STYLES",
    "LINK_CODES",
    "lookup",
]

R = tuple  # (type, severity, message, clear_type, clear_message)

# Codes whose alarms concern a port: link_id is often filled for these.
LINK_CODES = {
    "PORT_DOWN",
    "PORT_LOS",
    "PORT_FLAP",
    "MW_BER",
    "MW_LINK_FAIL",
    "MW_RDI",
    "MW_RSL_LOW",
    "MW_ACM",
    "MW_TCA",
    "UTIL_HIGH",
    "QUEUE_DROPS",
    "OPT_RX_LOW",
    "PORT_ERRORS",
}

GENERIC: dict[str, list[R]] = {
    "PORT_DOWN": [
        ("LINK_DOWN", "major", "Port {port} down (peer {peer})", "LINK_UP", "Port {port} up")
    ],
    "PORT_LOS": [("LOS", "critical", "Loss of signal on {port}", None, None)],
    "PORT_FLAP": [("PORT_FLAPPING", "minor", "Port {port} flapping, dampened", None, None)],
    "PORT_ERRORS": [
        ("CRC_ERRORS", "minor", "CRC errors on {port} exceed {thr} per 15 min", None, None)
    ],
    "OPT_RX_LOW": [
        ("OPTICAL_RX_LOW", "minor", "Rx power {value} dBm below {thr} dBm on {port}", None, None)
    ],
    "MW_BER": [("MW_BER_SD", "warning", "Radio {port}: errored seconds, BER {value}", None, None)],
    "MW_LINK_FAIL": [
        (
            "RADIO_LINK_FAILURE",
            "critical",
            "Radio link failure on {port} towards {peer}",
            None,
            None,
        )
    ],
    "MW_RDI": [("RADIO_RDI", "major", "Remote defect indication on {port}", None, None)],
    "MW_RSL_LOW": [
        (
            "RSL_LOW",
            "minor",
            "Received signal level {value} dBm below threshold {thr} dBm on {port}",
            None,
            None,
        )
    ],
    "MW_ACM": [
        (
            "ACM_DOWNSHIFT",
            "warning",
            "Modulation changed from {mod_from} to {mod_to} on {port}",
            None,
            None,
        )
    ],
    "MW_TCA": [
        (
            "PM_TCA_15MIN",
            "warning",
            "15-min ES {value} exceeds threshold {thr} on {port}",
            None,
            None,
        )
    ],
    "IGP_ISIS": [
        ("ISIS_ADJ_DOWN", "major", "ISIS adjacency to {peer} on {port} down: {reason}", None, None)
    ],
    "IGP_OSPF": [
        ("OSPF_NBR_DOWN", "major", "OSPF neighbour {peer_ip} on {port} down: {reason}", None, None)
    ],
    "BFD_DOWN": [
        ("BFD_SESSION_DOWN", "major", "BFD session to {peer_ip} on {port} down", None, None)
    ],
    "LDP_DOWN": [("LDP_SESSION_DOWN", "major", "LDP session {peer_ip}:0 down", None, None)],
    "BGP_DOWN": [
        ("BGP_PEER_DOWN", "major", "BGP peer {peer_ip} down, hold timer expired", None, None)
    ],
    "PW_DOWN": [("PW_DOWN", "major", "Pseudowire {pwid} to {peer_ip} down", None, None)],
    "LSP_REROUTE": [("LSP_REROUTE", "warning", "LSP {lsp} switched path", None, None)],
    "LSP_DOWN": [("LSP_DOWN", "major", "LSP {lsp} to {peer} down", None, None)],
    "S1_FAIL": [("S1_LINK_FAILURE", "major", "{iface} link to {peer} failed", None, None)],
    "ENB_DISC": [("ENB_DISCONNECTED", "major", "SCTP association with {peer} lost", None, None)],
    "CELL_DOWN": [
        ("CELL_UNAVAILABLE", "critical", "Cell {cell} out of service: {reason}", None, None)
    ],
    "X2_FAIL": [("X2_LINK_FAILURE", "minor", "X2 link to {peer} failed", None, None)],
    "SYNC_LOSS": [
        ("SYNC_REFERENCE_LOST", "minor", "{item} sync reference lost, holdover", None, None)
    ],
    "PTP_DEGRADED": [
        ("TIMING_DEGRADED", "minor", "PTP packet delay variation above limit", None, None)
    ],
    "NE_COMM_LOST": [("NE_COMM_LOST", "critical", "Communication with NE {dev} lost", None, None)],
    "COLD_START": [("COLD_START", "warning", "Element restarted (cold start)", None, None)],
    "WARM_START": [("WARM_START", "warning", "Element restarted (warm start)", None, None)],
    "NTP_UNSYNC": [("NTP_UNSYNC", "minor", "Clock not synchronised to NTP server", None, None)],
    "CARD_FAIL": [("CARD_FAILURE", "critical", "Card {card} failed", None, None)],
    "CARD_RESET": [("CARD_RESET", "major", "Card {card} reset: {reason}", None, None)],
    "FAN_FAIL": [("FAN_FAILURE", "major", "Fan {item} failed", None, None)],
    "PSU_FAIL": [("PSU_FAILURE", "major", "Power supply {item} failed", None, None)],
    "TEMP_HIGH": [
        ("TEMPERATURE_HIGH", "major", "Temperature {value}C above {thr}C ({item})", None, None)
    ],
    "MEM_HIGH": [("MEMORY_HIGH", "major", "Memory usage {value}% above {thr}%", None, None)],
    "SW_CRASH": [("PROCESS_CRASH", "major", "Process {proc} terminated abnormally", None, None)],
    "CPU_HIGH": [("CPU_HIGH", "major", "CPU {value}% above threshold {thr}%", None, None)],
    "CPU_HOG": [("CPU_HOG", "minor", "Process {proc} holding CPU for {value} ms", None, None)],
    "COPP_DROPS": [
        ("CONTROL_PLANE_DROPS", "minor", "Control-plane policer dropping {value} pps", None, None)
    ],
    "SNMP_TIMEOUT": [("SNMP_TIMEOUT", "minor", "SNMP request to {dev} timed out", None, None)],
    "UTIL_HIGH": [
        ("HIGH_UTILIZATION", "minor", "Utilisation {value}% above {thr}% on {port}", None, None)
    ],
    "QUEUE_DROPS": [("QUEUE_DROPS", "minor", "Output drops {value} pps on {port}", None, None)],
    "LATENCY_HIGH": [
        (
            "SLA_LATENCY_HIGH",
            "minor",
            "Round-trip time {value} ms above {thr} ms ({item})",
            None,
            None,
        )
    ],
    "PKT_LOSS": [
        ("SLA_LOSS_HIGH", "minor", "Packet loss {value}% above {thr}% ({item})", None, None)
    ],
    "MAINS_FAIL": [("MAINS_FAILURE", "major", "Mains power failure at site {site}", None, None)],
    "BATT_DISCHARGE": [
        ("BATTERY_DISCHARGE", "major", "Battery discharging, voltage {value} V", None, None)
    ],
    "BATT_LOW": [
        (
            "BATTERY_LOW",
            "critical",
            "Battery low voltage {value} V, load disconnect imminent",
            None,
            None,
        )
    ],
    "BATT_TEST": [
        ("BATTERY_TEST_FAIL", "minor", "Battery test failed, capacity {value}%", None, None)
    ],
    "DYING_GASP": [("DYING_GASP", "critical", "Dying gasp: power lost", None, None)],
    "DOOR_OPEN": [("DOOR_OPEN", "warning", "Cabinet door open at {site}", None, None)],
    "SITE_TEMP": [("SITE_TEMPERATURE_HIGH", "minor", "Shelter temperature {value}C", None, None)],
    "GEN_RUN": [("GENERATOR_RUNNING", "warning", "Generator running at {site}", None, None)],
    "VSWR": [("VSWR_HIGH", "minor", "VSWR {value} above threshold on {item}", None, None)],
    "CELL_SLEEP": [
        ("CELL_ENERGY_SAVING", "warning", "Cell {cell} entered energy saving", None, None)
    ],
    "ONT_LOS": [("ONT_LOS", "minor", "ONT {ont} on PON {pon} loss of signal", None, None)],
    "ONT_DGASP": [("ONT_DYING_GASP", "minor", "ONT {ont} on PON {pon} dying gasp", None, None)],
    "LICENSE": [
        ("LICENSE_EXPIRY", "warning", "License {item} expires in {value} days", None, None)
    ],
    "CERT_EXPIRY": [
        ("CERTIFICATE_EXPIRY", "warning", "Certificate {item} expires in {value} days", None, None)
    ],
    "CONFIG_CHANGE": [
        ("CONFIG_CHANGE", "warning", "Configuration changed by {user} from {src}", None, None)
    ],
    "LOGIN": [("USER_LOGIN", "warning", "User {user} logged in from {src}", None, None)],
    "LOGIN_FAIL": [
        ("LOGIN_FAILED", "minor", "Login failed for user {user} from {src}", None, None)
    ],
    "SNMP_AUTH_FAIL": [
        ("SNMP_AUTH_FAILURE", "warning", "SNMP authentication failure from {src}", None, None)
    ],
    "NMS_SELF": [("NBI_RESYNC", "warning", "{item}", None, None)],
    "RU_FAULT": [("RU_HW_FAULT", "major", "Radio unit {item} hardware fault", None, None)],
}

VENDOR_TABLES: dict[str, dict[str, list[R]]] = {
    "cisco": {
        "PORT_DOWN": [
            (
                "%PKT_INFRA-LINK-3-UPDOWN",
                "major",
                "Interface {port}, changed state to Down",
                None,
                "Interface {port}, changed state to Up",
            ),
            (
                "%PKT_INFRA-LINEPROTO-5-UPDOWN",
                "minor",
                "Line protocol on Interface {port}, changed state to Down",
                None,
                "Line protocol on Interface {port}, changed state to Up",
            ),
        ],
        "PORT_LOS": [
            (
                "%PKT_INFRA-FM-3-FAULT_MAJOR",
                "major",
                "ALARM_MAJOR :RX LOS :DECLARE :: Optics{optic}",
                None,
                "ALARM_MAJOR :RX LOS :CLEAR :: Optics{optic}",
            )
        ],
        "PORT_FLAP": [
            (
                "%PKT_INFRA-IM-4-DAMPENED",
                "minor",
                "Interface {port} is dampened: excessive flapping",
                None,
                "Interface {port} is no longer dampened",
            )
        ],
        "OPT_RX_LOW": [
            (
                "%PKT_INFRA-FM-4-FAULT_MINOR",
                "minor",
                "ALARM_MINOR :OPTICAL RX POWER LANE-0 LOW :DECLARE :: Optics{optic}",
                None,
                "ALARM_MINOR :OPTICAL RX POWER LANE-0 LOW :CLEAR :: Optics{optic}",
            )
        ],
        "IGP_OSPF": [
            (
                "%ROUTING-OSPF-5-ADJCHG",
                "minor",
                "Process 1, Nbr {peer_ip} on {port} in area 0 from FULL to DOWN, Neighbor Down: {reason}, vrf default vrfid 0x60000000",
                None,
                "Process 1, Nbr {peer_ip} on {port} in area 0 from LOADING to FULL, Loading Done, vrf default vrfid 0x60000000",
            )
        ],
        "IGP_ISIS": [
            (
                "%ROUTING-ISIS-5-ADJCHANGE",
                "minor",
                "Adjacency to {peer} ({port}) (L2) Down, {reason}",
                None,
                "Adjacency to {peer} ({port}) (L2) Up, New adjacency",
            )
        ],
        "BFD_DOWN": [
            (
                "%L2-BFD-6-SESSION_STATE_DOWN",
                "minor",
                "BFD session to neighbor {peer_ip} on interface {port} has gone down. Reason: Control timer expired",
                "%L2-BFD-6-SESSION_STATE_UP",
                "BFD session to neighbor {peer_ip} on interface {port} is up",
            )
        ],
        "LDP_DOWN": [
            (
                "%ROUTING-LDP-5-NBR_CHANGE",
                "minor",
                "VRF 'default' (0x60000000), Neighbor {peer_ip}:0, DOWN (Session KeepAlive Timer expired)",
                None,
                "VRF 'default' (0x60000000), Neighbor {peer_ip}:0, UP",
            )
        ],
        "BGP_DOWN": [
            (
                "%ROUTING-BGP-5-ADJCHANGE",
                "major",
                "neighbor {peer_ip} Down - BGP Notification sent, hold time expired (VRF: default) (AS: 65010)",
                None,
                "neighbor {peer_ip} Up (VRF: default) (AS: 65010)",
            )
        ],
        "PW_DOWN": [
            (
                "%L2-L2VPN_PW-3-UPDOWN",
                "major",
                "Pseudowire with address {peer_ip}, id {pwid}, state is Down",
                None,
                "Pseudowire with address {peer_ip}, id {pwid}, state is Up",
            )
        ],
        "LSP_REROUTE": [
            (
                "%ROUTING-MPLS_TE-5-FRR",
                "warning",
                "tunnel-te{tun} FRR {frr} (dest {peer_ip})",
                None,
                None,
            )
        ],
        "LSP_DOWN": [
            (
                "%PKT_INFRA-LINK-3-UPDOWN",
                "major",
                "Interface tunnel-te{tun}, changed state to Down",
                None,
                "Interface tunnel-te{tun}, changed state to Up",
            )
        ],
        "COLD_START": [
            ("coldStart", "warning", "SNMPv2-MIB::coldStart agent {ip}", None, None),
            ("%OS-SYSMGR-5-NOTICE", "warning", "Card is COLD started", None, None),
        ],
        "WARM_START": [("warmStart", "warning", "SNMPv2-MIB::warmStart agent {ip}", None, None)],
        "NTP_UNSYNC": [
            (
                "%IP-NTP-5-SYNC_LOSS",
                "minor",
                "Synchronization lost : {ntp} : System clock selection failed",
                None,
                "Synchronized to {ntp}, stratum 2",
            )
        ],
        "CARD_FAIL": [
            (
                "%PLATFORM-SHELFMGR-3-POWERDOWN_RESET",
                "critical",
                "Node 0/{card}/CPU0 is powered off due to hardware fault",
                None,
                "Node 0/{card}/CPU0 is operational",
            )
        ],
        "CARD_RESET": [
            (
                "%PLATFORM-SHELFMGR-3-USER_RESET",
                "major",
                "Node 0/{card}/CPU0 is reset due to: {reason}",
                None,
                None,
            )
        ],
        "FAN_FAIL": [
            (
                "%PLATFORM-ENVMON-2-FAN",
                "major",
                "Fan tray {item} failed: fan speed below minimum",
                None,
                None,
            )
        ],
        "PSU_FAIL": [
            (
                "%PLATFORM-PWR_MGMT-2-MODULE_FAILURE",
                "major",
                "Power module 0/PM{item} failed: input voltage lost",
                None,
                None,
            )
        ],
        "TEMP_HIGH": [
            (
                "%PLATFORM-ENVMON-4-TEMP_WARNING",
                "major",
                "Temperature of {item} is {value}C, exceeding threshold {thr}C",
                None,
                None,
            )
        ],
        "MEM_HIGH": [
            (
                "%SYS-2-MALLOCFAIL",
                "major",
                "Memory allocation of 65536 bytes failed from 0x4A2F, pool Processor, alignment 0",
                None,
                None,
            )
        ],
        "SW_CRASH": [
            (
                "%OS-SYSMGR-3-ERROR",
                "major",
                "{proc} (jid {pid}) abnormally terminated, restart disabled",
                None,
                None,
            )
        ],
        "CPU_HIGH": [
            (
                "%SYS-1-CPURISINGTHRESHOLD",
                "major",
                "Threshold: Total CPU Utilization(Total/Intr): {value}%/2%, Top 3 processes(Pid/Util): {pid}/{value}%, 12/1%, 88/0%",
                "%SYS-1-CPUFALLINGTHRESHOLD",
                "Threshold: Total CPU Utilization(Total/Intr) {value}%/1%.",
            )
        ],
        "CPU_HOG": [
            (
                "%SYS-3-CPUHOG",
                "minor",
                "Task is running for ({value})msecs, more than (2000)msecs ({proc})",
                None,
                None,
            )
        ],
        "COPP_DROPS": [
            (
                "%PKT_INFRA-LPTS-4-POLICER_DROP",
                "minor",
                "LPTS policer for flow {item} dropping {value} pps",
                None,
                None,
            )
        ],
        "QUEUE_DROPS": [
            (
                "%QOS-QOSEA-4-OUTPUT_DROPS",
                "minor",
                "Output queue drops on {port}: {value} pps",
                None,
                None,
            )
        ],
        "CONFIG_CHANGE": [
            (
                "%MGBL-CONFIG-6-DB_COMMIT",
                "warning",
                "Configuration committed by user '{user}'. Use 'show configuration commit changes {commit}' to view the changes.",
                None,
                None,
            )
        ],
        "LOGIN": [
            (
                "%SECURITY-LOGIN-6-AUTHEN_SUCCESS",
                "warning",
                "Successfully authenticated user '{user}' from '{src}' on 'vty0'",
                None,
                None,
            )
        ],
        "LOGIN_FAIL": [
            (
                "%SECURITY-LOGIN-4-AUTHEN_FAILED",
                "minor",
                "Failed authentication attempt by user '{user}' from '{src}' on 'vty1'",
                None,
                None,
            )
        ],
        "SNMP_AUTH_FAIL": [
            (
                "%SNMP-3-AUTHFAIL",
                "warning",
                "Authentication failure for SNMP req from host {src}",
                None,
                None,
            )
        ],
        "LICENSE": [
            (
                "%LICENSE-SMART_LIC-3-EVAL_WILL_EXPIRE_WARNING",
                "warning",
                "Evaluation period will expire in {value} days",
                None,
                None,
            )
        ],
        "CERT_EXPIRY": [
            (
                "%SECURITY-PKI-4-CERT_EXPIRY",
                "warning",
                "Certificate '{item}' will expire in {value} days",
                None,
                None,
            )
        ],
        "DYING_GASP": [
            (
                "%PLATFORM-PM-0-DYING_GASP",
                "critical",
                "Dying gasp: system power failure detected",
                None,
                None,
            )
        ],
        "PORT_ERRORS": [
            (
                "%PKT_INFRA-FM-4-FAULT_MINOR",
                "minor",
                "ALARM_MINOR :CRC ERRORS ABOVE THRESHOLD :DECLARE :: {port}",
                None,
                None,
            )
        ],
    },
    "juniper": {
        "PORT_DOWN": [
            (
                "SNMP_TRAP_LINK_DOWN",
                "major",
                "ifIndex {ifindex}, ifAdminStatus up(1), ifOperStatus down(2), ifName {port}",
                "SNMP_TRAP_LINK_UP",
                "ifIndex {ifindex}, ifAdminStatus up(1), ifOperStatus up(1), ifName {port}",
            )
        ],
        "PORT_LOS": [
            (
                "CHASSISD_SNMP_TRAP7",
                "major",
                "SNMP trap generated: Link {port} Receive Loss of Signal (jnxFieldReplaceable 1)",
                None,
                "SNMP trap generated: Link {port} Receive Loss of Signal cleared",
            )
        ],
        "PORT_FLAP": [
            (
                "MIB2D_IFD_DAMPENED",
                "minor",
                "Interface {port} suppressed by link damping",
                None,
                None,
            )
        ],
        "OPT_RX_LOW": [
            (
                "jnxOpticsLowRxPower",
                "minor",
                "{port}: Rx power {value} dBm below low warning {thr} dBm",
                None,
                None,
            )
        ],
        "IGP_OSPF": [
            (
                "RPD_OSPF_NBRDOWN",
                "minor",
                "OSPF neighbor {peer_ip} (realm ospf-v2 {port} area 0.0.0.0) state changed from Full to Down due to KillNbr (event reason: {reason})",
                "RPD_OSPF_NBRUP",
                "OSPF neighbor {peer_ip} (realm ospf-v2 {port} area 0.0.0.0) state changed from Loading to Full due to LoadDone",
            )
        ],
        "IGP_ISIS": [
            (
                "RPD_ISIS_ADJDOWN",
                "minor",
                "IS-IS lost L2 adjacency to {peer} on {port}, reason: {reason}",
                "RPD_ISIS_ADJUP",
                "IS-IS new L2 adjacency to {peer} on {port}",
            )
        ],
        "BFD_DOWN": [
            (
                "BFDD_TRAP_SHOP_STATE_DOWN",
                "minor",
                "local discriminator: {disc}, new state: down, interface: {port}, peer addr: {peer_ip}",
                "BFDD_TRAP_SHOP_STATE_UP",
                "local discriminator: {disc}, new state: up, interface: {port}, peer addr: {peer_ip}",
            )
        ],
        "LDP_DOWN": [
            (
                "RPD_LDP_SESSIONDOWN",
                "minor",
                "LDP session {peer_ip} is down, reason: hold time expired",
                "RPD_LDP_SESSIONUP",
                "LDP session {peer_ip} is up",
            )
        ],
        "BGP_DOWN": [
            (
                "BGP_NEIGHBOR_STATE_CHANGED",
                "major",
                "BGP peer {peer_ip} (Internal AS 65010) changed state from Established to Idle (event HoldTime) (instance master)",
                None,
                "BGP peer {peer_ip} (Internal AS 65010) changed state from OpenConfirm to Established (event RecvKeepAlive) (instance master)",
            )
        ],
        "PW_DOWN": [
            (
                "RPD_LAYER2_VC_DOWN",
                "major",
                "Layer 2 circuit {pwid} to neighbor {peer_ip} went down: remote site signal down",
                "RPD_LAYER2_VC_UP",
                "Layer 2 circuit {pwid} to neighbor {peer_ip} is up",
            )
        ],
        "LSP_REROUTE": [
            (
                "RPD_MPLS_LSP_CHANGE",
                "warning",
                "MPLS LSP {lsp} change on primary(primary) {frr}",
                None,
                None,
            )
        ],
        "LSP_DOWN": [
            (
                "RPD_MPLS_LSP_DOWN",
                "major",
                "MPLS LSP {lsp} down on primary(primary)",
                "RPD_MPLS_LSP_UP",
                "MPLS LSP {lsp} up on primary(primary)",
            )
        ],
        "COLD_START": [
            (
                "SNMPD_TRAP_COLD_START",
                "warning",
                "trap_generate_cold: SNMP trap: cold start",
                None,
                None,
            )
        ],
        "WARM_START": [
            (
                "SNMPD_TRAP_WARM_START",
                "warning",
                "trap_generate_warm: SNMP trap: warm start",
                None,
                None,
            )
        ],
        "NTP_UNSYNC": [
            (
                "NTPD_SYNC_LOST",
                "minor",
                "xntpd: NTP server {ntp} unreachable, clock unsynchronized",
                "NTPD_SYNC",
                "xntpd: synchronized to {ntp}",
            )
        ],
        "CARD_FAIL": [
            (
                "CHASSISD_FRU_OFFLINE_NOTICE",
                "critical",
                "Taking FPC {card} offline: Error",
                "CHASSISD_FRU_ONLINE",
                "FPC {card} online",
            ),
            (
                "jnxFruFailed",
                "critical",
                "FRU FPC @ {card}/*/* failed, reason: hardware error",
                None,
                None,
            ),
        ],
        "CARD_RESET": [
            (
                "CHASSISD_FRU_OFFLINE_NOTICE",
                "major",
                "Taking FPC {card} offline: restarting ({reason})",
                None,
                None,
            )
        ],
        "FAN_FAIL": [("jnxFanFailure", "major", "Fan/Blower {item} failed", None, None)],
        "PSU_FAIL": [
            (
                "jnxPowerSupplyFailure",
                "major",
                "Power Supply PEM {item} failed: input failure",
                None,
                None,
            )
        ],
        "TEMP_HIGH": [
            (
                "CHASSISD_TEMP_HOT_NOTICE",
                "major",
                "{item} temperature {value} degrees C is above yellow alarm threshold {thr}",
                None,
                None,
            )
        ],
        "MEM_HIGH": [
            (
                "SYSTEM_MEMORY_HIGH",
                "major",
                "Routing engine memory usage {value}% above {thr}%",
                None,
                None,
            )
        ],
        "SW_CRASH": [
            (
                "INIT_PROCESS_COREDUMP",
                "major",
                "{proc} (PID {pid}) terminated by signal number 11. Core dumped!",
                None,
                None,
            )
        ],
        "CPU_HIGH": [
            (
                "jnxOperatingCPUHigh",
                "major",
                "Routing Engine 0 CPU utilization {value} percent exceeds {thr} percent",
                None,
                None,
            )
        ],
        "CPU_HOG": [
            (
                "RPD_SCHED_SLIP",
                "minor",
                "{value} sec scheduler slip, user: 1 sec 0 usec, system: 0 sec, 0 usec",
                None,
                None,
            )
        ],
        "COPP_DROPS": [
            (
                "DDOS_PROTOCOL_VIOLATION_SET",
                "minor",
                "Protocol {item} is violated at fpc 0 for {value} times",
                None,
                "Protocol {item} has returned to normal",
            )
        ],
        "QUEUE_DROPS": [
            (
                "COSD_QUEUE_TAIL_DROPS",
                "minor",
                "Queue best-effort on {port} tail drops {value} pps",
                None,
                None,
            )
        ],
        "CONFIG_CHANGE": [
            (
                "UI_COMMIT",
                "warning",
                "User '{user}' requested 'commit' operation (comment: {comment})",
                None,
                None,
            )
        ],
        "LOGIN": [
            (
                "UI_LOGIN_EVENT",
                "warning",
                "User '{user}' login, class 'j-super-user' [{pid}], ssh-connection '{src} 51234 {ip} 22', client-mode 'cli'",
                None,
                None,
            )
        ],
        "LOGIN_FAIL": [
            (
                "SSHD_LOGIN_FAILED",
                "minor",
                "Login failed for user '{user}' from host '{src}'",
                None,
                None,
            )
        ],
        "SNMP_AUTH_FAIL": [
            (
                "SNMPD_AUTH_FAILURE",
                "warning",
                "nsa_log_community: unauthorized SNMP community from {src} to unknown community name (public)",
                None,
                None,
            )
        ],
        "LICENSE": [
            (
                "LICENSE_EXPIRED_KEY_DELETED",
                "warning",
                "License key {item} expires in {value} days",
                None,
                None,
            )
        ],
        "DYING_GASP": [
            (
                "CHASSISD_POWER_LOSS",
                "critical",
                "power loss detected, system going down",
                None,
                None,
            )
        ],
        "PORT_ERRORS": [
            (
                "PFE_FW_SYSLOG_ETH",
                "minor",
                "{port}: input CRC errors {value} in last interval",
                None,
                None,
            )
        ],
    },
    "nokia": {
        "PORT_DOWN": [
            (
                "linkDown",
                "major",
                "Interface {port} is not operational",
                "linkUp",
                "Interface {port} is operational",
            )
        ],
        "PORT_LOS": [
            (
                "tmnxEqPortEtherAlarm",
                "major",
                "Alarm Signal Fail / LOS raised on port {port}",
                "tmnxEqPortEtherAlarmClear",
                "Alarm Signal Fail / LOS cleared on port {port}",
            )
        ],
        "PORT_FLAP": [
            (
                "tmnxPortDampeningSuppressed",
                "minor",
                "Port {port} suppressed by dampening",
                None,
                None,
            )
        ],
        "OPT_RX_LOW": [
            (
                "tmnxDDMLowWarning",
                "minor",
                "SFF DDM rx-power low warning on port {port}: {value} dBm",
                None,
                None,
            )
        ],
        "IGP_ISIS": [
            (
                "vRtrIsisAdjacencyChange",
                "minor",
                "ISIS adjacency with system {peer} on {port} changed to down, reason: {reason}",
                None,
                "ISIS adjacency with system {peer} on {port} changed to up",
            )
        ],
        "IGP_OSPF": [
            (
                "tmnxOspfNbrStateChange",
                "minor",
                "Neighbor {peer_ip} on interface {port} changed state from full to down ({reason})",
                None,
                "Neighbor {peer_ip} on interface {port} changed state from loading to full",
            )
        ],
        "BFD_DOWN": [
            (
                "tmnxBfdSessionDown",
                "minor",
                "BFD: Local Discriminator {disc} Remote Address {peer_ip} changed state to Down, reason: no heart beat",
                "tmnxBfdSessionUp",
                "BFD: Local Discriminator {disc} Remote Address {peer_ip} changed state to Up",
            )
        ],
        "LDP_DOWN": [
            (
                "vRtrLdpSessionStateChange",
                "minor",
                "LDP session {peer_ip}:0 changed to nonexistent, reason: hello adjacency down",
                None,
                "LDP session {peer_ip}:0 changed to operational",
            )
        ],
        "BGP_DOWN": [
            (
                "tBgp4PeerNotEstablished",
                "major",
                "Peer 1: {peer_ip} VR 1: Group RR: moved from higher state ESTABLISHED to lower state IDLE due to event HOLD TIME EXPIRY",
                "bgpEstablished",
                "Peer 1: {peer_ip} - BGP peer established",
            )
        ],
        "PW_DOWN": [
            (
                "sdpBindStatusChanged",
                "major",
                "Status of SDP Bind {pwid}:{pwid} in service {pwid} (customer 1) changed to admin=up oper=down flags=PwPeerFaultStatusBits",
                None,
                "Status of SDP Bind {pwid}:{pwid} in service {pwid} (customer 1) changed to admin=up oper=up flags=",
            )
        ],
        "LSP_REROUTE": [
            (
                "vRtrMplsLspPathRerouted",
                "warning",
                "LSP {lsp} path primary rerouted ({frr})",
                None,
                None,
            )
        ],
        "LSP_DOWN": [
            (
                "vRtrMplsLspDown",
                "major",
                "LSP {lsp} is operationally down",
                "vRtrMplsLspUp",
                "LSP {lsp} is operationally up",
            )
        ],
        "COLD_START": [
            (
                "coldStart",
                "warning",
                "SNMP agent cold start, system booted: TiMOS-C-22.10.R3",
                None,
                None,
            )
        ],
        "WARM_START": [
            ("tmnxSysWarmStart", "warning", "Warm start, CPM switchover or reboot", None, None)
        ],
        "NTP_UNSYNC": [
            (
                "tmnxNtpServerChange",
                "minor",
                "NTP not synchronised, server {ntp} unreachable",
                None,
                "NTP synchronised to {ntp}",
            )
        ],
        "CARD_FAIL": [
            (
                "tmnxEqCardFailure",
                "critical",
                "Class IOM Module : Card {card} failed, reason: hardware failure",
                None,
                None,
            ),
            ("tmnxEqMdaFailure", "critical", "Class MDA Module : MDA {card}/1 failed", None, None),
        ],
        "CARD_RESET": [
            (
                "tmnxEqCardInserted",
                "warning",
                "Class IOM Module : Card {card} reset ({reason})",
                None,
                None,
            )
        ],
        "FAN_FAIL": [("tmnxEqFanFailure", "major", "Fan {item} failed", None, None)],
        "PSU_FAIL": [
            (
                "tmnxEqPowerSupplyFailure",
                "major",
                "Power supply {item} failed: input failure",
                None,
                None,
            )
        ],
        "TEMP_HIGH": [
            (
                "tmnxEqCardTemperatureHigh",
                "major",
                "Card {item} temperature {value}C exceeds threshold {thr}C",
                None,
                None,
            )
        ],
        "MEM_HIGH": [
            ("tmnxSysMemoryHigh", "major", "Memory use {value}% exceeds {thr}%", None, None)
        ],
        "SW_CRASH": [
            ("tmnxSysExecFailed", "major", "Process {proc} failed and was restarted", None, None)
        ],
        "CPU_HIGH": [
            (
                "tmnxSysCpuMonitorHigh",
                "major",
                "CPU usage {value}% above threshold {thr}%",
                None,
                "CPU usage {value}% back below threshold",
            )
        ],
        "CPU_HOG": [
            ("tmnxSysCpuHog", "minor", "Task {proc} monopolised CPU for {value} ms", None, None)
        ],
        "COPP_DROPS": [
            ("tmnxDosViolation", "minor", "DoS protection: {item} exceeded {value} pps", None, None)
        ],
        "QUEUE_DROPS": [
            (
                "tmnxQosQueueDrop",
                "minor",
                "Egress queue 1 on port {port} dropping {value} pps",
                None,
                None,
            )
        ],
        "UTIL_HIGH": [
            (
                "tmnxPortEtherEgressRateHigh",
                "minor",
                "Port {port} egress utilisation {value}% crossed {thr}%",
                None,
                "Port {port} egress utilisation back to {value}%",
            )
        ],
        "CONFIG_CHANGE": [
            (
                "tmnxConfigModify",
                "warning",
                "Configuration modified by {user} from {src}: {comment}",
                None,
                None,
            )
        ],
        "LOGIN": [
            ("ssiSecLoginSuccess", "warning", "User {user} from {src} logged in", None, None)
        ],
        "LOGIN_FAIL": [
            (
                "tmnxSecAuthFailure",
                "minor",
                "User {user} from {src} failed authentication",
                None,
                None,
            )
        ],
        "SNMP_AUTH_FAIL": [
            (
                "authenticationFailure",
                "warning",
                "SNMP authentication failure from {src}",
                None,
                None,
            )
        ],
        # microwave (Wavence-like) titles
        "MW_LINK_FAIL": [
            (
                "Loss Of Frame",
                "critical",
                "Radio {port}: Loss Of Frame (direction to {peer})",
                None,
                None,
            )
        ],
        "MW_RDI": [("Remote Defect Indication", "major", "Radio {port}: RDI received", None, None)],
        "MW_BER": [("High BER", "warning", "Radio {port}: BER {value}", None, None)],
        "MW_RSL_LOW": [
            ("Low Receive Level", "minor", "Radio {port}: PRx {value} dBm < {thr} dBm", None, None)
        ],
        "MW_ACM": [
            (
                "Adaptive Modulation Change",
                "warning",
                "Radio {port}: modulation {mod_from} -> {mod_to}",
                None,
                None,
            )
        ],
        "MW_TCA": [
            (
                "Performance Threshold Crossing",
                "warning",
                "Radio {port}: 15min ES {value} > {thr}",
                None,
                None,
            )
        ],
        # RAN (numbered alarms with free text)
        "S1_FAIL": [
            (
                "7665 BASE STATION TRANSMISSION ALARM",
                "major",
                "{iface} interface: SCTP association to {peer} ({peer_ip}) lost; ManagedObject=MRBTS-{mrbts}/LNBTS-{mrbts}",
                None,
                None,
            )
        ],
        "CELL_DOWN": [
            ("7653 CELL FAULTY", "critical", "Cell {cell} out of use: {reason}", None, None)
        ],
        "X2_FAIL": [
            ("7655 CELL NOTIFICATION", "minor", "X2 link to neighbour {peer} broken", None, None)
        ],
        "SYNC_LOSS": [
            (
                "7652 BASE STATION NOTIFICATION",
                "minor",
                "Fault 4153: {item} reference clock missing, holdover",
                None,
                None,
            )
        ],
        "PTP_DEGRADED": [
            (
                "7652 BASE STATION NOTIFICATION",
                "minor",
                "Fault 4204: PTP packet delay variation high",
                None,
                None,
            )
        ],
        "VSWR": [
            (
                "7654 CELL OPERATION DEGRADED",
                "minor",
                "VSWR major alarm in antenna line {item}: {value}",
                None,
                None,
            )
        ],
        "CELL_SLEEP": [
            (
                "7655 CELL NOTIFICATION",
                "warning",
                "Cell {cell} power saving mode activated",
                None,
                None,
            )
        ],
        "RU_FAULT": [
            (
                "7651 BASE STATION OPERATION DEGRADED",
                "major",
                "Radio module {item} failure",
                None,
                None,
            )
        ],
        "MAINS_FAIL": [("7401 EXTERNAL AL 1", "major", "MAINS FAILURE {site}", None, None)],
        "BATT_DISCHARGE": [("7402 EXTERNAL AL 2", "major", "BATTERY DISCHARGE", None, None)],
        "BATT_LOW": [("7403 EXTERNAL AL 3", "critical", "BATT LOW VOLTAGE {value}V", None, None)],
        "DOOR_OPEN": [("7404 EXTERNAL AL 4", "warning", "DOOR OPEN", None, None)],
        "SITE_TEMP": [("7405 EXTERNAL AL 5", "minor", "HIGH TEMP SHELTER {value}C", None, None)],
        "ENB_DISC": [
            (
                "MME_ENB_CONNECTION_LOST",
                "major",
                "S1AP: eNB/gNB {peer} SCTP association down",
                None,
                None,
            )
        ],
        "ONT_LOS": [("ONT loss of signal", "minor", "ONT {pon}:{ont} LOS", None, None)],
        "ONT_DGASP": [("ONT dying gasp", "minor", "ONT {pon}:{ont} dying gasp", None, None)],
    },
    "huawei": {
        "PORT_DOWN": [
            (
                "linkDown",
                "Major",
                "The interface status changes. (ifName={port}, AdminStatus=UP, OperStatus=DOWN, Reason=The link protocol is down, mainIfname={port})",
                "linkUp",
                "The interface status changes. (ifName={port}, AdminStatus=UP, OperStatus=UP, Reason=The link protocol is up)",
            )
        ],
        "PORT_LOS": [
            (
                "ETH_LOS",
                "Critical",
                "The port has no signal. (Port={port}, Slot={card})",
                None,
                None,
            )
        ],
        "PORT_FLAP": [
            (
                "IFNET/4/IF_FLAPPING",
                "minor",
                "The interface {port} is flapping and is suppressed. (FlapCount={value})",
                None,
                None,
            )
        ],
        "OPT_RX_LOW": [
            (
                "hwOpticalRxPowerLow",
                "Minor",
                "The receive power of the optical module is too low. (ifName={port}, RxPower={value}dBm)",
                None,
                None,
            )
        ],
        "IGP_OSPF": [
            (
                "OSPF/2/ospfNbrStateChange_active",
                "Major",
                "The status of the non-virtual neighbor changes. (RouterId={ip}, NbrIpAddress={peer_ip}, NbrEvent=InactivityTimer, NbrPreviousState=Full, NbrCurrentState=Down, Reason={reason})",
                "OSPF/2/ospfNbrStateChange_clear",
                "The status of the non-virtual neighbor changes. (NbrIpAddress={peer_ip}, NbrCurrentState=Full)",
            )
        ],
        "IGP_ISIS": [
            (
                "ISIS/2/isisAdjacencyChange_active",
                "Major",
                "ISIS adjacency state change. (SysInstance=1, SysLevel=2, CircuitIfName={port}, LspId={peer}.00-00, AdjState=DOWN, Reason={reason})",
                "ISIS/2/isisAdjacencyChange_clear",
                "ISIS adjacency state change. (CircuitIfName={port}, AdjState=UP)",
            )
        ],
        "BFD_DOWN": [
            (
                "BFD/2/hwBfdSessDown_active",
                "Major",
                "Session changes to DOWN. (Index={disc}, SessName={peer}, LocalDiscriminator={disc}, Diagnosis=DetectDown, BindIfName={port})",
                "BFD/2/hwBfdSessDown_clear",
                "Session changes to UP. (Index={disc}, SessName={peer})",
            )
        ],
        "LDP_DOWN": [
            (
                "LDP/2/mplsLdpSessionDown_active",
                "Major",
                "The LDP session status is Down. (PeerLsrId={peer_ip}:0, Reason=Hello hold timer expired)",
                "LDP/2/mplsLdpSessionDown_clear",
                "The LDP session status is Up. (PeerLsrId={peer_ip}:0)",
            )
        ],
        "BGP_DOWN": [
            (
                "BGP/2/bgpBackwardTransition_active",
                "Major",
                "The BGP FSM moves from a higher numbered state to a lower numbered state. (BgpPeerRemoteAddr={peer_ip}, InstanceId=0, BgpPeerLastError=0x0400, BgpPeerState=Idle, Description=Hold timer expired)",
                "BGP/2/bgpBackwardTransition_clear",
                "The BGP FSM enters the Established state. (BgpPeerRemoteAddr={peer_ip})",
            )
        ],
        "PW_DOWN": [
            (
                "L2VPN/2/hwPWVcDown_active",
                "Major",
                "The status of the PWE3 VC turned DOWN. (VcId={pwid}, VcType=VLAN, PeerAddress={peer_ip}, HWL2VpnStateChangeReason=LDP session was Down)",
                "L2VPN/2/hwPWVcDown_clear",
                "The status of the PWE3 VC turned UP. (VcId={pwid}, PeerAddress={peer_ip})",
            )
        ],
        "LSP_REROUTE": [
            (
                "MPLS_LSPM/3/hwMplsTunnelHotstandbySwitch",
                "Warning",
                "Main LSP of Tunnel{tun} switches to backup LSP. ({frr})",
                None,
                None,
            )
        ],
        "LSP_DOWN": [
            (
                "MPLS_LSPM/2/mplsTunnelDown_active",
                "Major",
                "Tunnel changes to Down. (SessionTunnelId={tun}, TunnelName=Tunnel{tun}, Reason=No path)",
                "MPLS_LSPM/2/mplsTunnelDown_clear",
                "Tunnel changes to Up. (SessionTunnelId={tun})",
            )
        ],
        "COLD_START": [
            (
                "SYSTEM/2/hwSystemRestart",
                "Warning",
                "The device restarted. (Reason={reason})",
                None,
                None,
            )
        ],
        "WARM_START": [
            (
                "SYSTEM/2/hwSystemRestart",
                "Warning",
                "The device restarted. (Reason=software reset)",
                None,
                None,
            )
        ],
        "NTP_UNSYNC": [
            (
                "NTP/4/NTP_SYNC_LOSS",
                "Minor",
                "NTP synchronization state changed. (State=unsynchronized, Server={ntp})",
                None,
                None,
            )
        ],
        "CARD_FAIL": [
            (
                "DEVM/1/hwBoardFail_active",
                "Critical",
                "The board partially failed. (EntPhysicalIndex={pid}, EntPhysicalName=LPU {card}, EntityType=8, EntityTrapFaultID=132122, Reason=The FPGA of the board is abnormal)",
                "DEVM/1/hwBoardFail_clear",
                "The board resumed from partial failure. (EntPhysicalName=LPU {card})",
            ),
            ("BD_STATUS", "Major", "The board is offline. (Slot={card})", None, None),
        ],
        "CARD_RESET": [
            (
                "DEVM/4/hwBoardReset",
                "Major",
                "The board was reset. (EntPhysicalName=LPU {card}, Reason={reason})",
                None,
                None,
            )
        ],
        "FAN_FAIL": [
            (
                "DEVM/1/hwFanFail_active",
                "Major",
                "The fan partially failed. (EntPhysicalName=FAN {item})",
                None,
                None,
            )
        ],
        "PSU_FAIL": [
            (
                "DEVM/1/hwPowerFail_active",
                "Major",
                "The power module failed. (EntPhysicalName=PWR{item}, Reason=No input)",
                None,
                None,
            )
        ],
        "TEMP_HIGH": [
            (
                "DEVM/1/hwTempRisingAlarm_active",
                "Major",
                "The temperature exceeded the upper threshold. (EntPhysicalName={item}, Value={value}, Threshold={thr})",
                None,
                None,
            )
        ],
        "MEM_HIGH": [
            (
                "SYSTEM/2/hwMemoryUsageRising",
                "Major",
                "Memory usage exceeded the threshold. (Usage={value}%, Threshold={thr}%)",
                None,
                None,
            )
        ],
        "SW_CRASH": [
            (
                "SYSTEM/3/hwProcessAbnormal",
                "Major",
                "A process exited abnormally. (ProcessName={proc}, Pid={pid})",
                None,
                None,
            )
        ],
        "CPU_HIGH": [
            (
                "SYSTEM/2/hwCPUUtilizationRisingAlarm_active",
                "Major",
                "The CPU usage exceeded the pre-set overload threshold. (TrapSeverity=4, CpuUsage={value}%, CpuUsageThreshold={thr}%)",
                "SYSTEM/2/hwCPUUtilizationRisingAlarm_clear",
                "The CPU usage fell below the threshold. (CpuUsage={value}%)",
            )
        ],
        "CPU_HOG": [
            (
                "VOSCPU/4/CPU_USAGE_HIGH",
                "Minor",
                "The CPU is overloaded, and the tasks with top three CPU occupancy are {proc}. (CpuUsage={value}%)",
                None,
                None,
            )
        ],
        "COPP_DROPS": [
            (
                "SECE/4/ATTACK_DETECT",
                "Minor",
                "Packets of protocol {item} exceeded the CPCAR rate. (DropRate={value} pps)",
                None,
                None,
            )
        ],
        "QUEUE_DROPS": [
            (
                "QOS/4/hwXQoSPortQueueAlarm",
                "Minor",
                "The queue of the interface discards packets. (Interface={port}, Queue=be, DiscardPps={value})",
                None,
                None,
            )
        ],
        "UTIL_HIGH": [
            (
                "hwIfMonitorOutputRateRising",
                "Minor",
                "Interface output flow bandwidth usage exceeded the trap threshold. (Interface={port}, BandWidthUsage={value}, TrapThreshold={thr})",
                "hwIfMonitorOutputRateResume",
                "Interface output flow bandwidth usage was restored. (Interface={port}, BandWidthUsage={value})",
            )
        ],
        "CONFIG_CHANGE": [
            (
                "CFG/4/CFG_CHANGE",
                "Warning",
                "Configuration was changed. (UserName={user}, IP={src}, Comment={comment})",
                None,
                None,
            )
        ],
        "LOGIN": [
            (
                "SSH/5/SSH_USER_LOGIN",
                "Warning",
                "The SSH user succeeded in logging in. (UserName={user}, IPAddress={src}, VpnInstanceName=_public_)",
                None,
                None,
            )
        ],
        "LOGIN_FAIL": [
            (
                "SSH/5/SSH_USER_LOGIN_FAIL",
                "Minor",
                "The SSH user failed to login. (ServiceType=**, FailedReason=Password authentication failed, UserName={user}, IPAddress={src})",
                None,
                None,
            )
        ],
        "SNMP_AUTH_FAIL": [
            (
                "SNMP/4/SNMP_AUTHEN_FAILED",
                "Warning",
                "Failed to login through SNMP. (Ip={src}, Reason=community error)",
                None,
                None,
            )
        ],
        "LICENSE": [
            (
                "LCS/2/hwGtlDefaultValue_active",
                "Warning",
                "License {item} will expire in {value} days",
                None,
                None,
            )
        ],
        "DYING_GASP": [("DYING_GASP", "Critical", "Power down. (Reason=Dying gasp)", None, None)],
        "MW_LINK_FAIL": [("MW_LOF", "Critical", "Microwave frame lost. (Port={port})", None, None)],
        "MW_RDI": [
            ("MW_RDI", "Major", "Microwave remote defect indication. (Port={port})", None, None)
        ],
        "MW_BER": [
            (
                "MW_BER_SD",
                "Minor",
                "Microwave BER signal degraded. (Port={port}, BER={value})",
                None,
                None,
            )
        ],
        "MW_RSL_LOW": [
            (
                "RADIO_RSL_LOW",
                "Minor",
                "The received signal level is too low. (Port={port}, RSL={value}dBm)",
                None,
                None,
            )
        ],
        "MW_ACM": [
            (
                "AM_DOWNSHIFT",
                "Warning",
                "Adaptive modulation downshifts. (Port={port}, From={mod_from}, To={mod_to})",
                None,
                None,
            )
        ],
        "MW_TCA": [
            (
                "IF_PM_TCA",
                "Warning",
                "15-minute performance threshold crossed. (Port={port}, ES={value}, Threshold={thr})",
                None,
                None,
            )
        ],
        "S1_FAIL": [
            (
                "ALM-29201 S1 Interface Fault",
                "Major",
                "eNodeBId={mrbts}, S1 link to {peer} ({peer_ip}) faulty, Cause=SCTP link fault",
                None,
                None,
            ),
            (
                "ALM-25888 SCTP Link Fault",
                "Major",
                "Link No.={mrbts}, Peer IP={peer_ip}, Cause=heartbeat timeout",
                None,
                None,
            ),
        ],
        "CELL_DOWN": [
            (
                "ALM-29240 Cell Unavailable",
                "Critical",
                "Local Cell ID={cell}, Specific Problem={reason}",
                None,
                None,
            )
        ],
        "X2_FAIL": [
            ("ALM-29204 X2 Interface Fault", "Minor", "X2 interface to {peer} faulty", None, None)
        ],
        "SYNC_LOSS": [
            (
                "ALM-26262 External Clock Reference Problem",
                "Minor",
                "Clock reference {item} lost, Specific Problem=Holdover",
                None,
                None,
            )
        ],
        "PTP_DEGRADED": [
            (
                "ALM-26265 Clock Quality Degraded",
                "Minor",
                "PTP packet delay variation too large",
                None,
                None,
            )
        ],
        "VSWR": [
            (
                "ALM-26529 RF Unit VSWR Threshold Crossed",
                "Minor",
                "Cabinet No.=0, Subrack No.=60, Slot No.=0, TX Channel No.={item}, VSWR={value}",
                None,
                None,
            )
        ],
        "CELL_SLEEP": [
            (
                "ALM-29249 Cell Energy Saving",
                "Warning",
                "Local Cell ID={cell} enters symbol power saving",
                None,
                None,
            )
        ],
        "RU_FAULT": [
            (
                "ALM-26235 RF Unit Maintenance Link Failure",
                "Major",
                "RRU {item} maintenance link failure",
                None,
                None,
            )
        ],
        "MAINS_FAIL": [
            (
                "ALM-25622 Mains Input Out of Range",
                "Major",
                "Cabinet No.=0, Specific Problem=AC Failure, Site={site}",
                None,
                None,
            )
        ],
        "BATT_DISCHARGE": [
            (
                "ALM-25630 Battery Discharging",
                "Major",
                "Battery voltage {value}V, Specific Problem=Battery discharge",
                None,
                None,
            )
        ],
        "BATT_LOW": [
            (
                "ALM-25633 Battery Voltage Low",
                "Critical",
                "Battery voltage {value}V below low-voltage disconnect warning",
                None,
                None,
            )
        ],
        "DOOR_OPEN": [
            ("ALM-25671 Door Status Abnormal", "Warning", "Cabinet door open", None, None)
        ],
        "SITE_TEMP": [
            (
                "ALM-25652 Cabinet Temperature Abnormal",
                "Minor",
                "Cabinet temperature {value} C",
                None,
                None,
            )
        ],
        "ENB_DISC": [
            (
                "ALM-80001 eNodeB SCTP Link Disconnected",
                "Major",
                "Peer eNodeB={peer}, Cause=heartbeat lost",
                None,
                None,
            )
        ],
        "ONT_LOS": [
            (
                "The ONT LOSi alarm",
                "Minor",
                "The optical signals of ONT are lost (FrameID=0, SlotID={card}, PortID={pon}, ONT ID={ont})",
                None,
                None,
            )
        ],
        "ONT_DGASP": [
            (
                "The dying-gasp of ONT is generated",
                "Minor",
                "The ONT is powered off (FrameID=0, SlotID={card}, PortID={pon}, ONT ID={ont})",
                None,
                None,
            )
        ],
    },
    "ericsson": {
        "PORT_DOWN": [
            (
                "Link Failure",
                "MAJOR",
                "ManagedElement={dev},Transport=1,EthernetPort={port}: link down",
                None,
                None,
            )
        ],
        "PORT_LOS": [
            (
                "Loss of Signal",
                "CRITICAL",
                "ManagedElement={dev},Equipment=1,SfpModule={card}: LOS on {port}",
                None,
                None,
            )
        ],
        "PORT_FLAP": [
            (
                "Link Flapping",
                "MINOR",
                "Port {port}: link state changed {value} times, flapping",
                None,
                None,
            )
        ],
        "IGP_ISIS": [
            (
                "IS-IS Adjacency Down",
                "MAJOR",
                "Adjacency to {peer} on {port} lost ({reason})",
                None,
                None,
            )
        ],
        "IGP_OSPF": [
            (
                "OSPF Neighbor Down",
                "MAJOR",
                "Neighbor {peer_ip} on {port} lost ({reason})",
                None,
                None,
            )
        ],
        "BFD_DOWN": [
            ("BFD Session Down", "MAJOR", "BFD session {disc} to {peer_ip} down", None, None)
        ],
        "LDP_DOWN": [("LDP Session Down", "MAJOR", "LDP peer {peer_ip}:0 down", None, None)],
        "PW_DOWN": [
            ("Pseudowire Down", "MAJOR", "PW {pwid} to {peer_ip} operationally down", None, None)
        ],
        "COLD_START": [
            (
                "Node Restart",
                "WARNING",
                "ManagedElement={dev}: restart completed, cause: {reason}",
                None,
                None,
            )
        ],
        "WARM_START": [
            ("Node Restart", "WARNING", "ManagedElement={dev}: warm restart completed", None, None)
        ],
        "NTP_UNSYNC": [
            ("NTP Server Unreachable", "MINOR", "NTP server {ntp} not reachable", None, None)
        ],
        "CARD_FAIL": [
            (
                "Board Fault",
                "CRITICAL",
                "ManagedElement={dev},Equipment=1,Slot={card}: HW Fault",
                None,
                None,
            ),
            ("Plug-In Unit General Problem", "MAJOR", "Slot={card} not operational", None, None),
        ],
        "CARD_RESET": [
            ("Plug-In Unit Restart", "MAJOR", "Slot={card} restarted: {reason}", None, None)
        ],
        "FAN_FAIL": [
            (
                "Fan Failure",
                "MAJOR",
                "ManagedElement={dev},Equipment=1,FanUnit={item}: fan failure",
                None,
                None,
            )
        ],
        "PSU_FAIL": [("Power Supply Fault", "MAJOR", "PSU {item}: input power lost", None, None)],
        "TEMP_HIGH": [
            (
                "Temperature Exceptional",
                "MAJOR",
                "{item}: temperature {value} C above {thr} C",
                None,
                None,
            )
        ],
        "SW_CRASH": [("Software Error", "MAJOR", "Program {proc} crashed, restarted", None, None)],
        "CPU_HIGH": [("High CPU Load", "MAJOR", "CPU load {value}% above {thr}%", None, None)],
        "CONFIG_CHANGE": [
            (
                "Configuration Changed",
                "WARNING",
                "Configuration changed by {user} ({src}): {comment}",
                None,
                None,
            )
        ],
        "LOGIN": [
            ("User Session Started", "WARNING", "User {user} logged in from {src}", None, None)
        ],
        "LOGIN_FAIL": [
            (
                "Authentication Failure",
                "MINOR",
                "User {user} from {src}: authentication failed",
                None,
                None,
            )
        ],
        "DYING_GASP": [
            ("Power Loss", "CRITICAL", "ManagedElement={dev}: DC input lost", None, None)
        ],
        "MW_LINK_FAIL": [
            (
                "Radio Link Failure",
                "CRITICAL",
                "{port}: Far end {peer} not received (LOF)",
                None,
                None,
            )
        ],
        "MW_RDI": [("Remote Defect Indication", "MAJOR", "{port}: RDI", None, None)],
        "MW_BER": [("Excessive BER", "MINOR", "{port}: BER {value} above threshold", None, None)],
        "MW_RSL_LOW": [
            (
                "RF Input Level Threshold Exceeded",
                "MINOR",
                "{port}: RF input level {value} dBm below threshold {thr} dBm",
                None,
                None,
            )
        ],
        "MW_ACM": [
            ("Modulation Downshift", "WARNING", "{port}: {mod_from} to {mod_to}", None, None)
        ],
        "MW_TCA": [
            (
                "Performance Threshold Exceeded",
                "WARNING",
                "{port}: ES-15min {value} > {thr}",
                None,
                None,
            )
        ],
        "S1_FAIL": [
            (
                "Service Unavailable",
                "MAJOR",
                "ManagedElement={dev},ENodeBFunction=1,TermPointToMme={peer}: {iface} link down, SCTP association lost",
                None,
                None,
            )
        ],
        "CELL_DOWN": [
            (
                "Service Unavailable",
                "CRITICAL",
                "ManagedElement={dev},ENodeBFunction=1,EUtranCellFDD={cell}: {reason}",
                None,
                None,
            )
        ],
        "X2_FAIL": [
            (
                "X2 Connection Failure",
                "MINOR",
                "ManagedElement={dev},ENodeBFunction=1,TermPointToENB={peer}: connection failed",
                None,
                None,
            )
        ],
        "SYNC_LOSS": [
            (
                "Synchronization Reference Lost",
                "MINOR",
                "ManagedElement={dev},Transport=1,Synchronization=1,RadioEquipmentClockReference={item}: holdover",
                None,
                None,
            )
        ],
        "PTP_DEGRADED": [
            (
                "Sync Reference Not Reliable",
                "MINOR",
                "PTP time reference degraded (PDV)",
                None,
                None,
            )
        ],
        "VSWR": [
            (
                "VSWR Over Threshold",
                "MINOR",
                "ManagedElement={dev},Equipment=1,FieldReplaceableUnit=RRU-{item}: return loss {value} dB",
                None,
                None,
            )
        ],
        "CELL_SLEEP": [
            ("Cell Sleep Mode Activated", "WARNING", "EUtranCellFDD={cell}", None, None)
        ],
        "RU_FAULT": [
            ("HW Fault", "MAJOR", "FieldReplaceableUnit=RRU-{item}: HW fault", None, None)
        ],
        "MAINS_FAIL": [
            ("External Alarm", "MAJOR", "ExternalAlarm=1: MAINS FAIL {site}", None, None)
        ],
        "BATT_DISCHARGE": [
            ("Battery Discharging", "MAJOR", "BatteryBackup=1: discharging, {value} V", None, None)
        ],
        "BATT_LOW": [
            (
                "System Voltage Low",
                "CRITICAL",
                "DC voltage {value} V, priority load disconnect imminent",
                None,
                None,
            )
        ],
        "BATT_TEST": [
            (
                "Battery Backup Time Short",
                "MINOR",
                "Battery test result {value}% capacity",
                None,
                None,
            )
        ],
        "DOOR_OPEN": [("External Alarm", "WARNING", "ExternalAlarm=4: DOOR OPEN", None, None)],
        "SITE_TEMP": [("Enclosure Temperature High", "MINOR", "Temperature {value} C", None, None)],
        "ENB_DISC": [
            (
                "eNodeB Connection Lost",
                "MAJOR",
                "MmeFunction=1,ENodeB={peer}: S1 association down",
                None,
                None,
            )
        ],
    },
    "zte": {
        "PORT_DOWN": [
            (
                "Port link down",
                "major",
                "Port {port} link down, rack=1,shelf=1,slot={card}",
                None,
                None,
            )
        ],
        "PORT_LOS": [("Loss of optical signal", "critical", "Port {port}: LOS", None, None)],
        "MW_LINK_FAIL": [
            (
                "IF Link Down",
                "critical",
                "Microwave IF port {port} link down, peer NE {peer}",
                None,
                None,
            )
        ],
        "MW_RDI": [("Microwave RDI", "major", "IF port {port} remote defect", None, None)],
        "MW_BER": [
            ("Microwave Bit Error Exceeded", "minor", "IF port {port} BER={value}", None, None)
        ],
        "MW_RSL_LOW": [
            (
                "RSL Lower Than Threshold",
                "minor",
                "IF port {port} RSL={value}dBm, threshold={thr}dBm",
                None,
                None,
            )
        ],
        "MW_ACM": [
            (
                "ACM Modulation Switch",
                "warning",
                "IF port {port} switched {mod_from}->{mod_to}",
                None,
                None,
            )
        ],
        "MW_TCA": [
            (
                "15min Performance Threshold Crossed",
                "warning",
                "IF port {port} ES {value}",
                None,
                None,
            )
        ],
        "CARD_FAIL": [
            (
                "Board Hardware Fault",
                "critical",
                "rack=1,shelf=1,slot={card}: board hardware error",
                None,
                None,
            )
        ],
        "COLD_START": [("NE Restart", "warning", "NE cold restart, reason: {reason}", None, None)],
        "NTP_UNSYNC": [("NTP Unsynchronized", "minor", "NTP server {ntp} unreachable", None, None)],
        "ONT_LOS": [
            ("ONU LOS", "minor", "gpon-onu_1/{card}/{pon}:{ont} loss of signal", None, None)
        ],
        "ONT_DGASP": [
            ("ONU Dying Gasp", "minor", "gpon-onu_1/{card}/{pon}:{ont} dying gasp", None, None)
        ],
        "CONFIG_CHANGE": [
            (
                "Configuration Changed",
                "warning",
                "user {user} ({src}) changed configuration: {comment}",
                None,
                None,
            )
        ],
        "LOGIN": [("User Login", "warning", "user {user} login from {src}", None, None)],
        "LOGIN_FAIL": [
            ("User Login Failed", "minor", "user {user} login from {src} failed", None, None)
        ],
        "FAN_FAIL": [("Fan Fault", "major", "Fan {item} fault", None, None)],
        "TEMP_HIGH": [
            ("Board Temperature High", "major", "slot {item} temperature {value}", None, None)
        ],
        "CPU_HIGH": [
            ("CPU Utilization Exceeds Threshold", "major", "CPU {value}% > {thr}%", None, None)
        ],
        "DYING_GASP": [("NE Power Off", "critical", "Dying gasp received", None, None)],
    },
}

# The NMS/EMS's own "lost contact" alarm, by the vendor of the subject element.
EMS_COMM: dict[str, list[R]] = {
    "huawei": [
        (
            "NE_COMMU_BREAK",
            "Critical",
            "The communication between the NE and the NMS is interrupted. (NE={dev}, IP={ip})",
            None,
            None,
        ),
        ("NE_NOT_LOGIN", "Major", "The NE {dev} cannot be logged in", None, None),
    ],
    "nokia": [
        (
            "SnmpReachabilityProblem",
            "critical",
            "Network element {dev} ({ip}) is not reachable via SNMP",
            None,
            None,
        )
    ],
    "ericsson": [
        (
            "Heartbeat Failure",
            "CRITICAL",
            "NetworkElement={dev}: heartbeat supervision failed, node not reachable",
            None,
            None,
        )
    ],
    "cisco": [
        (
            "Device Unreachable",
            "critical",
            "Device {dev} ({ip}) is unreachable: SNMP and ICMP polling failed",
            None,
            None,
        )
    ],
    "juniper": [
        (
            "Device Connection Lost",
            "critical",
            "Device {dev} connection state changed to Down (last contact > {value}s)",
            None,
            None,
        )
    ],
    "zte": [
        ("NE Disconnected", "critical", "NE {dev} disconnected from EMS (IP {ip})", None, None)
    ],
}
PING_STYLES: list[R] = [
    (
        "NODE_DOWN",
        "critical",
        "ICMP ping to {ip} failed ({value} of 3 lost)",
        "NODE_UP",
        "ICMP ping to {ip} ok",
    ),
    ("PingFailed", "major", "Host {dev} does not respond to ping", None, None),
    ("Node Unreachable (ICMP)", "critical", "{dev} ({ip}) unreachable", None, None),
]

# An umbrella manager that normalises names keeps the raw text in the message.
NORMALISED: dict[str, tuple[str, str]] = {
    "PORT_DOWN": ("LINK_DOWN", "major"),
    "PORT_LOS": ("LOS", "critical"),
    "PORT_FLAP": ("LINK_FLAP", "minor"),
    "IGP_ISIS": ("IGP_ADJ_DOWN", "major"),
    "IGP_OSPF": ("IGP_ADJ_DOWN", "major"),
    "BFD_DOWN": ("BFD_DOWN", "major"),
    "LDP_DOWN": ("LDP_DOWN", "major"),
    "BGP_DOWN": ("BGP_DOWN", "major"),
    "PW_DOWN": ("PW_DOWN", "major"),
    "LSP_DOWN": ("LSP_DOWN", "major"),
    "LSP_REROUTE": ("LSP_REROUTE", "warning"),
    "CARD_FAIL": ("CARD_FAIL", "critical"),
    "NE_COMM_LOST": ("NE_COMM_LOST", "critical"),
    "PING_FAIL": ("NE_COMM_LOST", "critical"),
    "CPU_HIGH": ("CPU_HIGH", "major"),
    "UTIL_HIGH": ("HIGH_UTILIZATION", "minor"),
    "MW_LINK_FAIL": ("RADIO_LINK_DOWN", "critical"),
    "MW_RSL_LOW": ("RSL_LOW", "minor"),
    "MAINS_FAIL": ("POWER_FAIL", "major"),
    "S1_FAIL": ("S1_DOWN", "major"),
    "CELL_DOWN": ("CELL_DOWN", "critical"),
    "COLD_START": ("RESTART", "warning"),
    "DYING_GASP": ("DYING_GASP", "critical"),
}

SEVERITY_STYLE = {
    "cisco": str.lower,
    "juniper": str.lower,
    "nokia": str.lower,
    "huawei": str.capitalize,
    "ericsson": str.upper,
    "zte": str.lower,
    "nms": str.capitalize,
}


def lookup(vendor: str, code: str) -> list[R]:
    """Renderings of ``code`` for ``vendor`` (falling back to the generic table)."""
    t = VENDOR_TABLES.get(vendor, {})
    return (
        t.get(code)
        or GENERIC.get(code)
        or [(code, "minor", code.lower().replace("_", " "), None, None)]
    )
