"""Audio graphs for getAudioGraph: spectrogram (S), waveform peaks (P), or both (ALL), as PNG.

We draw with matplotlib's object API on an Agg canvas (no pyplot global state, so it is safe in
threads and Celery workers). Both graphs reduce the audio to about two columns per output pixel
before plotting, so an hour-long call costs about as much to draw as a minute.
"""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .errors import MediaError
from .i18n import _

KINDS = ("S", "P", "ALL")
SIDES = ("L", "R")
PANEL_PX = (1200, 300)
DPI = 100
_COLUMNS = 2 * PANEL_PX[0]


def _check(kind: str, side: str) -> None:
    if kind not in KINDS:
        raise MediaError(_("graph type {kind} is not one of S, P, ALL"), kind=str(kind)[:20])
    if side not in SIDES:
        raise MediaError(_("side {side} is not one of L (caller), R (callee)"), side=str(side)[:20])


def _channel(pcm: np.ndarray, side: str) -> np.ndarray:
    pcm = np.asarray(pcm)
    if pcm.ndim == 2:
        return pcm[:, SIDES.index(side)] if pcm.shape[1] == 2 else pcm[:, 0]
    return pcm


def _time_formatter(duration: float) -> FuncFormatter:
    """Seconds for short calls, mm:ss (h:mm:ss past an hour) once minutes matter more than tenths."""
    if duration <= 120:
        return FuncFormatter(lambda x, _pos: f"{x:g}")

    def fmt(x, _pos):
        x = max(0, int(round(x)))
        h, rest = divmod(x, 3600)
        return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"

    return FuncFormatter(fmt)


def spectrogram_data(x: np.ndarray, rate: int, nfft: int = 256):
    """(dB power freq x time, frequencies). Every half-overlapped frame is analysed, and frames are
    averaged into at most ~2400 columns (in blocks, to bound memory), so a long call shows every
    sound instead of a sampled few."""
    x = x.astype(np.float32) / 32768.0
    if len(x) < nfft:
        x = np.pad(x, (0, nfft - len(x)))
    hop = nfft // 2
    count = (len(x) - nfft) // hop + 1
    group = -(-count // _COLUMNS)
    window = np.hanning(nfft).astype(np.float32)
    frames = np.lib.stride_tricks.as_strided(x, shape=(count, nfft), strides=(x.strides[0] * hop, x.strides[0]))
    columns = []
    block = group * 256
    for lo in range(0, count, block):
        power = np.abs(np.fft.rfft(frames[lo : lo + block] * window, axis=1)) ** 2
        edges = np.arange(0, len(power), group)
        columns.append(np.add.reduceat(power, edges, axis=0) / np.diff(np.append(edges, len(power)))[:, None])
    power = np.concatenate(columns).T
    return 10 * np.log10(power + 1e-12), np.fft.rfftfreq(nfft, 1 / rate)


def waveform_peaks(x: np.ndarray, columns: int = _COLUMNS):
    """(min, max) per column: what a waveform shows at this width, without plotting every sample."""
    if len(x) == 0:
        return np.zeros(1), np.zeros(1)
    columns = min(columns, len(x))
    edges = np.linspace(0, len(x), columns + 1).astype(np.int64)
    return np.minimum.reduceat(x, edges[:-1]), np.maximum.reduceat(x, edges[:-1])


def _draw_spectrogram(ax, x, rate, duration):
    db, freqs = spectrogram_data(x, rate)
    image = ax.imshow(
        db,
        origin="lower",
        aspect="auto",
        cmap="magma",
        vmin=-100,
        vmax=db.max(initial=-100),
        extent=(0, duration, 0, freqs[-1] / 1000.0),
    )
    ax.set_ylabel(_("Frequency (kHz)"))
    return image


def _draw_peaks(ax, x, duration):
    lo, hi = waveform_peaks(x)
    t = np.linspace(0, duration, len(lo))
    ax.fill_between(t, lo / 32768.0, hi / 32768.0, color="#1f77b4", linewidth=0.4)
    ax.set_ylim(-1, 1)
    ax.set_xlim(0, duration)
    ax.set_ylabel(_("Amplitude"))
    ax.grid(True, alpha=0.3)


def audio_graph_png(pcm, rate: int, kind: str = "S", side: str = "L", title: str | None = None) -> bytes:
    """PNG of one channel (L = caller, R = callee) of `pcm` (int16, mono or samples x 2)."""
    _check(kind, side)
    x = _channel(pcm, side)
    duration = max(len(x) / rate, 1 / rate)
    panels = ["S", "P"] if kind == "ALL" else [kind]
    fig = Figure(figsize=(PANEL_PX[0] / DPI, PANEL_PX[1] * len(panels) / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        if panel == "S":
            _draw_spectrogram(ax, x, rate, duration)
        else:
            _draw_peaks(ax, x, duration)
        ax.xaxis.set_major_formatter(_time_formatter(duration))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=12, steps=[1, 2, 3, 5, 6, 10]))
    axes[-1].set_xlabel(_("Time (mm:ss)") if duration > 120 else _("Time (s)"))
    if title:
        axes[0].set_title(title)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


STRIP_PX = (1200, 90)  # one channel's band in the call page's player strips


def audio_strip_png(pcm, rate: int, kind: str = "P") -> bytes:
    """Both channels as one borderless image, caller above callee, time running over the full width.

    For the call page's player: with no axes, margins or title, pixel x is exactly time x / width of the
    recording, so a cursor drawn over the image at currentTime / duration follows the audio."""
    _check(kind, "L")
    if kind == "ALL":
        raise MediaError(_("graph type {kind} is not one of S, P"), kind=kind)
    pcm = np.asarray(pcm)
    channels = [_channel(pcm, side) for side in SIDES]
    duration = max(len(channels[0]) / rate, 1 / rate)
    fig = Figure(figsize=(STRIP_PX[0] / DPI, 2 * STRIP_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    for row, x in enumerate(channels):
        ax = fig.add_axes((0, 0.5 * (1 - row), 1, 0.5))
        if kind == "S":
            _draw_spectrogram(ax, x, rate, duration)
        else:
            _draw_peaks(ax, x, duration)
            ax.axhline(0, color="#9aa5b8", linewidth=0.5)
        ax.set_xlim(0, duration)
        ax.set_axis_off()
    fig.add_artist(Line2D([0, 1], [0.5, 0.5], color="#ffffff" if kind == "S" else "#5b6577", linewidth=1))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
