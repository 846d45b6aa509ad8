"""Nothing a request does may change what the next request gets: the forms' widgets are class attributes shared by
every form of the process, so a field that changes its widget changes every page after it (issue 10: after anyone
opened « Simuler ma retraite », every date field of every form became a month picker until restart)."""

import importlib
import pkgutil
import re

import pytest
import wtforms
from wtforms import Form
from wtforms.fields import Field

import portal
from tests.backoffice.helpers import filed_request
from tests.builders import create_agent, create_assure, create_period
from tests.conftest import csrf_token
from tests.fc import login_agent, login_and_bind

CAMILLE = ("demo-agent-camille-durand", "camille.durand@carsat-ra.example.fr")
INPUT_RE = re.compile(r"<input[^>]*>")


def input_type(html: str, field_id: str) -> str:
    tag = next(tag for tag in INPUT_RE.findall(html) if f'id="{field_id}"' in tag)
    return re.search(r'type="([^"]+)"', tag).group(1)


@pytest.fixture
def assure(db):

    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2012)
    return assure


def test_after_the_simulator_every_other_date_field_is_still_a_date_picker(app, db, assure):
    citizen = app.test_client()
    assert login_and_bind(citizen).status_code == 303
    simulator = citizen.get("/ma-retraite/simulation")
    assert simulator.status_code == 200
    assert input_type(simulator.text, "first-departure") == "month"
    assert input_type(simulator.text, "first-work_until") == "date"

    draft_form = citizen.get("/mes-demandes/nouvelle/missing_period")
    assert input_type(draft_form.text, "start_date") == "date"
    assert input_type(draft_form.text, "end_date") == "date"
    mandate_form = citizen.get("/mes-representations/nouvelle")
    for field_id in ("birth_date", "decision_date", "start_date", "end_date"):
        assert input_type(mandate_form.text, field_id) == "date", field_id

    create_agent(CAMILLE[1], "technicien")
    signalement = filed_request(assure, today=portal.clock.today())
    agent = app.test_client()
    assert login_agent(agent, CAMILLE[0]).status_code == 303
    page = agent.get(f"/espace-agents/demandes/{signalement.id}")
    taken = agent.post(f"/espace-agents/demandes/{signalement.id}/prendre", data={"csrf_token": csrf_token(page.text)})
    assert taken.status_code == 303
    request_page = agent.get(f"/espace-agents/demandes/{signalement.id}")
    assert input_type(request_page.text, "due_date") == "date"
    # The simulator itself, asked again, still has its month picker and its date fields.
    again = citizen.get("/ma-retraite/simulation")
    assert input_type(again.text, "first-departure") == "month"
    assert input_type(again.text, "second-stop_start") == "date"


def _portal_forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(".forms") or ".forms." in module.name:
            importlib.import_module(module.name)
    found, pending = [], [Form]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("portal."):
                found.append(subclass)
    return found


def _shared_widgets() -> dict[tuple[str, str], dict]:
    """Every widget held by a field class (WTForms' and the portal's), with its attributes as they are now."""
    classes, pending = set(), [Field]
    while pending:
        cls = pending.pop()
        classes.add(cls)
        pending.extend(cls.__subclasses__())
    state = {}
    for cls in classes:
        for name in ("widget", "option_widget"):
            widget = cls.__dict__.get(name)
            if widget is not None:
                state[(f"{cls.__module__}.{cls.__qualname__}", name)] = {
                    **vars(widget),
                    "input_type": getattr(widget, "input_type", None),
                }
    return state


def test_no_form_of_the_portal_changes_a_widget_that_other_forms_share(app):
    forms = _portal_forms()
    assert any(form.__module__ == "portal.simulator.forms" for form in forms)
    before = _shared_widgets()
    assert before[(f"{wtforms.DateField.__module__}.DateField", "widget")] == {"input_type": "date"}
    with app.test_request_context("/", method="POST", data={}):
        for form_class in forms:
            form = form_class(meta={"csrf": False})
            for field in form:
                if getattr(field, "choices", ()) is None:
                    continue  # a select whose choices the view sets: nothing to draw without them
                field()
    assert _shared_widgets() == before
