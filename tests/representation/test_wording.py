"""What a representative reads while acting: the pages speak about the protected person (« la carrière d'Anne-Sophie
GIRARD »), with French elision, and the representative's title agrees with them (tutrice, curatrice, habilitée)."""

import html
import re

import pytest
from flask import render_template_string
from sqlalchemy import select

from portal.auth.models import Account
from portal.representation.context import ActingFor
from portal.representation.models import Measure
from portal.templating import elide
from tests.builders import create_assure, create_draft, create_period, create_representative_account
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_and_bind
from tests.pages import assert_page
from tests.representation.helpers import active

# What the pages say to the person about their own file, and must not say to someone acting for them.
SPOKEN_TO_THE_PERSON = (
    "votre carrière", "Votre carrière", "Ma carrière", "ma carrière", "Mes demandes", "Vos demandes", "vos droits",
    "Vos droits", "votre retraite", "Votre retraite", "ma retraite", "Vos enfants", "vos enfants", "Vos hypothèses",
    "Votre demande", "votre demande", "Vos repères", "Votre brouillon", "Votre explication", "vos employeurs",
    "Carrière de Anne", "Demandes de Anne",
)  # fmt: skip


@pytest.mark.parametrize(
    ("word", "following", "expected"),
    [
        ("de", "Anne-Sophie GIRARD", "d'Anne-Sophie GIRARD"),
        ("de", "Jean-Pierre MARTIN", "de Jean-Pierre MARTIN"),
        ("de", "Éric LE GALL", "d'Éric LE GALL"),
        ("De", "Hélène", "D'Hélène"),  # a mute h
        ("de", "Hongrie", "de Hongrie"),  # an h aspiré
        ("le", "hôpital", "l'hôpital"),
        ("la", "haute montagne", "la haute montagne"),
        ("de", "Yves", "d'Yves"),
        ("de", "Yann", "de Yann"),
        ("que", "il", "qu'il"),
        ("pour", "Anne", "pour Anne"),  # a word that never elides
    ],
)
def test_de_and_le_are_elided_before_a_vowel_or_a_mute_h(word, following, expected):
    assert elide(word, following) == expected


@pytest.fixture
def protected(db):
    assure = create_assure(identity="demo-anne-sophie-girard", caisse="CARSAT-RA")
    assure.period_id = create_period(assure, year=2015).period_id
    create_period(assure, year=2016)
    return assure


def _logged_in(client, db, sub: str) -> Account:
    login(client, sub)
    return db.session.execute(select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc())).scalar()


