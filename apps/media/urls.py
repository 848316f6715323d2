"""The call page and the files it links to (REST media lives under /api/v1/, see api/urls.py)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("calls/<int:pk>/", views.call_page, name="call-page"),
    path("calls/<int:pk>/reason/", views.call_reason, name="call-reason"),
    path("calls/<int:pk>/sip/<int:num>/", views.call_sip_message, name="call-sip-message"),
    path("calls/<int:pk>/capture.pcap", views.call_pcap, name="call-pcap"),
    path("calls/<int:pk>/audio.wav", views.call_audio, {"fmt": "wav"}, name="call-audio-wav"),
    path("calls/<int:pk>/audio.ogg", views.call_audio, {"fmt": "ogg"}, name="call-audio-ogg"),
    re_path(r"^calls/(?P<pk>[0-9]+)/(?P<kind>waveform|spectrogram)\.png$", views.call_strip, name="call-strip"),
]
