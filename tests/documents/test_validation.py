"""What is accepted as a justificatif, on real PDF, JPEG and PNG files built here."""

import hashlib
import struct
import unicodedata
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter

from portal.documents.validation import (
    ACCEPTED_TYPES,
    MAX_FILENAME_LENGTH,
    TYPE_MESSAGE,
    DocumentRefused,
    format_megabytes,
    inspect_file,
    safe_filename,
)

MAX_BYTES = 10 * 1024 * 1024
CORRUPT_MESSAGE = "Le fichier est endommagé ou incomplet et ne peut pas être ouvert. Envoyez-le de nouveau."
BOMB_MESSAGE = "L'image est trop grande : réduisez sa résolution ou envoyez-la en PDF."


def write_pdf(path, *, pages=1, user_password=None, owner_password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password, algorithm="AES-128")
    with path.open("wb") as file:
        writer.write(file)
    return path


def write_image(path, image_format, size=(640, 480)):
    Image.new("RGB", size, (200, 120, 40)).save(path, format=image_format)
    return path


def write_bilevel_png(path, width, height):
    """A black-and-white PNG written chunk by chunk: a few KB on disk whatever its pixel count."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte, then 1 bit per pixel
    compressed = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )
    return path


def truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def refusal(path, max_bytes=MAX_BYTES):
    with pytest.raises(DocumentRefused) as raised:
        inspect_file(path, max_bytes=max_bytes)
    return raised.value


# --- accepted files -------------------------------------------------------------------------------------------


def test_a_pdf_is_accepted_with_its_page_count_size_and_sha256(tmp_path):
    path = write_pdf(tmp_path / "bulletin.pdf", pages=3)

    inspected = inspect_file(path, max_bytes=MAX_BYTES)

    assert inspected.content_type == "application/pdf"
    assert inspected.extension == ".pdf"
    assert inspected.pages == 3
    assert inspected.width is None
    assert inspected.height is None
    assert inspected.size == path.stat().st_size
    assert inspected.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"), [("JPEG", "image/jpeg", ".jpg"), ("PNG", "image/png", ".png")]
)
def test_an_image_is_accepted_with_its_dimensions(tmp_path, image_format, content_type, extension):
    path = write_image(tmp_path / "photo", image_format, size=(1200, 1600))

    inspected = inspect_file(path, max_bytes=MAX_BYTES)

    assert inspected.content_type == content_type
    assert inspected.extension == extension
    assert (inspected.width, inspected.height) == (1200, 1600)
    assert inspected.pages is None
    assert inspected.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_type_comes_from_the_content_so_a_pdf_named_jpg_is_a_pdf(tmp_path):
    path = write_pdf(tmp_path / "scan.jpg")

    inspected = inspect_file(path, max_bytes=MAX_BYTES)

    assert inspected.content_type == "application/pdf"
    assert inspected.extension == ".pdf"


def test_a_pdf_restricted_only_by_an_owner_password_opens_without_one_and_is_accepted(tmp_path):
    path = write_pdf(tmp_path / "avis.pdf", owner_password="employeur")

    assert inspect_file(path, max_bytes=MAX_BYTES).pages == 1


def test_a_file_exactly_at_the_limit_is_accepted(tmp_path):
    path = write_pdf(tmp_path / "a.pdf")

    assert inspect_file(path, max_bytes=path.stat().st_size).size == path.stat().st_size


def test_only_pdf_jpeg_and_png_are_accepted():
    assert ACCEPTED_TYPES == {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


# --- refused files ----------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "vide.pdf"
    path.write_bytes(b"")

    refused = refusal(path)

    assert (refused.code, refused.message) == ("empty", "Le fichier est vide.")


def test_a_file_over_the_limit_is_refused_before_being_read(tmp_path):
    path = tmp_path / "gros.pdf"
    with path.open("wb") as file:
        # Sparse: nothing is written, and the refusal comes from the size alone.
        file.truncate(MAX_BYTES + 1)

    refused = refusal(path)

    assert (refused.code, refused.message) == ("too_large", "Le fichier dépasse 10 Mo.")
    assert str(refused) == "Le fichier dépasse 10 Mo."


def test_a_file_one_byte_over_a_smaller_limit_is_refused_with_that_limit(tmp_path):
    path = write_pdf(tmp_path / "a.pdf")

    refused = refusal(path, max_bytes=path.stat().st_size - 1)

    assert refused.code == "too_large"
    assert refused.message.startswith("Le fichier dépasse ")


@pytest.mark.parametrize(
    ("size", "text"), [(10 * 1024 * 1024, "10 Mo"), (5 * 1024 * 1024 // 2, "2,5 Mo"), (5_000_000, "4,8 Mo")]
)
def test_limits_are_written_in_mo_the_french_way(size, text):
    assert format_megabytes(size) == text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lettre.pdf", "Madame, Monsieur,\nveuillez trouver ci-joint mon relevé.\n".encode()),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("dessin.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("animation.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("archive.pdf", b"PK\x03\x04" + bytes(100)),
        ("espace.pdf", b" %PDF-1.7\n"),
    ],
)
def test_a_file_of_another_type_is_refused_whatever_its_name(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)

    refused = refusal(path)

    assert (refused.code, refused.message) == ("type", TYPE_MESSAGE)
    assert refused.message == (
        "Ce type de fichier n'est pas accepté : envoyez un PDF, une photo JPEG ou une image PNG."
    )


def test_a_pdf_that_needs_a_password_to_open_is_refused(tmp_path):
    path = write_pdf(tmp_path / "releve.pdf", user_password="secret", owner_password="banque")

    refused = refusal(path)

    assert refused.code == "encrypted"
    assert refused.message == "Ce PDF est protégé par un mot de passe : envoyez une version sans mot de passe."


def test_a_truncated_pdf_is_refused_as_corrupt(tmp_path):
    path = truncate(write_pdf(tmp_path / "coupe.pdf", pages=2))

    refused = refusal(path)

    assert (refused.code, refused.message) == ("corrupt", CORRUPT_MESSAGE)


def test_a_pdf_without_pages_is_refused_as_corrupt(tmp_path):
    path = write_pdf(tmp_path / "rien.pdf", pages=0)

    assert refusal(path).code == "corrupt"


def test_a_pdf_header_followed_by_garbage_is_refused_as_corrupt(tmp_path):
    path = tmp_path / "faux.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)

    assert refusal(path).code == "corrupt"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused_as_corrupt(tmp_path, image_format):
    path = tmp_path / "photo"
    # Noise rather than a flat colour, so that the pixel data is large enough to be cut in the middle.
    Image.frombytes("RGB", (400, 300), bytes(range(256)) * 1407).save(path, format=image_format)
    truncate(path, keep=0.6)

    refused = refusal(path)

    assert (refused.code, refused.message) == ("corrupt", CORRUPT_MESSAGE)


def test_a_png_whose_header_alone_is_there_is_refused_as_corrupt(tmp_path):
    path = tmp_path / "entete.png"
    path.write_bytes(write_bilevel_png(tmp_path / "full.png", 100, 100).read_bytes()[:33])

    assert refusal(path).code == "corrupt"


@pytest.mark.parametrize(
    "side",
    [
        8_000,  # 64 Mpx: over our cap, under Pillow's own limits
        10_000,  # 100 Mpx: Pillow warns (DecompressionBombWarning)
        20_000,  # 400 Mpx: Pillow refuses (DecompressionBombError)
    ],
)
def test_an_image_with_too_many_pixels_is_refused_before_being_decoded(tmp_path, side):
    path = write_bilevel_png(tmp_path / "bombe.png", side, side)
    assert path.stat().st_size < 200_000

    refused = refusal(path)

    assert (refused.code, refused.message) == ("bomb", BOMB_MESSAGE)


# --- file names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Bulletin de paie – mars 1998.pdf",
        "Relevé d'indemnités journalières (CPAM) n°2.pdf",
        "attestation employeur.JPG",
        "scan",
        "a" * (MAX_FILENAME_LENGTH - 4) + ".pdf",
    ],
)
def test_ordinary_names_are_kept_as_they_are(name):
    assert safe_filename(name) == name


def test_names_are_nfc_normalised_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Relevé de carrière.pdf ")

    assert safe_filename(decomposed) == "Relevé de carrière.pdf"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Le fichier n'a pas de nom."),
        ("   ", "Le fichier n'a pas de nom."),
        ("dossier/bulletin.pdf", "Le nom du fichier ne doit contenir ni « / » ni « \\ »."),
        ("/etc/passwd", "Le nom du fichier ne doit contenir ni « / » ni « \\ »."),
        ("C:\\Users\\Dupont\\bulletin.pdf", "Le nom du fichier ne doit contenir ni « / » ni « \\ »."),
        ("..", "Le nom du fichier ne doit pas contenir « .. »."),
        ("bulletin..pdf", "Le nom du fichier ne doit pas contenir « .. »."),
        ("bulletin\x00.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin\n.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin.pdf\n", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin\r.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin\t.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin\x7f.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("facture\u202efdp.exe", "Le nom du fichier contient des caractères non autorisés."),
        ("bulletin\u2028.pdf", "Le nom du fichier contient des caractères non autorisés."),
        ("a" * (MAX_FILENAME_LENGTH - 3) + ".pdf", "Le nom du fichier est trop long : 200 caractères au plus."),
    ],
)
def test_unsafe_names_are_refused(name, message):
    with pytest.raises(DocumentRefused) as raised:
        safe_filename(name)

    assert (raised.value.code, raised.value.message) == ("bad_name", message)
