"""Demo family centres and services for ``flask seed-demo``."""

from __future__ import annotations

from sqlalchemy import select

from extensions import db

from .models import Centre, Service

DEMO_CENTRES = [
    {
        "slug": "konstfabriken",
        "name_sv": "Familjecentret Konstfabriken",
        "name_fi": "Perhekeskus Taidetehdas",
        "name_en": "Konstfabriken Family Centre",
        "street_address": "Konstfabriksgatan 1",
        "postal_code": "06100",
        "city_sv": "Demostad",
        "city_fi": "Demokaupunki",
        "city_en": "Demo Town",
        "phone": "+358 19 520 1000",
        "email": "konstfabriken@famnen.example",
        "team_email": "team.konstfabriken@famnen.example",
        "directions_sv": "Ingång från gården, andra våningen. Bussarna 1 och 5 stannar vid Konstfabriken.",
        "directions_fi": "Sisäänkäynti pihan puolelta, toinen kerros. Bussit 1 ja 5 pysähtyvät Taidetehtaan kohdalla.",
        "directions_en": "Entrance from the courtyard, second floor. Buses 1 and 5 stop at Konstfabriken.",
        "accessibility_sv": (
            "Hiss och tillgänglig toalett. Plats för barnvagnar vid ingången. Induktionsslinga i gruppsalen."
        ),
        "accessibility_fi": (
            "Hissi ja esteetön wc. Lastenvaunuille paikka sisäänkäynnin luona. Ryhmätilassa induktiosilmukka."
        ),
        "accessibility_en": "Lift and accessible toilet. Pram parking at the entrance. Hearing loop in the group room.",
    },
    {
        "slug": "gammelbacka",
        "name_sv": "Gammelbacka familjecenter",
        "name_fi": "Gammelbackan perhekeskus",
        "name_en": "Gammelbacka Family Centre",
        "street_address": "Gammelbackavägen 12",
        "postal_code": "06400",
        "city_sv": "Demostad",
        "city_fi": "Demokaupunki",
        "city_en": "Demo Town",
        "phone": "+358 19 520 2000",
        "email": "gammelbacka@famnen.example",
        "team_email": "team.gammelbacka@famnen.example",
        "directions_sv": "I samma hus som Gammelbacka bibliotek, ingång från parkeringen.",
        "directions_fi": "Samassa rakennuksessa kuin Gammelbackan kirjasto, sisäänkäynti parkkipaikan puolelta.",
        "directions_en": "In the same building as Gammelbacka library, entrance from the car park.",
        "accessibility_sv": "Allt på gatunivå, automatisk dörr. Tillgänglig toalett med skötbord.",
        "accessibility_fi": "Kaikki katutasossa, automaattiovi. Esteetön wc ja hoitopöytä.",
        "accessibility_en": "All on street level, automatic door. Accessible toilet with changing table.",
    },
]

DEMO_SERVICES = [
    {
        "slug": "radgivning",
        "name_sv": "Barnrådgivning",
        "name_fi": "Lastenneuvola",
        "name_en": "Child health clinic",
        "description_sv": "Hälsovårdaren följer barnets växt, utveckling och hälsa och stöder hela familjen.",
        "description_fi": "Terveydenhoitaja seuraa lapsen kasvua, kehitystä ja terveyttä ja tukee koko perhettä.",
        "description_en": (
            "The public health nurse follows the child's growth, development and health and supports the whole family."
        ),
    },
    {
        "slug": "talterapi",
        "name_sv": "Talterapi",
        "name_fi": "Puheterapia",
        "name_en": "Speech therapy",
        "description_sv": "Stöd när barnets tal, språk eller kommunikation väcker frågor.",
        "description_fi": "Tukea, kun lapsen puhe, kieli tai vuorovaikutus herättää kysymyksiä.",
        "description_en": "Support when a child's speech, language or communication raises questions.",
    },
    {
        "slug": "familjeradgivning",
        "name_sv": "Familjerådgivning",
        "name_fi": "Perheneuvola",
        "name_en": "Family counselling",
        "description_sv": "Samtal om uppfostran, familjens vardag och barnets känslor och beteende.",
        "description_fi": "Keskusteluja kasvatuksesta, perheen arjesta sekä lapsen tunteista ja käyttäytymisestä.",
        "description_en": "Conversations about parenting, family life and a child's feelings and behaviour.",
    },
    {
        "slug": "psykolog",
        "name_sv": "Psykolog",
        "name_fi": "Psykologi",
        "name_en": "Psychologist",
        "description_sv": "Bedömning och stöd för barnets utveckling och psykiska välbefinnande.",
        "description_fi": "Arviointia ja tukea lapsen kehitykseen ja psyykkiseen hyvinvointiin.",
        "description_en": "Assessment and support for a child's development and mental wellbeing.",
    },
    {
        "slug": "socialarbete",
        "name_sv": "Barn- och familjespecifikt socialarbete",
        "name_fi": "Lapsi- ja perhekohtainen sosiaalityö",
        "name_en": "Social work for children and families",
        "description_sv": "Socialarbetaren hjälper när familjen behöver mer stöd i vardagen.",
        "description_fi": "Sosiaalityöntekijä auttaa, kun perhe tarvitsee enemmän tukea arkeen.",
        "description_en": "The social worker helps when a family needs more support in everyday life.",
    },
    {
        "slug": "coachsamtal",
        "name_sv": "Första samtalet med coachen (Kraftfamiljer)",
        "name_fi": "Ensimmäinen puhelu valmentajan kanssa (Voimaperheet)",
        "name_en": "First call with the coach (Strongest Families)",
        "description_sv": "Coachen ringer och berättar hur föräldraträningen på nätet går till.",
        "description_fi": "Valmentaja soittaa ja kertoo, miten verkossa toteutettava vanhemmuusohjelma etenee.",
        "description_en": "The coach calls you and explains how the online parent training works.",
        "reserved": True,
        "offered_for_outcome": "parent_training_offer",
    },
]


def _ensure(model, rows: list[dict]) -> int:
    """Insert the rows whose slug is not there yet; return how many were created."""
    existing = set(db.session.scalars(select(model.slug)))
    missing = [row for row in rows if row["slug"] not in existing]
    db.session.add_all(model(**row) for row in missing)
    return len(missing)


def seed_organisation() -> int:
    """Create the demo centres and services that do not exist yet."""
    return _ensure(Centre, DEMO_CENTRES) + _ensure(Service, DEMO_SERVICES)
