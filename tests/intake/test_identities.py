"""Identity records through `flask careers import` (docs/intake.md): the fund's register creates and updates the
assurés, with the postal address, e-mail, date of death and pension in payment that later issues read."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.agents.services import ensure_caisse
from portal.careers.models import Assure
from portal.intake.models import IdentityRecord
from tests.builders import create_assure
from tests.intake.test_import import run

HEADER = (
    "nir,birth_name,usage_name,given_names,birth_date,birth_place,birth_country,address_1,address_2,postal_code,city,"
    "country,email,death_date,pension_in_payment,caisse"
)
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "identity_records.csv"
BRUNO = "180077511212343"  # 1 80 07 75 112 123, key 43: a man born in July 1980 in Paris 12e


@pytest.fixture(autouse=True)
def caisse(db):
    """The caisse the records name (the demo's, which `make run` creates)."""
    return ensure_caisse("CARSAT-RA")


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def bruno(**changes: str) -> str:
    fields = {
        "nir": BRUNO, "birth_name": "VALLÉE", "usage_name": "", "given_names": "Bruno Marc",
        "birth_date": "1980-07-14", "birth_place": "75112", "birth_country": "99100", "address_1": "12 rue des Lilas",
        "address_2": "", "postal_code": "69003", "city": "Lyon", "country": "FR", "email": "bruno.vallee@example.fr",
        "death_date": "", "pension_in_payment": "non", "caisse": "CARSAT-RA",
    } | changes  # fmt: skip
    return ",".join(fields.values())


def record_of(db, nir: str) -> tuple[Assure, IdentityRecord]:
    assure = db.session.execute(select(Assure).where(Assure.nir == nir)).scalar_one()
    record = db.session.execute(select(IdentityRecord).where(IdentityRecord.assure_id == assure.id)).scalar_one()
    return assure, record


def test_the_documented_example_creates_the_files_and_rejects_its_wrong_key(app, db, tmp_path, caisse):
    example = tmp_path / EXAMPLE.name
    example.write_bytes(EXAMPLE.read_bytes())
    result = run(app, example)
    assert result.exit_code == 0, result.output
    assert "3 ligne(s) en 1 bloc(s) : 2 dossier(s) créé(s), 0 mis à jour, 0 inchangé(s), 1 rejeté(s)." in result.output
    assure, record = record_of(db, BRUNO)
    assert (assure.birth_name, assure.given_names, assure.sex, assure.birth_date) == (
        "VALLÉE", "Bruno Marc", "1", date(1980, 7, 14)
    )  # fmt: skip
    assert assure.caisse_id == caisse.id
    assert (record.postal_code, record.city, record.country, record.email) == (
        "69003", "Lyon", "FR", "bruno.vallee@example.fr"
    )  # fmt: skip
    ana, abroad = record_of(db, "265019913912347")
    assert (ana.birth_place_code, ana.birth_country_code, ana.usage_name) == (None, "99139", "SILVA")
    assert (abroad.country, abroad.postal_code, abroad.address_2, abroad.pension_in_payment) == (
        "PT", "4050-262", "3º Esq.", True
    )  # fmt: skip


def test_a_newer_record_updates_the_file_and_the_same_one_again_changes_nothing(app, db, tmp_path):
    run(app, write(tmp_path, "a.csv", bruno()))
    moved = write(tmp_path, "b.csv", bruno(address_1="3 place Bellecour", postal_code="69002", death_date="2026-10-01"))
    result = run(app, moved)
    assert "0 dossier(s) créé(s), 1 mis à jour, 0 inchangé(s)" in result.output
    _, record = record_of(db, BRUNO)
    assert (record.address_1, record.postal_code, record.death_date) == (
        "3 place Bellecour",
        "69002",
        date(2026, 10, 1),
    )
    # The same record in another file (with another person's): unchanged.
    same = bruno(address_1="3 place Bellecour", postal_code="69002", death_date="2026-10-01")
    other = bruno(nir="265019913912347", birth_name="FERREIRA", birth_date="1965-01-20", birth_place="",
                  birth_country="99139", email="")  # fmt: skip
    again = run(app, write(tmp_path, "c.csv", same, other))
    assert "1 dossier(s) créé(s), 0 mis à jour, 1 inchangé(s)" in again.output


def test_an_existing_assure_gets_the_registers_civil_state(app, db, tmp_path):
    assure = create_assure()  # Jean-Pierre MARTIN, 1 62 05 69 383 045 84
    line = bruno(nir=assure.nir, birth_name="MARTIN", given_names="Jean-Pierre", birth_date="1962-05-08",
                 birth_place="69383", usage_name="MARTIN-DURAND", email="")  # fmt: skip
    result = run(app, write(tmp_path, "a.csv", line))
    assert "0 dossier(s) créé(s), 1 mis à jour" in result.output, result.output
    db.session.refresh(assure)
    assert assure.usage_name == "MARTIN-DURAND"


def test_records_that_cannot_be_taken_are_rejected_in_french(app, db, tmp_path):
    path = write(
        tmp_path, "erreurs.csv",
        bruno(nir="180077511212344"),  # line 2: wrong key
        bruno(birth_date="1981-07-14"),  # line 3: the NIR says 1980
        bruno(postal_code=""),  # line 4
        bruno(email="bruno.vallee"),  # line 5
        bruno(death_date="1979-01-01"),  # line 6
        bruno(caisse="CARSAT-NULLE-PART"),  # line 7
        bruno(country="ZZ", postal_code="1000"),  # line 8
        bruno(pension_in_payment="peut-être"),  # line 9
    )  # fmt: skip
    result = run(app, path)
    assert "0 dossier(s) créé(s)" in result.output
    rejects = dict(
        line.split(",", 1)
        for line in (tmp_path / "erreurs.csv.rejets.csv").read_text(encoding="utf-8").splitlines()[1:]
    )
    assert rejects["2"].startswith("Le NIR est invalide")
    assert rejects["3"] == "La date de naissance ne correspond pas à l'année et au mois du NIR."
    assert rejects["4"] == "Une adresse en France a un code postal à 5 chiffres."
    assert rejects["5"] == "L'adresse électronique « bruno.vallee » n'est pas une adresse valide."
    assert rejects["6"] == "La date de décès est antérieure à la date de naissance."
    assert rejects["7"] == "Caisse inconnue « CARSAT-NULLE-PART »."
    assert "ZZ" in rejects["8"]
    assert rejects["9"] == "La colonne pension_in_payment vaut oui ou non."
    assert db.session.execute(select(Assure).where(Assure.nir == BRUNO)).scalar_one_or_none() is None
