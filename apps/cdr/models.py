"""The call record, its RTP streams and DTMF events, with the sniffer's field names.

Field names, units and meanings are those of shared/spec/cdr-model.md. The per-direction columns
(`a_` for the caller's stream, `b_` for the callee's) are added by `direction_fields()` so the two
sides cannot drift apart.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Left
from django.utils.translation import gettext_lazy as _

from apps.core.cdrcolumns import DELAY_BUCKETS, DIRECTION_INT_FIELDS, MOS_KINDS, SL_BUCKETS  # noqa: F401 (re-exported)
from apps.core.scoping import HEAD_LENGTH, TenantOwned

BYE_CHOICES = [
    (0, _("never answered")),
    (1, _("answered, no BYE seen")),
    (2, _("BYE seen, not confirmed")),
    (3, _("BYE and its 200 OK")),
    (102, _("absolute timeout")),
    (103, _("BYE timeout")),
    (104, _("RTP timeout")),
    (108, _("SIP without RTP timeout")),
    (110, _("forced end")),
]
WHOHANGED_CHOICES = [("caller", _("caller")), ("callee", _("callee"))]


def direction_fields(prefix):
    fields = {f"{prefix}payload": models.IntegerField(null=True, blank=True)}
    fields[f"{prefix}saddr"] = models.GenericIPAddressField(null=True, blank=True)
    fields[f"{prefix}ua"] = models.CharField(max_length=255, blank=True, default="")
    for name in DIRECTION_INT_FIELDS:
        fields[f"{prefix}{name}"] = models.IntegerField(null=True, blank=True)
    return fields


COVER_COLUMNS = [
    "id", "lastSIPresponseNum", "payload", "duration", "connect_duration", "id_sensor", "mos_min_mult10",
    "a_mos_f1_mult10", "b_mos_f1_mult10", "a_sl1", "b_sl1", "packet_loss_perc_mult1000",
]  # fmt: skip


class Cdr(TenantOwned):
    scope_sensor_field = "id_sensor"
    scope_restriction_fields = {
        "numbers": ("caller", "called"),
        "domains": ("caller_domain", "called_domain"),
        "ips": ("sipcallerip", "sipcalledip"),
        "vlan": "vlan",
    }
    # a prefix on these also states its first two characters (apps.core.scoping.value_match) for the head indexes
    prefix_head_fields = ("caller", "called")

    # identity and time (UTC, millisecond precision; durations in seconds)
    calldate = models.DateTimeField(_("call start"))
    callend = models.DateTimeField(_("call end"))
    duration = models.FloatField(_("duration"), default=0)
    connect_duration = models.FloatField(_("connected duration"), null=True, blank=True)
    progress_time = models.FloatField(_("post-dial delay"), null=True, blank=True)
    # first 18x -> the 2xx or the final response (seconds); null when no 18x was seen. docs/decisions.md
    ringing_time = models.FloatField(_("ringing time"), null=True, blank=True)
    first_rtp_time = models.FloatField(null=True, blank=True)
    post_bye_delay = models.FloatField(null=True, blank=True)
    response_time_100 = models.IntegerField(null=True, blank=True)
    response_time_xxx = models.IntegerField(null=True, blank=True)
    id_sensor = models.IntegerField(_("sensor number"), default=0)
    vlan = models.IntegerField(null=True, blank=True)

    # parties
    caller = models.CharField(_("caller"), max_length=255, blank=True, default="")
    caller_domain = models.CharField(max_length=255, blank=True, default="")
    callername = models.CharField(max_length=255, blank=True, default="")
    called = models.CharField(_("called"), max_length=255, blank=True, default="")
    called_domain = models.CharField(max_length=255, blank=True, default="")
    sipcallerip = models.GenericIPAddressField(null=True, blank=True)
    sipcalledip = models.GenericIPAddressField(null=True, blank=True)
    sipcallerport = models.IntegerField(null=True, blank=True)
    sipcalledport = models.IntegerField(null=True, blank=True)
    callid = models.CharField(_("Call-ID"), max_length=255)
    match_header = models.CharField(max_length=255, blank=True, default="")

    # result
    lastSIPresponseNum = models.IntegerField(_("last SIP response"), null=True, blank=True)  # noqa: N815
    lastSIPresponse = models.CharField(max_length=255, blank=True, default="")  # noqa: N815
    reason_sip_cause = models.IntegerField(null=True, blank=True)
    reason_sip_text = models.CharField(max_length=255, blank=True, default="")
    reason_q850_cause = models.IntegerField(null=True, blank=True)
    reason_q850_text = models.CharField(max_length=255, blank=True, default="")
    whohanged = models.CharField(max_length=6, choices=WHOHANGED_CHOICES, blank=True, default="")
    bye = models.IntegerField(choices=BYE_CHOICES, null=True, blank=True)
    max_retransmission_invite = models.IntegerField(null=True, blank=True)
    dscp = models.IntegerField(null=True, blank=True)

    # call-level aggregates of the two directions
    payload = models.IntegerField(_("codec"), null=True, blank=True)
    jitter_mult10 = models.IntegerField(null=True, blank=True)
    packet_loss_perc_mult1000 = models.IntegerField(null=True, blank=True)
    lost = models.IntegerField(null=True, blank=True)
    mos_min_mult10 = models.IntegerField(null=True, blank=True)
    delay_sum = models.IntegerField(null=True, blank=True)
    delay_cnt = models.IntegerField(null=True, blank=True)
    delay_avg_mult100 = models.IntegerField(null=True, blank=True)
    rtcp_avgfr_mult10 = models.IntegerField(null=True, blank=True)
    rtcp_avgjitter_mult10 = models.IntegerField(null=True, blank=True)

    custom_headers = models.JSONField(_("custom headers"), default=dict, blank=True)
    pcap_sip = models.CharField(max_length=500, blank=True, default="")
    pcap_full = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-calldate", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id_sensor", "callid", "calldate"], name="cdr_import_key"),
        ]
        indexes = [
            models.Index(fields=["tenant", "calldate"], name="cdr_tenant_calldate"),
            # calls that ended in a window, whatever their length (alert rounds: docs/alerts.md "Sources")
            models.Index(fields=["tenant", "callend"], name="cdr_tenant_callend"),
            models.Index(
                fields=["tenant", "caller", "calldate"],
                name="cdr_tenant_caller",
                opclasses=["int8_ops", "varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["tenant", "called", "calldate"],
                name="cdr_tenant_called",
                opclasses=["int8_ops", "varchar_pattern_ops", "timestamptz_ops"],
            ),
            # A number prefix in a date window (`00%` yesterday: international calls) reads only that
            # window's entries with its first two characters, however many days are stored; the caller's
            # also holds the usual filter columns, for counts and LISTING's ids. docs/decisions.md
            models.Index(
                F("tenant"),
                Left("caller", HEAD_LENGTH),
                F("calldate"),
                name="cdr_tenant_caller_head",
                include=["caller", *COVER_COLUMNS],
            ),
            models.Index(F("tenant"), Left("called", HEAD_LENGTH), F("calldate"), name="cdr_tenant_called_head"),
            models.Index(fields=["callid"], name="cdr_callid"),
            models.Index(fields=["tenant", "lastSIPresponseNum", "calldate"], name="cdr_tenant_response"),
            models.Index(fields=["tenant", "id_sensor", "calldate"], name="cdr_tenant_sensor"),
        ]

    def __str__(self):
        return f"{self.calldate:%Y-%m-%d %H:%M:%S} {self.caller} -> {self.called}"


for _prefix in ("a_", "b_"):
    for _name, _field in direction_fields(_prefix).items():
        Cdr.add_to_class(_name, _field)


class CdrRtp(TenantOwned):
    """One RTP stream of a call (all streams: re-INVITEs, forks, video)."""

    cdr = models.ForeignKey(Cdr, on_delete=models.CASCADE, related_name="streams")
    saddr = models.GenericIPAddressField()
    sport = models.IntegerField()
    daddr = models.GenericIPAddressField()
    dport = models.IntegerField()
    ssrc = models.BigIntegerField()
    payload = models.IntegerField(null=True, blank=True)
    codec = models.CharField(max_length=64, blank=True, default="")
    received = models.IntegerField(default=0)
    lost = models.IntegerField(default=0)
    maxjitter_mult10 = models.IntegerField(null=True, blank=True)
    avgjitter_mult10 = models.IntegerField(null=True, blank=True)
    firsttime = models.FloatField(default=0)
    duration = models.FloatField(default=0)
    side = models.CharField(max_length=6, choices=WHOHANGED_CHOICES)
    is_main = models.BooleanField(default=False)
    srtp = models.BooleanField(default=False)
    ptime = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["cdr_id", "firsttime", "id"]
        verbose_name = _("RTP stream")
        verbose_name_plural = _("RTP streams")


class CdrDtmf(TenantOwned):
    TYPE_CHOICES = [("rfc2833", "RFC 2833/4733"), ("sip_info", "SIP INFO"), ("inband", _("in-band"))]

    cdr = models.ForeignKey(Cdr, on_delete=models.CASCADE, related_name="dtmf")
    time = models.FloatField(default=0)
    digit = models.CharField(max_length=4)
    saddr = models.GenericIPAddressField(null=True, blank=True)
    daddr = models.GenericIPAddressField(null=True, blank=True)
    type = models.CharField(max_length=10, choices=TYPE_CHOICES)

    class Meta:
        ordering = ["cdr_id", "time", "id"]
        verbose_name = _("DTMF event")
        verbose_name_plural = _("DTMF events")
