"""The report pages' forms: labelled fields whose values the services check (report_validate,
schedule_validate); the forms only give them their shapes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .metrics import DEFAULT_NER_CODES
from .models import GROUP_CHOICES, MOS_CHOICES, ReportSchedule
from .rendering import CHARTS
from .selectors import METRIC_NAMES
from .services import FORMATS

CHART_LABELS = {
    "calls_hourly": _("Calls per hour"),
    "mos_distribution": _("MOS distribution"),
    "sip_responses": _("SIP responses"),
    "top": _("Top lists"),
}
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReportForm(forms.Form):
    description = forms.CharField(label=_("Name"), max_length=200)
    filters = forms.CharField(
        label=_("Call filter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One call-search filter per line as name=value, with the names of the calls API "
            "(for example caller=00420% or id_sensor=1)."
        ),
    )
    group_by = forms.ChoiceField(label=_("Rows grouped by"), choices=GROUP_CHOICES, initial="day")
    metrics = forms.MultipleChoiceField(
        label=_("Metrics"),
        required=False,
        choices=[(m, m) for m in METRIC_NAMES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every metric but the top lists."),
    )
    charts = forms.MultipleChoiceField(
        label=_("Charts"),
        required=False,
        choices=[(c, CHART_LABELS[c]) for c in CHARTS],
        widget=forms.CheckboxSelectMultiple,
    )
    mos_kind = forms.ChoiceField(label=_("MOS kind"), choices=MOS_CHOICES, initial="f1")
    ner_codes = forms.CharField(
        label=_("NER codes"),
        max_length=200,
        initial=DEFAULT_NER_CODES,
        help_text=_("SIP classes or codes counted as network success, comma-separated."),
    )
    short_seconds = forms.IntegerField(label=_("Short call below (seconds)"), min_value=1, initial=10)
    top_n = forms.IntegerField(label=_("Top N"), min_value=1, max_value=1000, initial=10)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To (that whole day)"), widget=forms.DateInput(attrs={"type": "date"}))


class ScheduleForm(forms.Form):
    report = forms.TypedChoiceField(label=_("Report"), coerce=int)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportSchedule.FREQUENCIES, initial="daily")
    time = forms.TimeField(label=_("Local time"), initial="07:00", widget=forms.TimeInput(attrs={"type": "time"}))
    weekday = forms.TypedChoiceField(label=_("Weekday (weekly)"), choices=WEEKDAYS, coerce=int, initial=0)
    day = forms.IntegerField(label=_("Day of month (monthly)"), min_value=1, max_value=28, initial=1)
    recipients = forms.CharField(label=_("E-mail addresses"), required=False, help_text=_("Comma-separated."))
    formats = forms.MultipleChoiceField(
        label=_("Attachments"),
        required=False,
        choices=[(f, f.upper()) for f in FORMATS],
        widget=forms.CheckboxSelectMultiple,
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [(r.pk, r.description) for r in reports]
