"""Every back-office page, as agents see it at 1280 px and on a 375 px phone: no serious or critical axe-core
violation, and no page that scrolls sideways. The pages are reached as a technician would (queue tabs, a request
taken, a refused form shown again, a decision waiting for a second agent, a mandate to verify...).

Screenshots of each page at both widths go to $PORTAL_SCREENSHOTS (else the test's temporary directory)."""

import os
import re
from datetime import date
from pathlib import Path

from portal.agents.services import ensure_caisse
from portal.auth.models import Account
from portal.backoffice.queries import MANDATE_LISTS, QUEUES
from portal.careers.queries import list_current_versions
from portal.db import atomic, db
from portal.signalements import services as signalements_services
from tests.browser.conftest import axe_violations, citizen_login
from tests.browser.test_backoffice import agent_login
from tests.browser.test_representation import ask_for
from tests.builders import create_assure, create_draft
from tests.files import pdf_bytes

WIDTHS = (1280, 375)
EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of 4(01|22) ")


class Walk:
    """Checks each page at both widths and keeps every problem, so that one run lists them all."""

    def __init__(self, shots: Path):
        self.shots = shots
        self.problems: list[str] = []
        self.seen: list[str] = []

    def check(self, page, name: str) -> None:
        self.seen.append(name)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Two frames: the layout (and the design system's scripts listening to resize) settle at the new width.
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            for violation in axe_violations(page):
                self.problems.append(f"{name} à {width} px : {violation['id']} ({violation['impact']}) "
                                     f"{violation['nodes'][:3]}")  # fmt: skip
            overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if overflow[0] > overflow[1]:
                self.problems.append(f"{name} à {width} px : défile de côté ({overflow[0]} px pour {overflow[1]})")
            page.screenshot(path=str(self.shots / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        # A refused form answers 4xx on purpose, and the browser logs it; anything else (a CSP refusal) is a problem.
        errors = [error for error in page.console_errors if not EXPECTED_STATUS.match(error)]
        if errors:
            self.problems.append(f"{name} : erreurs de console {errors}")
        page.console_errors.clear()


def _page(browser, *, errors=True):
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def waiting_declaration(live_app, tmp_path: Path) -> None:
    """A DSN report that corrects a period under a pending request, as the bulk intake receives it: a person of
    Camille's caisse made for this test (nobody else's career changes), a first report, a request received by post
    on its period, then the report corrected."""
    header = "source,report_id,declarant,declarant_name,nir,nature,regime,start_date,end_date,earnings,days,country"
    line = "DSN,DSN-WALK-1,73282932000074,Boulangerie Dupain,180077511212343,salaried,CNAV,2026-01-01,2026-06-30,{},,"
    with live_app.app_context():
        with atomic():
            assure = create_assure(
                nir="180077511212343", sex="1", birth_name="VALLÉE", usage_name=None, given_names="Bruno",
                birth_date=date(1980, 7, 14), birth_place_code="75112", birth_country_code="99100",
                caisse_id=ensure_caisse("CARSAT-RA").id,
            )  # fmt: skip
        for name, earnings in (("premier.csv", "16250.00"), ("rectificatif.csv", "17000.00")):
            (tmp_path / name).write_text(f"{header}\n{line.format(earnings)}\n", encoding="utf-8")
            if name == "rectificatif.csv":
                with atomic():
                    (version,) = list_current_versions(assure.id)
                    post = Account(pivot_identity={"given_name": "Demande reçue", "family_name": "par courrier"})
                    db.session.add(post)
                    db.session.flush()
                    draft = create_draft(assure, actor=post, period_ids=[version.period_id], today=date(2026, 11, 2))
                    signalements_services.submit(draft, actor=post, today=date(2026, 11, 2))
            result = live_app.test_cli_runner().invoke(args=["careers", "import", str(tmp_path / name)])
            assert result.exit_code == 0, result.output


def test_every_back_office_page_is_accessible_and_fits_a_phone(live_portal, live_app, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    walk = Walk(shots)
    browser = browser_page.context.browser
    base = f"{portal_url}/espace-agents"

    # The door, and a refused login (an agent without a second factor).
    anonymous = browser_page
    anonymous.goto(f"{base}/connexion")
    walk.check(anonymous, "connexion")
    anonymous.get_by_role("button", name="S’identifier avec ProConnect").click()
    anonymous.get_by_role("button", name="Paul ROBIN").click()
    anonymous.get_by_text("double authentification").first.wait_for()
    walk.check(anonymous, "connexion-refusee")

    camille = _page(browser)
    agent_login(camille, portal_url, "Camille DURAND")
    for key in QUEUES:
        camille.goto(f"{base}/demandes?file={key}")
        walk.check(camille, f"file-{key}")
    camille.goto(f"{base}/demandes?file=toutes&type=missing_period&etat=deposee&en-retard=1&risque=1")
    walk.check(camille, "file-filtree")

    # « Conflits d'alimentation »: a report that waits because of a request, its screen, and once applied.
    waiting_declaration(live_app, tmp_path)
    camille.goto(f"{base}/conflits-d-alimentation")
    walk.check(camille, "conflits")
    camille.get_by_role("link", name="DSN-WALK-1").click()
    camille.get_by_role("button", name="Appliquer la déclaration").wait_for()
    walk.check(camille, "conflit")
    camille.get_by_role("button", name="Appliquer la déclaration").click()
    camille.get_by_text("est appliquée").wait_for()
    walk.check(camille, "conflits-apres")

    # Karim BENALI's missing 2005 job, filed with the demo: four quarters, so a second agent validates.
    camille.goto(f"{base}/demandes?file=a-prendre")
    camille.get_by_role("row", name=re.compile("BENALI")).get_by_role("link").first.click()
    request_url = camille.url
    walk.check(camille, "demande-deposee")
    camille.get_by_role("link", name="Simuler la retraite de l'assuré").click()
    camille.locator("h1").wait_for()
    walk.check(camille, "demande-simulation")
    camille.goto(request_url)
    camille.get_by_role("button", name="Prendre la demande").click()
    camille.get_by_text("Vous suivez la demande").wait_for()
    walk.check(camille, "demande-en-instruction")
    # Blank but present (the browser requires a value): refused by the portal, the screen shown again.
    camille.get_by_label("Ce qui est demandé à l'assuré").fill("   ")
    camille.get_by_role("button", name="Demander le complément").click()
    camille.get_by_text("Précisez ce qui est demandé.").first.wait_for()
    walk.check(camille, "complement-refuse")
    camille.goto(request_url)
    camille.get_by_label("Décision", exact=True).select_option("refused")
    camille.get_by_role("button", name="Enregistrer la décision").click()
    camille.get_by_text("Un refus doit être motivé").first.wait_for()
    walk.check(camille, "decision-refusee")
    camille.get_by_label("Décision", exact=True).select_option("accepted")
    camille.get_by_role("button", name="Enregistrer la décision").click()
    camille.get_by_text("elle attend la validation d'un second agent").wait_for()
    walk.check(camille, "decision-a-valider")

    mehdi = _page(browser)
    agent_login(mehdi, portal_url, "Mehdi BENHAMOU")
    mehdi.goto(request_url)
    walk.check(mehdi, "validation")
    mehdi.get_by_label("Votre avis").select_option("return")
    mehdi.get_by_role("button", name="Enregistrer").last.click()
    mehdi.get_by_text("ce commentaire est obligatoire").first.wait_for()
    walk.check(mehdi, "renvoi-refuse")

    camille.goto(f"{base}/simulation")
    walk.check(camille, "simulateur")
    camille.get_by_label("Date de naissance").fill("2030-01-01")
    for label in ("Trimestres tous régimes de base", "dont trimestres au régime général", "dont trimestres cotisés"):
        camille.get_by_label(label).fill("10")
    camille.get_by_label("Salaire annuel moyen (€)").fill("abc")
    camille.get_by_role("button", name="Simuler").click()
    camille.get_by_text("La date de naissance est dans le futur.").first.wait_for()
    walk.check(camille, "simulateur-refuse")
    camille.get_by_label("Date de naissance").fill("1965-04-10")
    camille.get_by_label("Trimestres tous régimes de base").fill("150")
    camille.get_by_label("dont trimestres au régime général").fill("150")
    camille.get_by_label("dont trimestres cotisés").fill("140")
    camille.get_by_label("Salaire annuel moyen (€)").fill("28 000")
    camille.get_by_role("button", name="Simuler").click()
    camille.locator("svg").first.wait_for()
    walk.check(camille, "simulateur-resultat")

    jerome = _page(browser)
    agent_login(jerome, portal_url, "Jérôme LEFEBVRE")
    jerome.goto(f"{base}/tableau-de-bord")
    walk.check(jerome, "tableau-de-bord")

    francois = _page(browser)
    agent_login(francois, portal_url, "François NGUYEN-VAN")
    francois.goto(f"{base}/journal")
    walk.check(francois, "journal")
    francois.goto(f"{base}/journal?action=signalement.viewed")
    walk.check(francois, "journal-filtre")
    if francois.goto(f"{base}/e-mails-en-echec").status == 200:  # the outbox page, where it exists
        walk.check(francois, "e-mails-en-echec")

    # A mandate to verify: Jules INCONNU asks to be Jean-Pierre MARTIN's curateur.
    jules = _page(browser)
    citizen_login(jules, portal_url, "Jules INCONNU")
    pdf = tmp_path / "jugement.pdf"
    pdf.write_bytes(pdf_bytes())
    ask_for(jules, portal_url, pdf, measure="Curatelle renforcée", birth_name="MARTIN", given_names="Jean-Pierre",
            birth_date="1962-05-14", nir="1 62 05 69 383 045 84")  # fmt: skip

    for state in MANDATE_LISTS:
        camille.goto(f"{base}/mandats?etat={state.value}")
        walk.check(camille, f"mandats-{state.value}")
    camille.goto(f"{base}/mandats")
    camille.get_by_role("row", name=re.compile("MARTIN")).get_by_role("link").first.click()
    walk.check(camille, "mandat")
    camille.get_by_label("Motif du refus (communiqué au demandeur)").fill("   ")
    camille.get_by_role("button", name="Refuser le mandat").click()
    camille.get_by_text("Indiquez le motif du refus").first.wait_for()
    walk.check(camille, "mandat-refus-refuse")

    assert walk.problems == [], "\n".join(walk.problems)
