"""`flask generate-population`: invented careers written through the bulk intake, as benchmarks use them."""

from sqlalchemy import func, select

from portal.careers.models import Assure, PeriodNature, PeriodVersion
from portal.intake.models import IdentityRecord


def test_a_population_goes_through_the_intake_with_realistic_careers(app, db, tmp_path):
    result = app.test_cli_runner().invoke(args=["generate-population", "--assures", "60", "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "60 dossier(s) créé(s)" in result.output
    assert "(0 rejetée(s))" in result.output
    assert (tmp_path / "periodes.csv").exists()
    assert db.session.execute(select(func.count()).select_from(IdentityRecord)).scalar_one() == 60
    people = db.session.execute(select(func.count()).select_from(Assure)).scalar_one()
    periods = db.session.execute(select(func.count()).select_from(PeriodVersion)).scalar_one()
    assert people == 60
    assert 20 <= periods / people <= 60  # about forty periods each, the youngest fewer
    natures = set(db.session.execute(select(PeriodVersion.nature).distinct()).scalars())
    assert {PeriodNature.SALARIED, PeriodNature.UNEMPLOYMENT, PeriodNature.SICKNESS} <= natures
    # The same seed, the same files: a second run takes nothing new.
    again = app.test_cli_runner().invoke(args=["generate-population", "--assures", "60"])
    assert again.exit_code == 0, again.output
    assert db.session.execute(select(func.count()).select_from(Assure)).scalar_one() == people
    assert db.session.execute(select(func.count()).select_from(PeriodVersion)).scalar_one() == periods
