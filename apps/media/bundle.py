"""A zip of many recordings or captures, streamed: constant memory whatever the number of files.

zipstream-ng writes each entry as its data arrives (data descriptors after the data, so sizes need
not be known up front) and keeps only the small central-directory record per file. We add one file
at a time and drain it before asking for the next, so a lazy `files` iterable (for example a
generator that renders each WAV on demand) is never materialised.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from zipfile import ZIP_DEFLATED, ZIP_STORED

from zipstream import ZipStream

from .errors import MediaError
from .i18n import _

READ_CHUNK = 64 * 1024


def _source_iter(source) -> Iterable[bytes] | bytes:
    """What zipstream-ng accepts for one entry: bytes, an iterable of bytes, or a path read lazily."""
    if callable(source):
        source = source()
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return _read_path(source)
    if hasattr(source, "read"):
        return iter(lambda: source.read(READ_CHUNK), b"")
    if isinstance(source, Iterable):
        return source
    raise MediaError(_("cannot add {kind} to a zip bundle"), kind=type(source).__name__)


def _read_path(path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from iter(lambda: fh.read(READ_CHUNK), b"")


def zip_bundle_stream(
    files: Iterable[tuple[str, object]],
    *,
    total: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    compress: bool = False,
) -> Iterator[bytes]:
    """Chunks of a zip holding `files`: (arcname, source) pairs where source is bytes, a path, a
    binary file object, an iterable of byte chunks, or a zero-argument callable returning one of
    those (called only when the entry's turn comes). Audio and pcaps barely compress, so entries are
    stored unless `compress`. `progress(done, total)` is called after each file."""
    zs = ZipStream(compress_type=ZIP_DEFLATED if compress else ZIP_STORED)
    done = 0
    if total is None and hasattr(files, "__len__"):
        total = len(files)
    for arcname, source in files:
        zs.add(_source_iter(source), arcname)
        yield from zs.all_files()
        done += 1
        if progress:
            progress(done, total)
    yield from zs.footer()


def zip_bundle_write(out, files, **kwargs) -> int:
    """Write the streamed zip to the file-like `out`; returns the number of bytes written."""
    size = 0
    for chunk in zip_bundle_stream(files, **kwargs):
        out.write(chunk)
        size += len(chunk)
    return size
