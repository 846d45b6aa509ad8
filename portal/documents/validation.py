"""What is accepted as a justificatif: a readable PDF, JPEG or PNG, judged on its content, never on its name.

Everything here works on a file already on disk (Werkzeug spools uploads to a temporary file), so a large upload
never sits in memory. Refusals carry a code for the caller and a French message for the person.
"""

import hashlib
import math
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from portal.documents.storage import CHUNK_SIZE

ACCEPTED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

# Far above any scan or phone photo (a 48 Mpx photo is 8000 × 6000) while keeping a decoded image under about
# 240 MB of memory. Pillow's own limit (about 89 Mpx) is process-wide; ours is checked before decoding.
MAX_IMAGE_PIXELS = 60_000_000
MAX_FILENAME_LENGTH = 200

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

# Control and format characters (which include the bidirectional overrides that make "fdp.exe" display as
# "exe.pdf"), surrogates left by a bad decoding, private-use characters, and line or paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}

TYPE_MESSAGE = "Ce type de fichier n'est pas accepté : envoyez un PDF, une photo JPEG ou une image PNG."


class DocumentRefused(Exception):
    """A file or a file name that cannot be accepted; `message` is for the person who sent it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"DocumentRefused({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


def safe_filename(name: str) -> str:
    """The name as the person gave it, NFC-normalised and trimmed, or DocumentRefused("bad_name").

    The name is only ever shown and offered back on download (the stored key is random), so accents, spaces and
    punctuation are kept; what is refused could mislead a reader or break a header or a path.
    """
    name = unicodedata.normalize("NFC", name or "")
    # Checked before trimming, so that a trailing newline is refused rather than silently dropped.
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise DocumentRefused("bad_name", "Le nom du fichier contient des caractères non autorisés.")
    name = name.strip()
    if not name:
        raise DocumentRefused("bad_name", "Le fichier n'a pas de nom.")
    if "/" in name or "\\" in name:
        raise DocumentRefused("bad_name", "Le nom du fichier ne doit contenir ni « / » ni « \\ ».")
    if ".." in name:
        raise DocumentRefused("bad_name", "Le nom du fichier ne doit pas contenir « .. ».")
    if len(name) > MAX_FILENAME_LENGTH:
        raise DocumentRefused(
            "bad_name", f"Le nom du fichier est trop long : {MAX_FILENAME_LENGTH} caractères au plus."
        )
    return name


def format_megabytes(size: int) -> str:
    """'10 Mo' for 10 MiB, '2,5 Mo' for 2.5 MiB: the size as French-speaking people read it."""
    megabytes = size / (1024 * 1024)
    if math.isclose(megabytes, round(megabytes), abs_tol=0.05):
        return f"{round(megabytes)} Mo"
    return f"{megabytes:.1f} Mo".replace(".", ",")


def inspect_file(path: Path, *, max_bytes: int) -> InspectedFile:
    """Check a received file and describe it, or raise DocumentRefused.

    Codes: "empty", "too_large", "type", "encrypted", "corrupt", "bomb".
    """
    with Path(path).open("rb") as file:
        file.seek(0, 2)
        size = file.tell()
        if size == 0:
            raise DocumentRefused("empty", "Le fichier est vide.")
        if size > max_bytes:
            raise DocumentRefused("too_large", f"Le fichier dépasse {format_megabytes(max_bytes)}.")

        file.seek(0)
        content_type = _sniff(file.read(16))
        if content_type is None:
            raise DocumentRefused("type", TYPE_MESSAGE)

        file.seek(0)
        pages = width = height = None
        if content_type == "application/pdf":
            pages = _check_pdf(file)
        else:
            width, height = _check_image(file, _PILLOW_FORMATS[content_type])

        file.seek(0)
        digest = hashlib.sha256()
        hashed = 0
        while chunk := file.read(CHUNK_SIZE):
            digest.update(chunk)
            hashed += len(chunk)

    return InspectedFile(
        content_type=content_type,
        extension=ACCEPTED_TYPES[content_type],
        size=hashed,
        sha256=digest.hexdigest(),
        pages=pages,
        width=width,
        height=height,
    )


def _sniff(head: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def _corrupt() -> DocumentRefused:
    return DocumentRefused(
        "corrupt", "Le fichier est endommagé ou incomplet et ne peut pas être ouvert. Envoyez-le de nouveau."
    )


def _check_pdf(file: BinaryIO) -> int:
    """The number of pages of a PDF anyone can open without a password."""
    encrypted = False
    pages = 0
    # Broad on purpose: on hostile or damaged input a parser fails in many ways (its own errors, but also
    # KeyError, TypeError, RecursionError...), and all of them mean the same thing here: it cannot be read.
    try:
        with warnings.catch_warnings():
            # pypdf reports recoverable damage as warnings; what matters is whether the pages can be read.
            warnings.simplefilter("ignore")
            reader = PdfReader(file)
            # A PDF with only an owner password (printing or copying restricted, common for payslips and tax
            # notices) opens in any viewer without asking anything: it is accepted. One that needs a password
            # to open cannot be read by the agents.
            if reader.is_encrypted and not reader.decrypt(""):
                encrypted = True
            else:
                pages = len(reader.pages)
    except FileNotDecryptedError:
        encrypted = True
    except Exception:
        raise _corrupt() from None
    if encrypted:
        raise DocumentRefused(
            "encrypted",
            "Ce PDF est protégé par un mot de passe : envoyez une version sans mot de passe.",
        )
    if pages == 0:
        raise _corrupt()
    return pages


def _check_image(file: BinaryIO, pillow_format: str) -> tuple[int, int]:
    """Width and height of an image Pillow decodes completely."""
    too_big = DocumentRefused("bomb", "L'image est trop grande : réduisez sa résolution ou envoyez-la en PDF.")
    try:
        # catch_warnings changes process-wide state, so another thread may restore the filters under us; the
        # refusal does not depend on it: Pillow only warns above its own limit, which is above ours.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_big
                # Decoding every pixel is what proves the file is complete: open() only reads the header.
                image.load()
    except DocumentRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_big from None
    except Exception:
        # Same reasoning as for PDFs: truncated data (OSError), broken chunks (SyntaxError), bad values...
        raise _corrupt() from None
    return width, height
