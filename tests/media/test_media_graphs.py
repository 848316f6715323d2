"""Audio graph PNGs: real images of the requested size, and clear errors for bad parameters."""

import io

import numpy as np
import pytest
from media_helpers import tone
from PIL import Image

from apps.media.errors import MediaError
from apps.media.graphs import audio_graph_png, spectrogram_data


def _stereo(seconds=5.0):
    return np.stack([tone(500, seconds), tone(2500, seconds)], axis=1)


@pytest.mark.parametrize(("kind", "height"), [("S", 300), ("P", 300), ("ALL", 600)])
def test_graph_is_a_png_of_the_panel_size(kind, height):
    png = audio_graph_png(_stereo(), 8000, kind=kind, side="L", title="call 1")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (1200, height)


def test_side_picks_the_channel():
    db, freqs = spectrogram_data(_stereo()[:, 1], 8000)
    assert abs(freqs[np.argmax(db.mean(axis=1))] - 2500) < 40
    assert audio_graph_png(_stereo(), 8000, "S", "L") != audio_graph_png(_stereo(), 8000, "S", "R")


def test_long_call_graph_stays_cheap_and_valid():
    hour = np.tile(tone(300, 1.0), 3600)
    png = audio_graph_png(hour, 8000, kind="P", side="L")
    assert Image.open(io.BytesIO(png)).size == (1200, 300)


@pytest.mark.parametrize(
    ("kind", "side", "word"), [("X", "L", "graph type"), ("S", "B", "side"), ("s", "L", "S, P, ALL")]
)
def test_bad_kind_or_side_is_a_media_error(kind, side, word):
    with pytest.raises(MediaError, match=word):
        audio_graph_png(_stereo(), 8000, kind=kind, side=side)