def _act_for(client, mandate) -> None:
    page = client.get("/mes-representations")
    response = client.post(f"/mes-representations/{mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303


def _main(response) -> str:
    text = assert_page(response)
    return text[text.index("<main") : text.index("</main>")]


def _page_wording(main: str) -> str:
    """The page's own wording: the simulator's explanations and limits are the rules engine's text, the same for
    the page, the API and the CLI, and are left out."""
    main = re.sub(r'<details class="portal-explanation".*?</details>', "", main, flags=re.S)
    return re.sub(r'<ul class="fr-callout__text fr-text--sm">.*?</ul>', "", main, flags=re.S)


def test_the_possessive_speaks_to_the_person_or_about_them(app, protected, agent):
    mandate = active(create_representative_account(), protected, agent=agent)
    template = (
        '{{ "la carrière"|possessive }} · {{ "Les droits"|possessive }} · {{ "de"|elide("la carrière"|possessive) }}'
    )
    with app.test_request_context():
        assert render_template_string(template, acting=None) == "votre carrière · Vos droits · de votre carrière"
        acting = ActingFor(mandate.representative, mandate)
        assert html.unescape(render_template_string(template, acting=acting)) == (
            "la carrière d'Anne-Sophie GIRARD · Les droits d'Anne-Sophie GIRARD · de la carrière d'Anne-Sophie GIRARD"
        )


def test_every_page_of_the_space_speaks_about_the_protected_person(client, db, protected, agent):
    mandate = active(_logged_in(client, db, "demo-jules-inconnu"), protected, agent=agent)
    _act_for(client, mandate)
    draft = create_draft(protected, actor=ActingFor(mandate.representative, mandate), period_ids=[protected.period_id])
    pages = {
        "/ma-carriere": "Carrière d'Anne-Sophie GIRARD",
        "/ma-carriere/a-verifier": "la carrière d'Anne-Sophie GIRARD",
        f"/ma-carriere/periodes/{protected.period_id}": "Carrière d'Anne-Sophie GIRARD",
        "/mes-demandes": "Demandes d'Anne-Sophie GIRARD",
        "/mes-demandes/nouvelle": "Demandes d'Anne-Sophie GIRARD",
        "/mes-demandes/nouvelle/duplicate": "Cochez les périodes de la carrière d'Anne-Sophie GIRARD",
        f"/mes-demandes/{draft.id}": "Le brouillon d'Anne-Sophie GIRARD n'est pas encore transmis",
        f"/mes-demandes/{draft.id}/effet-sur-ma-retraite": "Si la demande est acceptée",
        "/ma-retraite/simulation": "Simuler la retraite d'Anne-Sophie GIRARD",
    }
    for path, expected in pages.items():
        main = _main(client.get(path))
        assert expected in main, path
        said = [phrase for phrase in SPOKEN_TO_THE_PERSON if phrase in _page_wording(main)]
        assert not said, f"{path} says {said} to the representative"
    career = _main(client.get("/ma-carriere"))
    assert "La carrière d'Anne-Sophie GIRARD année par année" in career
    assert "Simuler sa retraite" in career


def test_the_person_still_reads_about_their_own_career(client, db, protected):
    login_and_bind(client, "demo-anne-sophie-girard")
    career = _main(client.get("/ma-carriere"))
    assert "<h1>Ma carrière</h1>" in career
    assert "Votre carrière année par année" in career
    assert "Anne-Sophie GIRARD" in career  # the lead line names the person, as before


@pytest.mark.parametrize(
    ("measure", "gender", "title"),
    [
        (Measure.TUTELLE, "female", "tutrice"),
        (Measure.TUTELLE, "male", "tuteur"),
        (Measure.CURATELLE_SIMPLE, "female", "curatrice"),
        (Measure.HABILITATION_REPRESENTATION, "female", "habilitée familiale"),
        (Measure.HABILITATION_ASSISTANCE, "male", "habilité familial"),
        (Measure.SAUVEGARDE, "female", "mandataire spéciale"),
        (Measure.MANDAT_PROTECTION_FUTURE, "female", "mandataire"),
    ],
)
def test_the_representatives_title_follows_their_sex(db, protected, agent, measure, gender, title):
    account = create_representative_account()
    account.pivot_identity = account.pivot_identity | {"gender": gender}
    mandate = active(account, protected, agent=agent, measure=measure, acts=["consulter"])
    assert mandate.representative_title == title
    assert ActingFor(account, mandate).display_name == f"Claire DUPONT, {title} d'Anne-Sophie GIRARD"


def test_the_title_comes_from_the_funds_record_when_the_pivot_does_not_say(db, protected, agent):
    own_file = create_assure(identity="demo-chloe-rousseau")
    account = Account(assure=own_file, pivot_identity={"email": "c@example.fr", "given_name": "Chloé"})
    db.session.add(account)
    db.session.flush()
    assert active(account, protected, agent=agent).representative_title == "tutrice"


def test_a_tutrice_reads_her_title_in_the_banner(client, db, protected, agent):
    mandate = active(_logged_in(client, db, "demo-chloe-rousseau"), protected, agent=agent)
    _act_for(client, mandate)
    page = text_of(client.get("/ma-carriere"))
    assert "en tant que tutrice (tutelle" in page
    assert "Carrière d'Anne-Sophie GIRARD" in page
