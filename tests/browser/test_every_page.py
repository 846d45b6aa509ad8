"""Every page a citizen or a representative can reach, at a phone's width (375 px) and a desktop's (1280 px): none
scrolls sideways, and axe-core finds no serious or critical violation on any of them.

The pages are reached as a person would (links and forms), so that a page added to a flow is visited too; the
problems of every page are gathered before the single assertion, so that one run lists them all."""

import re

from tests.browser.conftest import axe_violations, citizen_login
from tests.browser.test_backoffice import agent_login
from tests.browser.test_representation import approve_last, ask_for
from tests.files import pdf_bytes

WIDTHS = (375, 1280)
# Jean-Pierre MARTIN and Marie-Hélène LEFÈVRE-DUBOIS are kept for the first-login tests: their NIR step must still
# be ahead.
ASSURE, ASSURE_NIR = "Chloé ROUSSEAU", "2 90 06 31 555 077 41"
REPRESENTATIVE = "Jules INCONNU"  # a mandataire unknown to the fund: his own space is only his representations
PROTECTED, PROTECTED_NIR = "Lucas PETIT", "1 95 10 44 109 401 05"
PUBLIC_PAGES = ("/", "/mentions-legales", "/donnees-personnelles", "/accessibilite", "/page-qui-n-existe-pas")


def sideways_scroll(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return max(scroll_width - inner_width, 0)


# In a flex or grid box, each run of text becomes an item of its own and loses its edge spaces: « Année 1979 »,
# written as the text « Année » and a link « 1979 », reads « Année1979 ». Flagged: a run of text and its neighbour
# in such a box, side by side on one line with nothing between them (text taken out of the flow, such as
# « fr-sr-only », does not count).
GLUED_WORDS = """() => {
    const box = node => {
        if (node.nodeType === Node.ELEMENT_NODE) return node.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(node);
        return range.getBoundingClientRect();
    };
    const inFlow = node => node.textContent.trim() && (node.nodeType === Node.TEXT_NODE
        || (node.nodeType === Node.ELEMENT_NODE && !['absolute', 'fixed'].includes(getComputedStyle(node).position)));
    const glued = new Set();
    for (const parent of document.querySelectorAll('body *')) {
        if (!/flex|grid/.test(getComputedStyle(parent).display)) continue;
        const items = [...parent.childNodes].filter(inFlow);
        for (let i = 1; i < items.length; i++) {
            const [before, after] = [items[i - 1], items[i]];
            if (before.nodeType !== Node.TEXT_NODE && after.nodeType !== Node.TEXT_NODE) continue;
            const [a, b] = [box(before), box(after)];
            const sameLine = a.top < b.bottom && b.top < a.bottom;
            if (sameLine && Math.abs(b.left - a.right) < 1) glued.add(parent.textContent.trim().slice(0, 80));
        }
    }
    return [...glued];
}"""


def problems_here(page) -> list[str]:
    """What is wrong with the page as it stands, at each width: a sideways scroll, serious or critical axe
    violations. The page is laid out again at each width, not reloaded: what a form posted stays on it."""
    problems = [f"mots collés : {box}" for box in page.evaluate(GLUED_WORDS)]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if overflow := sideways_scroll(page):
            problems.append(f"{width} px : la page défile de {overflow} px vers le côté")
        problems.extend(f"{width} px : {violation}" for violation in axe_violations(page))
    return problems


def walk(page, portal_url: str, paths, who: str) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(f"{portal_url}{path}")
        if problems := problems_here(page):
            found[f"{who} {path}"] = problems
    return found


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}\n  " + "\n  ".join(found) for page, found in problems.items())


def career_pages(page, portal_url: str, who: str) -> dict[str, list[str]]:
    """The pages of one's own career (or of the person one acts for), reached through the portal's own links: a
    period, a draft signalement on it, the same request once filed, and the simulator with its results."""
    path = lambda: page.url.removeprefix(portal_url)  # noqa: E731
    page.goto(f"{portal_url}/ma-carriere")
    report = page.get_by_role("link", name=re.compile("^Signaler une anomalie sur la période")).first
    period_id = re.search(r"periodes=(\d+)", report.get_attribute("href")).group(1)
    report.click()
    page.locator("label[for=type-duplicate]").click()
    page.get_by_role("button", name="Continuer").click()
    form = path()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(re.compile(r"/mes-demandes/\d+$"))
    request = path()
    problems = walk(page, portal_url, [
        "/ma-carriere", f"/ma-carriere/periodes/{period_id}", "/ma-carriere/a-verifier", "/mes-demandes",
        "/mes-demandes/nouvelle", form, request, f"{request}/modifier",
    ], who)  # fmt: skip

    page.goto(f"{portal_url}{request}")
    page.get_by_role("button", name=re.compile("^Déposer (ma|la) demande$")).click()
    page.get_by_text("est déposée").first.wait_for()
    problems |= walk(page, portal_url, [request, f"{request}/effet-sur-ma-retraite", "/ma-retraite/simulation"], who)

    # The simulator's results answer a POST: checked where they are.
    page.goto(f"{portal_url}/ma-retraite/simulation")
    page.get_by_role("button", name="Simuler").click()
    page.wait_for_load_state()
    if results := problems_here(page):
        problems[f"{who} résultats de la simulation"] = results
    return problems


def test_no_citizen_page_scrolls_sideways_or_fails_axe(live_portal, browser_page):
    portal_url, _sandbox = live_portal
    page = browser_page
    problems = walk(page, portal_url, PUBLIC_PAGES, "anonyme")
    citizen_login(page, portal_url, ASSURE, ASSURE_NIR)
    problems |= career_pages(page, portal_url, ASSURE)
    problems |= walk(page, portal_url, [
        "/mes-representations", "/mes-representations/nouvelle", "/mon-espace/actions-de-mes-representants",
        *PUBLIC_PAGES,
    ], ASSURE)  # fmt: skip
    releve = page.request.get(f"{portal_url}/ma-carriere/releve.pdf")
    assert releve.headers["content-type"] == "application/pdf"
    assert problems == {}, report(problems)


def test_no_representative_page_scrolls_sideways_or_fails_axe(live_portal, browser_page, tmp_path):
    """His own space (the NIR step he may leave aside, his representations), then the space of the person he acts
    for, under a tutelle that a technician verified."""
    portal_url, _sandbox = live_portal
    jules = browser_page
    citizen_login(jules, portal_url, REPRESENTATIVE)
    problems = walk(jules, portal_url, ["/premiere-connexion"], REPRESENTATIVE)
    decision = tmp_path / "jugement.pdf"
    decision.write_bytes(pdf_bytes())
    ask_for(jules, portal_url, decision, measure="Tutelle", birth_name="PETIT", given_names="Lucas",
            birth_date="1995-10-05", nir=PROTECTED_NIR)  # fmt: skip
    camille = jules.context.browser.new_context(locale="fr-FR").new_page()
    agent_login(camille, portal_url, "Camille DURAND")
    approve_last(camille, portal_url, "PETIT")
    problems |= walk(jules, portal_url, ["/mes-representations", "/mes-representations/nouvelle"], REPRESENTATIVE)
    jules.goto(f"{portal_url}/mes-representations")
    jules.get_by_role("button", name=f"J'agis pour {PROTECTED}").click()
    jules.wait_for_url(f"{portal_url}/ma-carriere")
    problems |= career_pages(jules, portal_url, f"{REPRESENTATIVE} pour {PROTECTED}")
    problems |= walk(jules, portal_url, PUBLIC_PAGES, f"{REPRESENTATIVE} pour {PROTECTED}")
    assert problems == {}, report(problems)
