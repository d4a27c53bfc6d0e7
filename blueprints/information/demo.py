"""Demo information articles for ``flask seed-demo``: short, plain texts in Swedish, Finnish and English.

They follow mainstream Finnish and international guidance and send families to
their family centre for anything about their own child.
"""

from __future__ import annotations

from sqlalchemy import select

from extensions import db

from .models import Article
from .search import index_article

# slug: (topic, audiences, (age from, age to), {language: (title, summary, body)})
ARTICLES = {
    "somn-hos-sma-barn": (
        "sleep",
        "families",
        (0, 6),
        {
            "sv": (
                "Sömn hos små barn",
                "Hur mycket sover ett barn, och vad hjälper när nätterna är oroliga?",
                "Små barn sover mycket, men sällan hela natten i ett sträck. Att ett barn vaknar på natten är vanligt "
                "och går oftast över med åldern.\n\n"
                "## Det här hjälper många familjer\n"
                "- samma tider för att gå och lägga sig och vakna, också på helgen\n"
                "- en lugn kväll: bad, saga, sång, dämpat ljus\n"
                "- skärmar av en stund före sänggåendet\n"
                "- frisk luft och rörelse under dagen\n\n"
                "En baby sover tryggast på rygg i en egen säng utan kuddar och lösa filtar.\n\n"
                "Om barnets sömn oroar dig eller om ni är utmattade av vaknätterna, fråga på rådgivningen eller i "
                "rådgivningens chatt.",
            ),
            "fi": (
                "Pienen lapsen uni",
                "Paljonko lapsi nukkuu, ja mikä auttaa, kun yöt ovat levottomia?",
                "Pieni lapsi nukkuu paljon, mutta harvoin koko yötä yhteen menoon. Yöllä heräily on tavallista ja "
                "vähenee yleensä iän myötä.\n\n"
                "## Tämä auttaa monia perheitä\n"
                "- samat nukkumaanmeno- ja heräämisajat, myös viikonloppuna\n"
                "- rauhallinen ilta: kylpy, satu, laulu, himmeä valo\n"
                "- ruudut pois hetki ennen nukkumaanmenoa\n"
                "- ulkoilua ja liikettä päivällä\n\n"
                "Vauva nukkuu turvallisimmin selällään omassa sängyssään ilman tyynyjä ja irtopeittoja.\n\n"
                "Jos lapsen uni huolestuttaa tai valvominen uuvuttaa, kysy neuvolasta tai neuvolan chatista.",
            ),
            "en": (
                "Sleep in young children",
                "How much does a child sleep, and what helps when nights are restless?",
                "Young children sleep a lot, but rarely through the whole night. Waking at night is common and "
                "usually eases as the child grows.\n\n"
                "## What helps many families\n"
                "- the same times for going to bed and getting up, at weekends too\n"
                "- a calm evening: bath, story, song, dim light\n"
                "- screens off for a while before bedtime\n"
                "- fresh air and moving about during the day\n\n"
                "A baby sleeps most safely on their back in their own bed, without pillows or loose blankets.\n\n"
                "If your child's sleep worries you or the wakeful nights wear you out, ask at the child health "
                "clinic or in its chat.",
            ),
        },
    ),
    "mat-och-maltider": (
        "feeding",
        "families",
        (0, 6),
        {
            "sv": (
                "Mat och måltider för småbarn",
                "Regelbundna måltider och lugn vid bordet hjälper barnet att äta.",
                "Barnet lär sig äta i sin egen takt. Den vuxna bestämmer vad som serveras och när, barnet bestämmer "
                "hur mycket det äter.\n\n"
                "- ät regelbundet, ungefär var tredje timme\n"
                "- ät tillsammans när det går, utan skärmar vid bordet\n"
                "- erbjud ny mat många gånger: det kan ta tio försök innan barnet tycker om den\n"
                "- tvinga inte och använd inte mat som belöning\n\n"
                "Det är vanligt att småbarn är kräsna en tid. Om du funderar på barnets ätande, vikt eller "
                "tillväxt, eller på när och hur barnet ska börja med fast föda, fråga på rådgivningen.",
            ),
            "fi": (
                "Pikkulapsen ruokailu",
                "Säännölliset ateriat ja rauhallinen ruokapöytä auttavat lasta syömään.",
                "Lapsi oppii syömään omaan tahtiinsa. Aikuinen päättää, mitä ja milloin syödään, lapsi päättää, "
                "paljonko hän syö.\n\n"
                "- syökää säännöllisesti, noin kolmen tunnin välein\n"
                "- syökää yhdessä aina kun voitte, ilman ruutuja ruokapöydässä\n"
                "- tarjoa uutta ruokaa monta kertaa: maistamiseen voi mennä kymmenen kertaa\n"
                "- älä pakota äläkä käytä ruokaa palkintona\n\n"
                "On tavallista, että pikkulapsi on jonkin aikaa nirso. Jos lapsen syöminen, paino tai kasvu "
                "mietityttää tai haluat tietää kiinteiden ruokien aloittamisesta, kysy neuvolasta.",
            ),
            "en": (
                "Food and meals for young children",
                "Regular meals and a calm table help a child to eat.",
                "Children learn to eat at their own pace. The adult decides what is served and when; the child "
                "decides how much to eat.\n\n"
                "- eat regularly, about every three hours\n"
                "- eat together when you can, without screens at the table\n"
                "- offer new food many times: it can take ten tries before a child likes it\n"
                "- do not force, and do not use food as a reward\n\n"
                "Many toddlers are fussy eaters for a while. If you wonder about your child's eating, weight or "
                "growth, or about starting solid food, ask at the child health clinic.",
            ),
        },
    ),
    "nar-barnet-far-ett-utbrott": (
        "behaviour",
        "families",
        (1, 6),
        {
            "sv": (
                "När barnet får ett utbrott",
                "Ilska och trots hör till småbarnsåren. Så kan du hjälpa barnet och dig själv.",
                "Utbrott är vanligast mellan ungefär ett och fyra års ålder. Barnet har starka känslor men kan ännu "
                "inte styra dem. Det är inte illvilja.\n\n"
                "## Under utbrottet\n"
                "- håll dig lugn och stanna nära; se till att ingen skadar sig\n"
                '- sätt ord på känslan: "Du blev arg för att vi måste gå."\n'
                "- gräla inte och förklara inte långt just då\n\n"
                "## Efteråt och i vardagen\n"
                "Trösta och gå vidare. Hunger, trötthet och snabba övergångar gör utbrott vanligare: säg till i god "
                "tid innan något tar slut, och beröm när något går bra.\n\n"
                "Om utbrotten är mycket täta eller gör vardagen tung, fråga familjecentret. Det finns stöd och "
                "föräldraprogram för just det här.",
            ),
            "fi": (
                "Kun lapsi kiukuttelee",
                "Kiukku ja uhma kuuluvat pikkulapsivuosiin. Näin voit auttaa lasta ja itseäsi.",
                "Kiukkukohtaukset ovat tavallisimpia noin yhden ja neljän ikävuoden välillä. Lapsella on voimakkaita "
                "tunteita, mutta hän ei vielä osaa säädellä niitä. Kyse ei ole pahantahtoisuudesta.\n\n"
                "## Kiukun aikana\n"
                "- pysy rauhallisena ja lähellä; huolehdi, ettei kukaan satu\n"
                '- sanoita tunne: "Sinua suututti, kun piti lähteä."\n'
                "- älä riitele äläkä selitä pitkästi juuri silloin\n\n"
                "## Jälkeenpäin ja arjessa\n"
                "Lohduta ja jatkakaa eteenpäin. Nälkä, väsymys ja äkilliset siirtymät lisäävät kiukkua: kerro hyvissä "
                "ajoin, kun jokin on loppumassa, ja kehu, kun jokin sujuu.\n\n"
                "Jos kiukkukohtauksia on hyvin usein tai ne kuormittavat arkea, kysy perhekeskuksesta. Tähän on "
                "tarjolla tukea ja vanhempainohjelmia.",
            ),
            "en": (
                "When your child has a tantrum",
                "Anger and defiance are part of the toddler years. Here is how you can help your child and yourself.",
                "Tantrums are most common between about one and four years of age. The child has strong feelings "
                "but cannot yet control them. It is not naughtiness.\n\n"
                "## During the tantrum\n"
                "- stay calm and close; make sure nobody gets hurt\n"
                '- name the feeling: "You got angry because we have to leave."\n'
                "- do not argue or explain at length just then\n\n"
                "## Afterwards and every day\n"
                "Comfort and move on. Hunger, tiredness and sudden changes make tantrums more likely: say in good "
                "time when something is about to end, and praise what goes well.\n\n"
                "If tantrums are very frequent or weigh on everyday life, ask the family centre. There is support, "
                "and parent training programmes for exactly this.",
            ),
        },
    ),
    "skarmtid-i-familjen": (
        "media",
        "families young",
        (0, 12),
        {
            "sv": (
                "Skärmtid i familjen",
                "Gemensamma regler gör skärmarna lättare att hantera för hela familjen.",
                "Skärmar hör till vardagen, men små barn lär sig mest av lek, rörelse och av att prata med vuxna. "
                "Världshälsoorganisationen WHO rekommenderar ingen stillasittande skärmtid för barn under två år "
                "och högst en timme om dagen för två- till fyraåringar.\n\n"
                "- titta tillsammans och prata om det ni ser\n"
                "- inga skärmar vid maten eller den sista stunden före sänggåendet\n"
                "- kom överens om familjens regler och skriv gärna upp dem\n"
                "- tänk också på de vuxnas egen användning\n\n"
                "Om skärmarna orsakar bråk varje dag, kan familjecentret hjälpa er att hitta regler som fungerar.",
            ),
            "fi": (
                "Ruutuaika perheessä",
                "Yhteiset säännöt helpottavat koko perheen ruutujen käyttöä.",
                "Ruudut kuuluvat arkeen, mutta pieni lapsi oppii eniten leikistä, liikkumisesta ja aikuisen kanssa "
                "puhumisesta. Maailman terveysjärjestö WHO ei suosittele alle kaksivuotiaille lainkaan paikallaan "
                "istuen vietettyä ruutuaikaa ja 2–4-vuotiaille enintään tunnin päivässä.\n\n"
                "- katsokaa yhdessä ja jutelkaa näkemästänne\n"
                "- ei ruutuja ruokapöydässä eikä viimeisenä hetkenä ennen nukkumaanmenoa\n"
                "- sopikaa perheen säännöt ja kirjoittakaa ne vaikka ylös\n"
                "- muistakaa myös aikuisten oma käyttö\n\n"
                "Jos ruuduista riidellään joka päivä, perhekeskus voi auttaa löytämään toimivat säännöt.",
            ),
            "en": (
                "Screen time in the family",
                "Shared rules make screens easier for the whole family.",
                "Screens are part of everyday life, but young children learn most from play, moving about and "
                "talking with adults. The World Health Organization (WHO) recommends no sedentary screen time for "
                "children under two and at most an hour a day for two- to four-year-olds.\n\n"
                "- watch together and talk about what you see\n"
                "- no screens at meals or in the last while before bedtime\n"
                "- agree on family rules, and perhaps write them down\n"
                "- think about the adults' own use too\n\n"
                "If screens cause quarrels every day, the family centre can help you find rules that work.",
            ),
        },
    ),
    "nar-vardagen-kanns-tung": (
        "family_life",
        "families",
        (None, None),
        {
            "sv": (
                "När vardagen känns tung",
                "Trötthet och oro hör till livet med barn. Be om hjälp i tid.",
                "Vaknätter, sjukdomar och brådska tar på krafterna. Det är vanligt att föräldrar ibland känner sig "
                "trötta, irriterade eller ensamma.\n\n"
                "- dela på sysslorna och turas om att vila\n"
                "- ta emot hjälp av släkt och vänner\n"
                "- träffa andra familjer, till exempel på familjecentrets träffpunkter\n"
                "- prata med varandra om hur ni mår\n\n"
                "Om nedstämdheten inte går över på ett par veckor, eller om du inte orkar med vardagen, kontakta "
                "rådgivningen eller familjerådgivningen. Du kan också skriva i chatten.\n\n"
                "Om du är rädd att du kan skada dig själv eller barnet, ring 112.",
            ),
            "fi": (
                "Kun arki tuntuu raskaalta",
                "Väsymys ja huoli kuuluvat lapsiperheen elämään. Pyydä apua ajoissa.",
                "Valvotut yöt, sairastelu ja kiire vievät voimia. On tavallista, että vanhempi tuntee itsensä "
                "välillä väsyneeksi, ärtyneeksi tai yksinäiseksi.\n\n"
                "- jakakaa kotityöt ja levätkää vuorotellen\n"
                "- ottakaa apua vastaan sukulaisilta ja ystäviltä\n"
                "- tavatkaa muita perheitä, esimerkiksi perhekeskuksen kohtaamispaikoissa\n"
                "- puhukaa keskenänne siitä, miltä tuntuu\n\n"
                "Jos alakulo ei mene ohi parissa viikossa tai arki ei jaksa sujua, ota yhteyttä neuvolaan tai "
                "perheneuvolaan. Voit myös kirjoittaa chattiin.\n\n"
                "Jos pelkäät vahingoittavasi itseäsi tai lasta, soita 112.",
            ),
            "en": (
                "When everyday life feels heavy",
                "Tiredness and worry are part of life with children. Ask for help in good time.",
                "Sleepless nights, illnesses and rush drain your strength. It is common for parents to feel tired, "
                "irritable or lonely at times.\n\n"
                "- share the chores and take turns to rest\n"
                "- accept help from relatives and friends\n"
                "- meet other families, for example at the family centre's meeting places\n"
                "- talk with each other about how you feel\n\n"
                "If low mood does not pass in a couple of weeks, or you cannot cope with everyday life, contact the "
                "child health clinic or family counselling. You can also write in the chat.\n\n"
                "If you are afraid you might hurt yourself or your child, call 112.",
            ),
        },
    ),
    "for-unga-nar-det-kanns-svart": (
        "relationships",
        "young",
        (13, 18),
        {
            "sv": (
                "För unga: när det känns svårt",
                "Stress, bråk hemma eller en tung känsla som inte går över? Du behöver inte klara det ensam.",
                "Alla har ibland dåliga dagar. Men om du länge känner dig ledsen, orolig eller arg, eller om det är "
                "svårt hemma, i skolan eller med kompisar, lönar det sig att prata med någon.\n\n"
                "- en vuxen du litar på: en förälder, en släkting, en lärare eller en tränare\n"
                "- skolhälsovårdaren eller skolkuratorn\n"
                "- familjecentret: du kan chatta anonymt eller boka en tid själv\n\n"
                "Att be om hjälp är modigt. Om du är i fara eller tänker skada dig själv, ring 112.",
            ),
            "fi": (
                "Nuorelle: kun on vaikeaa",
                "Stressiä, riitoja kotona tai raskas olo, joka ei mene ohi? Sinun ei tarvitse pärjätä yksin.",
                "Kaikilla on joskus huonoja päiviä. Jos olet pitkään surullinen, huolissasi tai vihainen, tai jos "
                "kotona, koulussa tai kavereiden kanssa on vaikeaa, kannattaa puhua jonkun kanssa.\n\n"
                "- aikuinen, johon luotat: vanhempi, sukulainen, opettaja tai valmentaja\n"
                "- kouluterveydenhoitaja tai koulukuraattori\n"
                "- perhekeskus: voit chatata nimettömänä tai varata ajan itse\n\n"
                "Avun pyytäminen on rohkeaa. Jos olet vaarassa tai ajattelet vahingoittaa itseäsi, soita 112.",
            ),
            "en": (
                "For young people: when things are hard",
                "Stress, rows at home or a heavy feeling that does not go away? You do not have to cope alone.",
                "Everyone has bad days sometimes. But if you feel sad, worried or angry for a long time, or things "
                "are hard at home, at school or with friends, it helps to talk to someone.\n\n"
                "- an adult you trust: a parent, a relative, a teacher or a coach\n"
                "- the school nurse or school social worker\n"
                "- the family centre: you can chat anonymously or book a time yourself\n\n"
                "Asking for help takes courage. If you are in danger or thinking of hurting yourself, call 112.",
            ),
        },
    ),
    "att-hanvisa-en-familj": (
        "services",
        "professionals",
        (None, None),
        {
            "sv": (
                "Att hänvisa en familj till familjecentret",
                "För yrkespersoner i dagvård, skola och hälsovård: så hittar familjen rätt hjälp.",
                "Familjecentret samlar rådgivningen, talterapi, psykologer, familjerådgivning och socialarbete. "
                "Familjer kan boka tid, anmäla sig till gruppverksamhet och chatta själva på den här webbplatsen, "
                "utan konto.\n\n"
                "## Så kan du hjälpa\n"
                "1. Ta upp din oro med familjen, sakligt och med barnets vardag och styrkor i fokus.\n"
                "2. Berätta vad familjecentret erbjuder och visa adressen till den här sidan.\n"
                "3. Kom överens med familjen om vem som tar kontakt. Med vårdnadshavarens samtycke kan du kontakta "
                "familjecentret tillsammans med familjen.\n\n"
                "Om du är orolig för ett barns säkerhet gäller din skyldighet att göra en barnskyddsanmälan, "
                "oberoende av den här vägen.",
            ),
            "fi": (
                "Perheen ohjaaminen perhekeskukseen",
                "Varhaiskasvatuksen, koulun ja terveydenhuollon ammattilaisille: näin perhe löytää oikean avun.",
                "Perhekeskus kokoaa yhteen neuvolan, puheterapian, psykologit, perheneuvolan ja sosiaalityön. "
                "Perheet voivat tällä sivustolla itse varata ajan, ilmoittautua ryhmätoimintaan ja chatata ilman "
                "tunnuksia.\n\n"
                "## Näin voit auttaa\n"
                "1. Ota huolesi puheeksi perheen kanssa asiallisesti, lapsen arki ja vahvuudet edellä.\n"
                "2. Kerro, mitä perhekeskus tarjoaa, ja näytä tämän sivuston osoite.\n"
                "3. Sopikaa, kuka ottaa yhteyttä. Huoltajan suostumuksella voit ottaa yhteyttä perhekeskukseen "
                "yhdessä perheen kanssa.\n\n"
                "Jos olet huolissasi lapsen turvallisuudesta, velvollisuutesi tehdä lastensuojeluilmoitus on "
                "voimassa tästä riippumatta.",
            ),
            "en": (
                "Referring a family to the family centre",
                "For professionals in early childhood education, schools and health care: how a family finds the "
                "right help.",
                "The family centre brings together the child health clinic, speech therapy, psychologists, family "
                "counselling and social work. Families can book a time, sign up for group activities and chat on "
                "this website themselves, without an account.\n\n"
                "## How you can help\n"
                "1. Raise your concern with the family, factually, with the child's everyday life and strengths "
                "first.\n"
                "2. Tell them what the family centre offers and show them the address of this website.\n"
                "3. Agree who makes contact. With the guardian's consent you can contact the family centre "
                "together with the family.\n\n"
                "If you are worried about a child's safety, your duty to make a child welfare notification applies "
                "regardless of this route.",
            ),
        },
    ),
    "prata-och-las-med-barnet": (
        "development",
        "families",
        (0, 6),
        {
            "sv": (
                "Prata, sjung och läs med barnet",
                "Barnet lär sig tala genom att höra språk och bli lyssnat på, varje dag.",
                "Språket växer i vardagen: när du pratar om det ni gör, svarar på barnets ljud och ord, sjunger och "
                "läser tillsammans. Det behövs inga särskilda övningar.\n\n"
                "- ge barnet tid att svara, också utan ord\n"
                "- läs en stund varje dag, gärna samma bok många gånger\n"
                "- i en flerspråkig familj kan var och en tala sitt eget språk med barnet\n\n"
                "Om du funderar på barnets tal eller språk, fråga på rådgivningen eller i talterapeutens chatt.",
            ),
            "fi": (
                "Puhu, laula ja lue lapsen kanssa",
                "Lapsi oppii puhumaan kuulemalla kieltä ja tulemalla kuulluksi, joka päivä.",
                "Kieli kasvaa arjessa: kun kerrot, mitä olette tekemässä, vastaat lapsen ääntelyyn ja sanoihin, "
                "laulat ja luet yhdessä. Erityisiä harjoituksia ei tarvita.\n\n"
                "- anna lapselle aikaa vastata, myös ilman sanoja\n"
                "- lukekaa hetki joka päivä, vaikka samaa kirjaa monta kertaa\n"
                "- monikielisessä perheessä kukin voi puhua lapselle omaa kieltään\n\n"
                "Jos lapsen puhe tai kieli mietityttää, kysy neuvolasta tai puheterapeutin chatista.",
            ),
            "en": (
                "Talk, sing and read with your child",
                "Children learn to talk by hearing language and being listened to, every day.",
                "Language grows in everyday life: when you talk about what you are doing, answer your child's "
                "sounds and words, sing and read together. No special exercises are needed.\n\n"
                "- give your child time to answer, without words too\n"
                "- read for a while every day, the same book many times if the child wants\n"
                "- in a family with several languages, each adult can speak their own language with the child\n\n"
                "If you wonder about your child's speech or language, ask at the child health clinic or in the "
                "speech therapist's chat.",
            ),
        },
    ),
}


def seed_information() -> int:
    """Create the demo articles that are missing, published; return how many were created."""
    created = 0
    for slug, (topic, audiences, (age_from, age_to), texts) in ARTICLES.items():
        if db.session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
            continue
        fields = {
            f"{part}_{language}": text
            for language, values in texts.items()
            for part, text in zip(("title", "summary", "body"), values, strict=True)
        }
        article = Article(
            slug=slug, topic=topic, audiences=audiences, age_from=age_from, age_to=age_to, published=True, **fields
        )
        index_article(article)
        db.session.add(article)
        created += 1
    db.session.commit()
    return created
