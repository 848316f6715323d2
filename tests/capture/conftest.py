"""Capture tests: print the fidelity score of the captures scored in this run."""

from .scoring import SCORES, format_score, format_total


def pytest_terminal_summary(terminalreporter):
    if not SCORES:
        return
    terminalreporter.section("fidelity score against the VoIPmonitor sniffer's own rows")
    for name in sorted(SCORES):
        terminalreporter.write_line(format_score(name, SCORES[name]))
    terminalreporter.write_line(format_total(SCORES))
