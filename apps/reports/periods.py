"""Local periods and local time grouping in a tenant's time zone. No Django import.

Summaries are bucketed in UTC; a local hour or day is found by adding the zone's UTC offset in force
at each bucket. `offset_case_sql` writes that as one CASE over the (few) offset changes inside a
report's span, so DST days group into 23 or 25 hours exactly.
"""

import datetime as dt
import zoneinfo

UTC = dt.UTC


def zone_of(name):
    return zoneinfo.ZoneInfo(name)


def offsets(zone, start, end):
    """[(utc epoch from which it holds, offset seconds)] for [start, end): the first from -inf."""
    step = dt.timedelta(hours=1)
    moment = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    current = int(start.astimezone(zone).utcoffset().total_seconds())
    out = [(None, current)]
    while moment < end:
        moment += step
        offset = int(moment.astimezone(zone).utcoffset().total_seconds())
        if offset != current:
            # the change happens within the hour before `moment`; find the minute (zones change on minutes)
            probe = moment - step
            while int(probe.astimezone(zone).utcoffset().total_seconds()) == current:
                probe += dt.timedelta(minutes=15)
            out.append((int(probe.timestamp()), offset))
            current = offset
    return out


def offset_case_sql(column, changes):
    if len(changes) == 1:
        return str(changes[0][1])
    parts = [f"WHEN {column} < {changes[i + 1][0]} THEN {changes[i][1]}" for i in range(len(changes) - 1)]
    return f"CASE {' '.join(parts)} ELSE {changes[-1][1]} END"


def local_group_sql(column, kind, changes):
    size = 3600 if kind == "hour" else 86400
    return f"((({column}) + {offset_case_sql(column, changes)}) / {size}) * {size}"


def local_label(value, kind):
    """A local-epoch group value as text: `2024-03-10 02:00` (hour) or `2024-03-10` (day)."""
    moment = dt.datetime.fromtimestamp(int(value), UTC)
    return moment.strftime("%Y-%m-%d %H:00" if kind == "hour" else "%Y-%m-%d")


def whole_hour_offsets(changes):
    return all(offset % 3600 == 0 for _at, offset in changes)


def local_midnight(day, zone):
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def previous_period(frequency, now, zone):
    """The last complete local day, ISO week (Monday to Sunday) or calendar month before `now`, as UTC datetimes.

    Bounds are local midnights, so a DST day lasts 23 or 25 hours.
    """
    today = now.astimezone(zone).date()
    if frequency == "daily":
        first, last = today - dt.timedelta(days=1), today
    elif frequency == "weekly":
        last = today - dt.timedelta(days=today.weekday())
        first = last - dt.timedelta(days=7)
    else:
        last = today.replace(day=1)
        first = (last - dt.timedelta(days=1)).replace(day=1)
    return local_midnight(first, zone).astimezone(UTC), local_midnight(last, zone).astimezone(UTC)


def crontab_fields(frequency, time, weekday, day):
    """django-celery-beat crontab fields for a local time (beat applies the schedule's own time zone)."""
    fields = {"minute": str(time.minute), "hour": str(time.hour), "day_of_week": "*", "day_of_month": "*"}
    if frequency == "weekly":
        fields["day_of_week"] = str((weekday + 1) % 7)  # crontab: 0 = Sunday; ours: 0 = Monday
    elif frequency == "monthly":
        fields["day_of_month"] = str(min(max(day, 1), 28))  # every month has a 28th
    return fields
