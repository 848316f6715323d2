"""Call media: pcaps, recordings, audio graphs, SIP history and ladders, zip bundles and exports.

The core modules (amr, audio, bundle, codecs, errors, graphs, i18n, ladder, pcapmerge, siphistory,
streams, timeline) import no Django, so they can be tested and profiled alone; they read packets
with the capture app's Django-free reader. The Django side wraps them: `access` (capabilities,
input, errors at the edge), `callfiles`, `recordings`, `history` (what a call's media is, as files),
`http` (responses), `models`, `selectors`, `services`, `tasks` and `api/`.
"""
