"""A term of demo activities for ``flask seed-demo``, placed relative to today.

At the two demo centres: a drop-in family café, a parent group with a small
capacity (one date nearly full, the next full with a waiting list), the
virtual coffee on Fridays 13-14 with a topic each date (the real autumn
schedule of seed 001), an every-other-week baby group run by an association
and a park activity run by the parish. Past dates have attendance marks and
head counts, so the figures page has something to show.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from core.database import begin_write
from core.timeutil import monday_of, to_local, utcnow
from core.tokens import new_reference
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre
from .models import (
    Activity,
    ActivityDate,
    ActivityKind,
    AgeGroup,
    Attendance,
    OrganiserKind,
    Registration,
    RegistrationStatus,
)
from .registration import Guardian, Party, register
from .series import Topic, add_dates, series_days

DEMO_ACTIVITIES = [
    {
        "key": "cafe",
        "fields": dict(
            title_sv="Familjecafé",
            title_fi="Perhekahvila",
            title_en="Family café",
            description_sv=(
                "Kom och träffa andra familjer över en kopp kaffe medan barnen leker. Familjecentrets personal är på "
                "plats och svarar gärna på frågor. Ingen anmälan behövs."
            ),
            description_fi=(
                "Tule tapaamaan muita perheitä kahvikupin ääreen, kun lapset leikkivät. Perhekeskuksen työntekijät "
                "ovat paikalla ja vastaavat mielellään kysymyksiin. Ilmoittautumista ei tarvita."
            ),
            description_en=(
                "Come and meet other families over a cup of coffee while the children play. The family centre's "
                "staff are there and happy to answer questions. No registration needed."
            ),
            kind=ActivityKind.FAMILY_CAFE,
            organiser_kind=OrganiserKind.MUNICIPALITY,
            place_sv="Gruppsalen, andra våningen",
            place_fi="Ryhmätila, toinen kerros",
            place_en="Group room, second floor",
            languages="sv fi",
            age_group=AgeGroup.ALL,
            registration_required=False,
        ),
        "centre": "konstfabriken",
        "leaders": ["sara.nystrom@famnen.example"],
        "weekday": 1,
        "start": time(9, 30),
        "end": time(11, 30),
        "every_weeks": 1,
    },
    {
        "key": "parents",
        "fields": dict(
            title_sv="Föräldragrupp för nyblivna föräldrar",
            title_fi="Vauvaperheiden vanhempainryhmä",
            title_en="Parent group for new parents",
            description_sv=(
                "En grupp för föräldrar till barn under ett år: sömn, mat, parrelationen och vardagen med en baby. "
                "Samma grupp träffas varje vecka under terminen. Ta gärna med babyn."
            ),
            description_fi=(
                "Ryhmä alle vuoden ikäisten lasten vanhemmille: uni, ruoka, parisuhde ja arki vauvan kanssa. Sama "
                "ryhmä kokoontuu joka viikko koko kauden. Vauvan voi ottaa mukaan."
            ),
            description_en=(
                "A group for parents of children under one: sleep, food, the couple relationship and everyday life "
                "with a baby. The same group meets every week during the term. Babies are welcome."
            ),
            kind=ActivityKind.PARENT_GROUP,
            organiser_kind=OrganiserKind.MUNICIPALITY,
            place_sv="Mötesrummet Lyktan",
            place_fi="Neuvotteluhuone Lyhty",
            place_en="Meeting room Lyktan",
            languages="sv fi",
            age_group=AgeGroup.BABIES,
            registration_required=True,
            capacity=12,
            waiting_list=True,
            registration_closes_hours=24,
        ),
        "centre": "gammelbacka",
        "leaders": ["johanna.korhonen@famnen.example"],
        "weekday": 2,
        "start": time(17),
        "end": time(18, 30),
        "every_weeks": 1,
    },
    {
        "key": "coffee",
        "fields": dict(
            title_sv="Virtuellt kaffe",
            title_fi="Virtuaalikahvit",
            title_en="Virtual coffee",
            description_sv=(
                "Vid de virtuella kaffestunderna får du tillsammans med andra lyssna, diskutera och fundera på "
                "aktualiteter inom servicen för barnfamiljer. Varje gång har sitt eget ämne. Länken till mötet får "
                "du när du har anmält dig."
            ),
            description_fi=(
                "Virtuaalikahveilla kuuntelet, keskustelet ja pohdit yhdessä muiden kanssa lapsiperheiden palvelujen "
                "ajankohtaisia asioita. Jokaisella kerralla on oma aiheensa. Saat linkin tapaamiseen "
                "ilmoittauduttuasi."
            ),
            description_en=(
                "At the virtual coffee you listen, talk and think together with others about current matters in "
                "services for families with children. Each time has its own topic. You get the link to the meeting "
                "when you have registered."
            ),
            kind=ActivityKind.VIRTUAL,
            organiser_kind=OrganiserKind.MUNICIPALITY,
            meeting_url="https://video.famnen.example/virtuellt-kaffe",
            languages="sv fi",
            age_group=AgeGroup.ALL,
            registration_required=True,
            capacity=None,
        ),
        "centre": None,
        "leaders": ["liisa.makinen@famnen.example"],
        "weekday": 4,
        "start": time(13),
        "end": time(14),
        "every_weeks": 4,
    },
    {
        "key": "babies",
        "fields": dict(
            title_sv="Babygrupp",
            title_fi="Vauvaryhmä",
            title_en="Baby group",
            description_sv=(
                "Lek, sång och samtal för babyer och deras föräldrar varannan torsdag. Diskussionen förs på finska. "
                "Föreningen bjuder på kaffe och te."
            ),
            description_fi=(
                "Leikkiä, laulua ja juttelua vauvoille ja heidän vanhemmilleen joka toinen torstai. Keskustelu "
                "käydään suomeksi. Yhdistys tarjoaa kahvit ja teet."
            ),
            description_en=(
                "Play, songs and conversation for babies and their parents every other Thursday. The conversation is "
                "in Finnish. The association offers coffee and tea."
            ),
            kind=ActivityKind.BABY_GROUP,
            organiser_kind=OrganiserKind.ASSOCIATION,
            organiser_name="Demokaupungin perheyhdistys ry",
            place_sv="Gruppsalen, andra våningen",
            place_fi="Ryhmätila, toinen kerros",
            place_en="Group room, second floor",
            languages="fi",
            age_group=AgeGroup.BABIES,
            registration_required=True,
            capacity=10,
            waiting_list=True,
            registration_closes_hours=2,
        ),
        "centre": "konstfabriken",
        "leaders": [],
        "weekday": 3,
        "start": time(10),
        "end": time(11, 30),
        "every_weeks": 2,
    },
    {
        "key": "park",
        "fields": dict(
            title_sv="Parkverksamhet",
            title_fi="Puistotoiminta",
            title_en="Park activity",
            description_sv=(
                "Lekar och sånger utomhus för barn under skolåldern och deras föräldrar. Klä dig efter vädret! Ingen "
                "anmälan behövs."
            ),
            description_fi=(
                "Leikkejä ja lauluja ulkona alle kouluikäisille lapsille ja heidän vanhemmilleen. Pukeudu sään "
                "mukaan! Ilmoittautumista ei tarvita."
            ),
            description_en=(
                "Games and songs outdoors for children under school age and their parents. Dress for the weather! No "
                "registration needed."
            ),
            kind=ActivityKind.PARK,
            organiser_kind=OrganiserKind.PARISH,
            organiser_name="Demostadens församling – Demokaupungin seurakunta",
            place_sv="Gammelbacka lekpark, vid biblioteket",
            place_fi="Gammelbackan leikkipuisto, kirjaston vieressä",
            place_en="Gammelbacka playground, next to the library",
            languages="sv fi",
            age_group=AgeGroup.PRESCHOOL,
            registration_required=False,
        ),
        "centre": "gammelbacka",
        "leaders": [],
        "weekday": 0,
        "start": time(10),
        "end": time(12),
        "every_weeks": 1,
    },
]

# The virtual coffee's topics, as on the family centre project's autumn schedule (seed 001).
COFFEE_TOPICS = [
    Topic(
        "Främjande av barns och ungas psykosociala välbefinnande i projektet Framtidens social- och hälsocentral i "
        "Österbotten",
        "Lasten ja nuorten psykososiaalisen hyvinvoinnin edistäminen Tulevaisuuden sosiaali- ja terveyskeskus "
        "-hankkeessa Pohjanmaalla",
        "Promoting the psychosocial wellbeing of children and young people in Ostrobothnia's Future Health and "
        "Social Services Centre project",
    ),
    Topic(
        "Utbildningssektorn som en del av familjecentret",
        "Opetustoimi osana perhekeskusta",
        "The education sector as part of the family centre",
    ),
    Topic(
        "Stödjande av föräldraskap ur en förälders perspektiv",
        "Vanhemmuuden tukeminen vanhemman näkökulmasta",
        "Supporting parenthood from a parent's point of view",
    ),
    Topic(
        "Förebyggande arbete inom servicen för barnfamiljer",
        "Ennaltaehkäisevä työ lapsiperheiden palveluissa",
        "Preventive work in services for families with children",
    ),
    Topic(
        "Sammanfattning av året och planer för nästa år",
        "Vuoden yhteenveto ja ensi vuoden suunnitelmat",
        "A summary of the year and plans for next year",
    ),
]

# (name, email, phone, language, adults, children)
FAMILIES = [
    ("Anna Lindholm", "anna.lindholm@example.com", "040 123 4501", "sv", 2, 1),
    ("Juha Heikkinen", "juha.heikkinen@example.com", "040 123 4502", "fi", 2, 1),
    ("Maria Sundström", "maria.sundstrom@example.com", "040 123 4503", "sv", 1, 1),
    ("Tiina Koskinen", "", "040 123 4504", "fi", 1, 1),
    ("Ahmed Ali", "ahmed.ali@example.com", "040 123 4505", "en", 2, 1),
    ("Sanna Laine", "sanna.laine@example.com", "040 123 4506", "fi", 1, 1),
    ("Erik Holm", "erik.holm@example.com", "040 123 4507", "sv", 1, 1),
    ("Laura Nieminen", "laura.nieminen@example.com", "040 123 4508", "fi", 1, 1),
]


def _first_weekday_from(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _create(spec: dict, centres: dict[str, Centre], users: dict[str, User], first: date, last: date) -> Activity:
    activity = Activity(**spec["fields"])
    activity.centre_id = centres[spec["centre"]].id if spec["centre"] else None
    activity.leaders = [users[email] for email in spec["leaders"] if email in users]
    db.session.add(activity)
    db.session.flush()
    days = series_days(_first_weekday_from(first, spec["weekday"]), last, spec["every_weeks"], skip_holidays=True)
    add_dates(activity, days, spec["start"], spec["end"])
    return activity


def _dates(activity: Activity) -> list[ActivityDate]:
    return list(
        db.session.scalars(
            select(ActivityDate).where(ActivityDate.activity_id == activity.id).order_by(ActivityDate.starts_at)
        )
    )


def _record_past(activity: Activity, now) -> None:
    """Past dates: head counts, and for registration activities families who came or did not."""
    for number, past in enumerate(item for item in _dates(activity) if item.starts_at <= now):
        past.visitors_adults = 6 + number % 4
        past.visitors_children = 8 + (number * 3) % 5
        if not activity.registration_required:
            continue
        for arrival, (name, email, phone, language, adults, children) in enumerate(FAMILIES[:4], start=1):
            db.session.add(
                Registration(
                    date_id=past.id,
                    arrival=arrival,
                    status=RegistrationStatus.CONFIRMED,
                    adults=adults,
                    children=children,
                    guardian_name=name,
                    guardian_email=email,
                    guardian_phone=phone,
                    language=language,
                    reference=new_reference(),
                    created_at=past.starts_at - timedelta(days=3),
                    attendance=Attendance.NO_SHOW if arrival == 4 else Attendance.ATTENDED,
                )
            )


def _cancel_park_dates(park: Activity, now) -> None:
    """One past park date was rained off, and one coming date is cancelled, so both show."""
    dates = _dates(park)
    past = [item for item in dates if item.starts_at <= now]
    coming = [item for item in dates if item.starts_at > now + timedelta(days=7)]
    for item, reason in (
        (past[-1] if past else None, "Storm / Myrsky"),
        (coming[0] if coming else None, "Ledarna är på utbildning. / Ohjaajat ovat koulutuksessa."),
    ):
        if item is not None:
            item.cancelled, item.cancel_reason, item.cancelled_at = True, reason, now
            item.visitors_adults = item.visitors_children = None
            item.sequence += 1


def _register_families(activity_date: ActivityDate, families: list[tuple], staff: User | None) -> None:
    """Register families through the real rules (places and waiting list), as reception would."""
    for name, email, phone, language, adults, children in families:
        begin_write(db.session)
        register(
            activity_date.id,
            Party(adults, children),
            Guardian(name, email, phone, language),
            utcnow(),
            registered_by=staff,
        )


def seed_activities() -> int:
    """Create the demo term of activities, unless there are activities already; return how many records were made."""
    if db.session.scalar(select(func.count()).select_from(Activity)):
        return 0
    now = utcnow()
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    users = {user.email: user for user in db.session.scalars(select(User))}
    if not {"konstfabriken", "gammelbacka"} <= set(centres):
        return 0
    first = monday_of(to_local(now).date()) - timedelta(weeks=4)
    last = first + timedelta(weeks=17)
    activities = {spec["key"]: _create(spec, centres, users, first, last) for spec in DEMO_ACTIVITIES}
    for item, topic in zip(_dates(activities["coffee"]), COFFEE_TOPICS, strict=False):
        item.topic_sv, item.topic_fi, item.topic_en = topic.sv, topic.fi, topic.en
    for activity in activities.values():
        _record_past(activity, now)
    _cancel_park_dates(activities["park"], now)
    db.session.commit()

    reception = users.get("pia.holmstrom@famnen.example")
    soon = [item for item in _dates(activities["parents"]) if item.starts_at > now + timedelta(days=2)]
    if len(soon) >= 2:
        _register_families(soon[0], FAMILIES[:4], reception)  # 10 of 12 places: nearly full
        _register_families(soon[1], FAMILIES[:4] + FAMILIES[5:8], reception)  # all 12 places, two families waiting
    babies = [item for item in _dates(activities["babies"]) if item.starts_at > now + timedelta(days=1)]
    if babies:
        _register_families(babies[0], [FAMILIES[1], FAMILIES[3], FAMILIES[5]], reception)
    db.session.commit()
    return (
        db.session.scalar(select(func.count()).select_from(ActivityDate))
        + db.session.scalar(select(func.count()).select_from(Registration))
        + len(activities)
    )
