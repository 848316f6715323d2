from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.share_page, name="share-page"),
    path("s/<str:token>/capture.pcap", views.share_pcap, name="share-pcap"),
    path("s/<str:token>/audio.wav", views.share_audio, name="share-audio"),
    path("s/<str:token>/waveform.png", views.share_waveform, name="share-waveform"),
    path("s/<str:token>/ladder.svg", views.share_ladder, name="share-ladder"),
    path("calls/<int:pk>/share/", views.call_share_create, name="call-share"),
]
