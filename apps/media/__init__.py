"""Django-free media core: RTP payload decoding, call recordings, audio graphs, SIP ladders, zip bundles.

Nothing in this package imports Django, so it can be tested and profiled alone; the Django app
(apps.py, services.py, selectors.py, api/) wraps it and translates `MediaError` at the edge.
"""
