"""Measures get a database default of 0: the call-by-call upsert names only the measures a call changed.

The names are frozen here (the measures of 0001), so this migration means the same whatever metrics.py becomes.
"""

from django.db import migrations, models

MEASURES = (
    "busy_ms", "calls", "connected", "connected_ms", "dur_h00", "dur_h01", "dur_h02", "dur_h03", "dur_h04",
    "dur_h05", "dur_h06", "dur_h07", "dur_h08", "dur_h09", "dur_h10", "dur_h11", "dur_h12", "dur_h13", "dur_h14",
    "dur_h15", "dur_h16", "dur_h17", "dur_h18", "dur_h19", "dur_h20", "dur_h21", "dur_h22", "dur_h23", "dur_h24",
    "dur_h25", "dur_h26", "dur_h27", "dur_h28", "dur_h29", "dur_h30", "dur_h31", "dur_h32", "dur_h33", "dur_h34",
    "dur_h35", "dur_h36", "dur_h37", "dur_h38", "dur_h39", "dur_h40", "dur_h41", "dur_h42", "dur_h43", "dur_h44",
    "dur_h45", "dur_h46", "dur_h47", "dur_h48", "dur_h49", "dur_h50", "dur_h51", "dur_h52", "dur_h53", "dur_h54",
    "dur_h55", "dur_h56", "dur_h57", "dur_h58", "dur_h59", "dur_h60", "dur_h61", "dur_h62", "dur_h63", "dur_h64",
    "dur_h65", "dur_h66", "dur_h67", "dur_h68", "dur_h69", "jitter_h00", "jitter_h01", "jitter_h02", "jitter_h03",
    "jitter_h04", "jitter_h05", "jitter_h06", "jitter_h07", "jitter_h08", "jitter_h09", "jitter_h10", "jitter_h11",
    "jitter_h12", "jitter_h13", "jitter_h14", "jitter_h15", "jitter_h16", "jitter_h17", "jitter_h18", "jitter_h19",
    "jitter_h20", "jitter_h21", "jitter_h22", "jitter_h23", "jitter_h24", "jitter_h25", "jitter_h26", "jitter_h27",
    "jitter_h28", "jitter_h29", "jitter_h30", "jitter_n", "jitter_sum", "loss_h00", "loss_h01", "loss_h02",
    "loss_h03", "loss_h04", "loss_h05", "loss_h06", "loss_h07", "loss_h08", "loss_h09", "loss_h10", "loss_h11",
    "loss_h12", "loss_h13", "loss_h14", "loss_h15", "loss_h16", "loss_h17", "loss_h18", "loss_h19", "loss_h20",
    "loss_h21", "loss_h22", "loss_h23", "loss_n", "loss_sum", "mos_adapt_h00", "mos_adapt_h01", "mos_adapt_h02",
    "mos_adapt_h03", "mos_adapt_h04", "mos_adapt_h05", "mos_adapt_h06", "mos_adapt_h07", "mos_adapt_h08",
    "mos_adapt_h09", "mos_adapt_h10", "mos_adapt_h11", "mos_adapt_h12", "mos_adapt_h13", "mos_adapt_h14",
    "mos_adapt_h15", "mos_adapt_h16", "mos_adapt_h17", "mos_adapt_h18", "mos_adapt_h19", "mos_adapt_h20",
    "mos_adapt_h21", "mos_adapt_h22", "mos_adapt_h23", "mos_adapt_h24", "mos_adapt_h25", "mos_adapt_h26",
    "mos_adapt_h27", "mos_adapt_h28", "mos_adapt_h29", "mos_adapt_h30", "mos_adapt_h31", "mos_adapt_h32",
    "mos_adapt_h33", "mos_adapt_h34", "mos_adapt_h35", "mos_adapt_n", "mos_adapt_sum", "mos_f1_h00", "mos_f1_h01",
    "mos_f1_h02", "mos_f1_h03", "mos_f1_h04", "mos_f1_h05", "mos_f1_h06", "mos_f1_h07", "mos_f1_h08", "mos_f1_h09",
    "mos_f1_h10", "mos_f1_h11", "mos_f1_h12", "mos_f1_h13", "mos_f1_h14", "mos_f1_h15", "mos_f1_h16", "mos_f1_h17",
    "mos_f1_h18", "mos_f1_h19", "mos_f1_h20", "mos_f1_h21", "mos_f1_h22", "mos_f1_h23", "mos_f1_h24", "mos_f1_h25",
    "mos_f1_h26", "mos_f1_h27", "mos_f1_h28", "mos_f1_h29", "mos_f1_h30", "mos_f1_h31", "mos_f1_h32", "mos_f1_h33",
    "mos_f1_h34", "mos_f1_h35", "mos_f1_n", "mos_f1_sum", "mos_f2_h00", "mos_f2_h01", "mos_f2_h02", "mos_f2_h03",
    "mos_f2_h04", "mos_f2_h05", "mos_f2_h06", "mos_f2_h07", "mos_f2_h08", "mos_f2_h09", "mos_f2_h10", "mos_f2_h11",
    "mos_f2_h12", "mos_f2_h13", "mos_f2_h14", "mos_f2_h15", "mos_f2_h16", "mos_f2_h17", "mos_f2_h18", "mos_f2_h19",
    "mos_f2_h20", "mos_f2_h21", "mos_f2_h22", "mos_f2_h23", "mos_f2_h24", "mos_f2_h25", "mos_f2_h26", "mos_f2_h27",
    "mos_f2_h28", "mos_f2_h29", "mos_f2_h30", "mos_f2_h31", "mos_f2_h32", "mos_f2_h33", "mos_f2_h34", "mos_f2_h35",
    "mos_f2_n", "mos_f2_sum", "no_bye", "no_rtp", "one_way", "pdd_h00", "pdd_h01", "pdd_h02", "pdd_h03", "pdd_h04",
    "pdd_h05", "pdd_h06", "pdd_h07", "pdd_h08", "pdd_h09", "pdd_h10", "pdd_h11", "pdd_h12", "pdd_h13", "pdd_h14",
    "pdd_h15", "pdd_h16", "pdd_h17", "pdd_h18", "pdd_h19", "pdd_h20", "pdd_h21", "pdd_h22", "pdd_h23", "pdd_h24",
    "pdd_h25", "pdd_h26", "pdd_h27", "pdd_h28", "pdd_h29", "pdd_h30", "pdd_h31", "pdd_h32", "pdd_h33", "pdd_h34",
    "pdd_h35", "pdd_h36", "pdd_h37", "pdd_h38", "pdd_h39", "pdd_h40", "pdd_h41", "pdd_h42", "pdd_h43", "pdd_h44",
    "pdd_h45", "pdd_h46", "pdd_h47", "pdd_h48", "pdd_n", "pdd_sum", "with_rtp",
)
PEAK_MEASURES = ("busy_ms", "calls",)


def altered(model, names):
    return [
        migrations.AlterField(model_name=model, name=name, field=models.BigIntegerField(db_default=0, default=0))
        for name in names
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        *altered("callsummary", MEASURES),
        *altered("callsummaryhour", MEASURES),
        *altered("callsummarypeak", PEAK_MEASURES),
    ]
