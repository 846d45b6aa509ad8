"""`flask generate-population`: invented careers at a register's scale, written through the bulk intake.

It writes the files a register would receive (identity records, then period reports: docs/intake.md) and takes them
in with `flask careers import`'s own code, so that benchmarks measure the real path. The people are invented and
reproducible (a seed): born 1958 to 2005, salaried with earnings that grow and sometimes dip (part time), spells of
unemployment, sickness, maternity, some years abroad in the EU, in the fonction publique or self-employed; about
forty periods each. Their NIRs name communes of the Ain (01001 and after), which no demo person has.
"""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from stdnum.fr import nir

from portal.intake import identities, reports
from portal.intake.services import Summary, import_file

FIRST_YEAR, LAST_YEAR, LAST_RECORDED_YEAR = 1958, 2005, 2025
COUNTRIES = ("PT", "ES", "IT", "DE", "BE", "PL", "RO")
FAMILY_NAMES = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT")
GIVEN_NAMES = {"1": ("Louis", "Gabriel", "Jules", "Adam", "Lucas"), "2": ("Emma", "Jade", "Louise", "Alice", "Lina")}


@dataclass(frozen=True, slots=True)
class Population:
    identities: Summary
    periods: Summary


def person_nir(index: int, sex: str) -> tuple[str, int, int]:
    """A NIR unique for each index (up to 115 million), with its birth year and month."""
    month = 1 + index % 12
    year = FIRST_YEAR + (index // 12) % (LAST_YEAR - FIRST_YEAR + 1)
    commune = 1 + (index // 576) % 200
    order = 1 + (index // 115_200) % 999
    body = f"{sex}{year % 100:02d}{month:02d}01{commune:03d}{order:03d}"
    return body + nir.calc_check_digits(body), year, month


def write_files(count: int, directory: Path, *, seed: int = 42) -> tuple[Path, Path, int]:
    """The identity records and period reports of `count` people; their paths and the number of report lines."""
    rng = random.Random(seed)  # noqa: S311 (invented data, not security)
    people_path, periods_path = directory / "identites.csv", directory / "periodes.csv"
    lines = 0
    with (
        people_path.open("w", newline="", encoding="utf-8") as people_file,
        periods_path.open("w", newline="", encoding="utf-8") as periods_file,
    ):
        people = csv.DictWriter(people_file, fieldnames=identities.COLUMNS)
        periods = csv.DictWriter(periods_file, fieldnames=reports.COLUMNS)
        people.writeheader()
        periods.writeheader()
        for index in range(count):
            sex = rng.choice("12")
            number, year, month = person_nir(index, sex)
            people.writerow({
                "nir": number, "birth_name": rng.choice(FAMILY_NAMES), "usage_name": "",
                "given_names": rng.choice(GIVEN_NAMES[sex]),
                "birth_date": f"{year}-{month:02d}-{rng.randint(1, 28):02d}",
                "birth_place": f"01{1 + (index // 576) % 200:03d}", "birth_country": "99100",
                "address_1": f"{rng.randint(1, 120)} rue de la République", "address_2": "", "postal_code": "01000",
                "city": "Bourg-en-Bresse", "country": "FR",
                "email": f"personne{index}@example.fr" if rng.random() < 0.6 else "", "death_date": "",
                "pension_in_payment": "non", "caisse": "",
            })  # fmt: skip
            lines += _career(periods, rng, index, number, year, sex)
    return people_path, periods_path, lines


def _career(periods: csv.DictWriter, rng: random.Random, index: int, number: str, born: int, sex: str) -> int:
    start = born + rng.randint(18, 23)
    path = rng.random()
    earnings = rng.uniform(12_000, 24_000)
    written = 0

    def report(source: str, report_id: str, nature: str, regime: str, year: int, first: str, last: str, **values):
        nonlocal written
        declarant = (
            "73282932000074"
            if source == "DSN"
            else {"FRANCE_TRAVAIL": "France Travail", "CPAM": "CPAM de l'Ain"}.get(source, "Autre régime")
        )
        periods.writerow({
            "source": source, "report_id": f"{report_id}-{index}-{year}", "declarant": declarant,
            "declarant_name": "Entreprise de l'Ain" if source == "DSN" else "", "nir": number, "nature": nature,
            "regime": regime, "start_date": f"{year}-{first}", "end_date": f"{year}-{last}",
            "earnings": values.get("earnings", ""), "days": values.get("days", ""),
            "country": values.get("country", ""),
        })  # fmt: skip
        written += 1

    for year in range(start, LAST_RECORDED_YEAR + 1):
        earnings *= rng.uniform(1.0, 1.06)
        if path < 0.08 and year - start < 3:
            report("REGIME", "ETR", "abroad", "ETRANGER", year, "01-01", "12-31", country=rng.choice(COUNTRIES))
            continue
        if path < 0.2 and year >= start + 5:
            report("REGIME", "SRE", "public_service", "SRE", year, "01-01", "12-31", earnings=f"{earnings:.2f}")
            continue
        if 0.2 <= path < 0.3 and year >= start + 8:
            report("REGIME", "SSI", "self_employed", "SSI", year, "01-01", "12-31", earnings=f"{earnings * 0.8:.2f}")
            continue
        roll = rng.random()
        if roll < 0.07:
            report("DSN", "DSN", "salaried", "CNAV", year, "01-01", "06-30", earnings=f"{earnings / 2:.2f}")
            report(
                "FRANCE_TRAVAIL", "FT", "unemployment", "CNAV", year, "07-01", "12-31", days=str(rng.randint(60, 184))
            )
        elif roll < 0.12:
            report("DSN", "DSN", "salaried", "CNAV", year, "01-01", "12-31", earnings=f"{earnings * 0.9:.2f}")
            report("CPAM", "CPAM", "sickness", "CNAV", year, "03-01", "04-30", days=str(rng.randint(20, 60)))
        elif roll < 0.15 and sex == "2" and year - born < 40:
            report("DSN", "DSN", "salaried", "CNAV", year, "01-01", "12-31", earnings=f"{earnings * 0.85:.2f}")
            report("CPAM", "MAT", "maternity", "CNAV", year, "05-01", "08-31", days="112")
        elif roll < 0.22:
            part_time = rng.choice((0.5, 0.6, 0.8))
            report("DSN", "DSN", "salaried", "CNAV", year, "01-01", "12-31", earnings=f"{earnings * part_time:.2f}")
        else:
            report("DSN", "DSN", "salaried", "CNAV", year, "01-01", "12-31", earnings=f"{earnings:.2f}")
    return written


def generate_population(count: int, directory: Path, *, seed: int = 42, chunk_size: int = 5000) -> Population:
    """Write the files of `count` people into `directory` and take them in, identities first."""
    people_path, periods_path, _lines = write_files(count, directory, seed=seed)
    return Population(import_file(people_path, chunk_size=chunk_size), import_file(periods_path, chunk_size=chunk_size))
