"""The capability flags of a user, as VoIPmonitor's custom_login "Return Array Parameters" name them.

One list, used by the user and group models, the Actor, the admin and the commands.
"""

CAPABILITY_FLAGS = (
    "can_cdr",
    "can_write_cdr",
    "can_play_audio",
    "can_download_audio",
    "can_listen_active_call",
    "can_pcap",
    "can_upload_pcap",
    "can_messages",
    "can_view_content_message",
    "can_graphs",
    "can_activecalls",
    "can_register",
    "can_sip_msg",
    "can_livesniffer",
    "can_capture_rules",
    "can_audit",
    "can_alerts_edit",
    "can_reports_edit",
    "can_dashboard",
    "can_ipacc",
    "can_mtr",
    "can_sensors_operations",
    "can_network",
    "can_edit_codebooks",
    "hide_license_information",
    "can_show_fax",
    "can_view_message_url",
    "no_rtp",
    "simple_cdr",
    "hide_cdr_groups",
    "can_tracker",
    "can_alerts_show_sent",
    "can_reports_show_sent",
    "can_cdr_share_local_public",
    "can_cdr_share_local_private",
    "can_cdr_share_voipmonitor_org",
)

# Flags that take something away rather than grant it: an admin does not hold them implicitly.
RESTRICTING_FLAGS = frozenset({"no_rtp", "simple_cdr", "hide_cdr_groups", "hide_license_information"})
GRANTING_FLAGS = tuple(flag for flag in CAPABILITY_FLAGS if flag not in RESTRICTING_FLAGS)
