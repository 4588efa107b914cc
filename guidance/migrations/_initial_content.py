"""The first service pages, departments and synonyms (migration 0003).

Frozen with the migration that loads them: after that, content editors keep
the pages up to date in admin, and these files are not read again. Bodies
are Markdown files in initial_content/ beside this module. Phone numbers of
national services are as published by those services; department email
addresses and hours are generic and for the force to confirm.
"""

from datetime import date
from pathlib import Path

BODIES = Path(__file__).with_name("initial_content")
REVIEWED = date(2026, 11, 29)
REVIEW_BY = date(2027, 5, 29)
OFFICE_HOURS = "Monday to Friday, 9am to 5pm (closed on bank holidays)"

CATEGORIES = [
    (
        "licences-and-certificates",
        "Licences and certificates",
        "Firearms and shotgun certificates, police certificates and criminal "
        "record checks, and licensing for alcohol and events.",
    ),
    (
        "keeping-people-safe",
        "Disclosure schemes: keeping people safe",
        "Ask whether a partner has a history of abuse (Clare's Law), or whether "
        "someone poses a risk to a child (Sarah's Law).",
    ),
    (
        "your-information",
        "Your information and police records",
        "Get a copy of the information we hold about you, or ask for "
        "information about how we work.",
    ),
    (
        "property-roads-and-vehicles",
        "Property, roads and vehicles",
        "Lost and found property, road traffic collisions and dashcam footage, "
        "and getting back a seized or removed vehicle.",
    ),
    (
        "complaints-and-getting-involved",
        "Complaints, thanks and getting involved",
        "Complain or say thank you, volunteer with us, or join as an officer or "
        "member of staff.",
    ),
]

# slug, name, handles, phone, email, hours
DEPARTMENTS = [
    (
        "force-contact-centre",
        "Force Contact Centre",
        "Answers 101 calls and web chat, and receives crime reports made online. "
        "Start here if you are not sure who to contact.",
        "101",
        "",
        "24 hours a day, every day",
    ),
    (
        "firearms-licensing-unit",
        "Firearms Licensing Unit",
        "Firearm and shotgun certificates: new applications, renewals, changes "
        "to a certificate, and changes of address.",
        "101",
        "firearms.licensing@herts.police.uk",
        OFFICE_HOURS,
    ),
    (
        "public-protection-disclosure-team",
        "Public Protection Disclosure Team",
        "Applications under the Domestic Violence Disclosure Scheme (Clare's "
        "Law) and the Child Sex Offender Disclosure Scheme (Sarah's Law).",
        "101",
        "",
        OFFICE_HOURS,
    ),
    (
        "information-rights-unit",
        "Information Rights Unit",
        "Subject access requests for the information we hold about you, and "
        "freedom of information requests.",
        "101",
        "information.rights@herts.police.uk",
        OFFICE_HOURS,
    ),
    (
        "collision-and-road-safety-unit",
        "Collision and Road Safety Unit",
        "Dashcam and helmet camera footage of driving offences, and collision "
        "information for insurers and solicitors.",
        "101",
        "road.safety@herts.police.uk",
        OFFICE_HOURS,
    ),
    (
        "vehicle-recovery-office",
        "Vehicle Recovery Office",
        "Vehicles we have seized or removed: where they are, what to bring, and "
        "how to get them back.",
        "101",
        "",
        "Monday to Sunday, 8am to 8pm",
    ),
    (
        "professional-standards-department",
        "Professional Standards Department",
        "Complaints about police officers, staff and volunteers, and "
        "compliments to pass on.",
        "101",
        "professional.standards@herts.police.uk",
        OFFICE_HOURS,
    ),
    (
        "police-licensing-team",
        "Police Licensing Team",
        "The police's part in licensing: responses to premises licence "
        "applications and temporary event notices, and advice on events.",
        "101",
        "police.licensing@herts.police.uk",
        OFFICE_HOURS,
    ),
    (
        "recruitment-and-volunteering-team",
        "Recruitment and Volunteering Team",
        "Joining as a police officer, Special Constable, member of staff, Police "
        "Support Volunteer or Volunteer Police Cadet.",
        "101",
        "recruitment@herts.police.uk",
        OFFICE_HOURS,
    ),
]

# slug, title, summary, category, who_for, cost, time_taken, departments, related
PAGES = [
    (
        "firearms-and-shotgun-certificates",
        "Firearms and shotgun certificates",
        "Apply for, renew or change a firearm or shotgun certificate (often "
        "called a gun licence) if you live in Hertfordshire.",
        "licences-and-certificates",
        "Anyone who lives in Hertfordshire and wants to own a firearm or shotgun, "
        "or buy ammunition.",
        "Fees from 1 February 2025: firearm certificate £198 (renewal £131); "
        "shotgun certificate £194 (renewal £126). Check the current fee on GOV.UK.",
        "Several months for a new certificate. Apply to renew at least 12 weeks "
        "before your certificate runs out.",
        ["firearms-licensing-unit"],
        ["lost-and-found-property", "police-certificates-and-disclosure-checks"],
    ),
    (
        "domestic-violence-disclosure-scheme",
        "Domestic violence disclosure scheme (Clare's Law)",
        "Ask whether a partner or ex-partner, or the partner of someone you know, "
        "has a history of abuse or violence.",
        "keeping-people-safe",
        "Anyone worried about their own partner, or a friend's or relative's "
        "partner.",
        "Free.",
        "We aim to tell you the outcome within 28 days, and act at once if "
        "someone is in immediate danger.",
        ["public-protection-disclosure-team", "force-contact-centre"],
        ["child-sex-offender-disclosure-scheme"],
    ),
    (
        "child-sex-offender-disclosure-scheme",
        "Child sex offender disclosure scheme (Sarah's Law)",
        "Ask whether someone who has contact with a child has a record of sexual "
        "offences against children.",
        "keeping-people-safe",
        "Anyone worried about a person who has contact with a child, such as a "
        "parent, carer, relative or neighbour.",
        "Free.",
        "Usually a few weeks. We act at once if a child is at immediate risk.",
        ["public-protection-disclosure-team", "force-contact-centre"],
        ["domestic-violence-disclosure-scheme"],
    ),
    (
        "subject-access-request",
        "Ask for the information we hold about you (subject access request)",
        "Get a copy of your personal information and records held by "
        "Hertfordshire Police.",
        "your-information",
        "Anyone we may hold personal information about, or someone they have "
        "given written permission to ask for them.",
        "Free.",
        "One month from when we have your request and proof of identity; up to "
        "two months more for complex requests.",
        ["information-rights-unit"],
        ["freedom-of-information", "police-certificates-and-disclosure-checks"],
    ),
    (
        "freedom-of-information",
        "Freedom of information requests",
        "Ask for information we hold about how we work, such as policies, "
        "spending or crime figures.",
        "your-information",
        "Anyone, anywhere. You do not have to say why you want the information.",
        "Usually free.",
        "20 working days.",
        ["information-rights-unit"],
        ["subject-access-request"],
    ),
    (
        "lost-and-found-property",
        "Lost and found property",
        "What to do if you have lost or found something: who to contact, and the "
        "few items to tell us about.",
        "property-roads-and-vehicles",
        "Anyone who has lost something, or found something.",
        "Free.",
        "Contact the place where it was lost or found as soon as you can.",
        ["force-contact-centre"],
        ["seized-or-removed-vehicles"],
    ),
    (
        "road-traffic-collisions-and-dashcam",
        "Road traffic collisions and dashcam footage",
        "What to do after a road traffic collision, when you must report it, and "
        "how to send us dashcam footage of dangerous driving.",
        "property-roads-and-vehicles",
        "Drivers and riders involved in a collision, and anyone with camera "
        "footage of a driving offence.",
        "Free. Insurers and solicitors may pay for collision information.",
        "Report a collision within 24 hours when the law says you must. Send "
        "footage within 7 days if you can.",
        ["collision-and-road-safety-unit", "force-contact-centre"],
        ["seized-or-removed-vehicles"],
    ),
    (
        "seized-or-removed-vehicles",
        "Get back a seized or removed vehicle",
        "Find out why your vehicle was seized or removed, what to bring and how "
        "to get it back.",
        "property-roads-and-vehicles",
        "The owner of a vehicle we have seized or removed, or someone they allow "
        "to collect it.",
        "A release fee and a daily storage charge, both set by law.",
        "Usually the same day once you have the right documents. Unclaimed "
        "vehicles can be disposed of after 14 days.",
        ["vehicle-recovery-office"],
        ["road-traffic-collisions-and-dashcam", "lost-and-found-property"],
    ),
    (
        "police-certificates-and-disclosure-checks",
        "Police certificates and criminal record (DBS) checks",
        "Get a police certificate for a visa or living abroad from ACRO, or a DBS "
        "check for a job or volunteering.",
        "licences-and-certificates",
        "People applying for a visa, to live or work abroad, or for a job or "
        "volunteering role in the UK.",
        "Set by ACRO and the DBS: check their current fees. DBS checks for "
        "volunteers are free.",
        "Set by ACRO and the DBS: see their websites for current times.",
        ["force-contact-centre"],
        ["subject-access-request", "volunteering-and-joining"],
    ),
    (
        "complaints-and-compliments",
        "Complaints and compliments",
        "Complain about the service you received from an officer or member of "
        "staff, or thank them.",
        "complaints-and-getting-involved",
        "Anyone affected by, or who saw, what an officer, member of staff or "
        "volunteer did.",
        "Free.",
        "We contact you within a few working days. Ask for a review within 28 "
        "days of the outcome.",
        ["professional-standards-department"],
        ["volunteering-and-joining"],
    ),
    (
        "alcohol-and-event-licensing",
        "Licensing for alcohol and events",
        "Premises licences, personal licences and temporary event notices are "
        "issued by your council; this page explains the police's part.",
        "licences-and-certificates",
        "Anyone selling alcohol, putting on entertainment or organising an event.",
        "Set by the council. A temporary event notice costs £21.",
        "Give a temporary event notice at least 10 working days before the "
        "event. Talk to the council months ahead for large events.",
        ["police-licensing-team"],
        ["firearms-and-shotgun-certificates"],
    ),
    (
        "volunteering-and-joining",
        "Volunteer or join Hertfordshire Police",
        "Become a Special Constable, Police Support Volunteer or Volunteer "
        "Police Cadet, or join as a police officer or member of staff.",
        "complaints-and-getting-involved",
        "Anyone who wants to help keep Hertfordshire safe. Police officers and "
        "Special Constables must be 18 or over.",
        "Free. Volunteers get their expenses paid.",
        "Usually a few months, including background checks (vetting).",
        ["recruitment-and-volunteering-team"],
        ["complaints-and-compliments", "police-certificates-and-disclosure-checks"],
    ),
]

# What people type → the words our pages use.
SYNONYMS = [
    ("gun licence", "firearms certificate"),
    ("gun license", "firearms certificate"),
    ("gun permit", "firearms certificate"),
    ("shotgun licence", "shotgun certificate"),
    ("shotgun license", "shotgun certificate"),
    ("rifle", "firearms certificate"),
    ("guns", "firearms shotgun"),
    ("gun", "firearms shotgun"),
    ("lost wallet", "lost property"),
    ("lost purse", "lost property"),
    ("lost phone", "lost property"),
    ("lost keys", "lost property"),
    ("lost bag", "lost property"),
    ("lost my", "lost property"),
    ("found wallet", "found property"),
    ("found a", "found property"),
    ("my records", "subject access request"),
    ("my data", "subject access request"),
    ("my information", "subject access request"),
    ("my details", "subject access request"),
    ("information about me", "subject access request"),
    ("gdpr", "subject access request"),
    ("sar", "subject access request"),
    ("data protection", "subject access request"),
    ("foi", "freedom of information"),
    ("foia", "freedom of information"),
    ("criminal record check", "police certificate dbs check"),
    ("criminal record", "police certificate dbs check"),
    ("police check", "police certificate dbs check"),
    ("police clearance", "police certificate"),
    ("good conduct certificate", "police certificate"),
    ("visa", "police certificate"),
    ("emigrate", "police certificate"),
    ("crb", "dbs check"),
    ("disclosure and barring", "dbs check"),
    ("clares law", "domestic violence disclosure scheme"),
    ("clare law", "domestic violence disclosure scheme"),
    ("abusive partner", "domestic violence disclosure scheme"),
    ("violent partner", "domestic violence disclosure scheme"),
    ("partners past", "domestic violence disclosure scheme"),
    ("domestic abuse", "domestic violence disclosure scheme"),
    ("sarahs law", "child sex offender disclosure scheme"),
    ("sarah law", "child sex offender disclosure scheme"),
    ("paedophile", "child sex offender disclosure scheme"),
    ("pedophile", "child sex offender disclosure scheme"),
    ("sex offender", "child sex offender disclosure scheme"),
    ("car crash", "road traffic collision"),
    ("crash", "road traffic collision"),
    ("accident", "road traffic collision"),
    ("dash cam", "dashcam footage"),
    ("helmet cam", "dashcam footage"),
    ("bad driving", "dashcam footage dangerous driving"),
    ("towed", "seized removed vehicle"),
    ("towed away", "seized removed vehicle"),
    ("impounded", "seized removed vehicle"),
    ("car pound", "seized removed vehicle"),
    ("car taken", "seized removed vehicle"),
    ("car seized", "seized removed vehicle"),
    ("complain", "complaints"),
    ("rude officer", "complaints"),
    ("thank an officer", "compliments"),
    ("thank you", "compliments"),
    ("pub licence", "alcohol licensing"),
    ("drinks licence", "alcohol licensing"),
    ("alcohol licence", "alcohol licensing"),
    ("ten", "temporary event notice"),
    ("tens", "temporary event notice"),
    ("party", "event licensing temporary event notice"),
    ("special constable", "volunteer special constables"),
    ("specials", "volunteer special constables"),
    ("cadets", "volunteer police cadets"),
    ("police jobs", "join police officer"),
    ("become a police officer", "join police officer"),
    ("careers", "join police officer"),
    ("recruitment", "join police officer"),
]


def load(apps, schema_editor):
    Category = apps.get_model("guidance", "Category")
    Department = apps.get_model("guidance", "Department")
    ServicePage = apps.get_model("guidance", "ServicePage")
    Synonym = apps.get_model("guidance", "Synonym")

    categories = {}
    for position, (slug, name, summary) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "summary": summary, "position": position}
        )
    departments = {}
    for slug, name, handles, phone, email, hours in DEPARTMENTS:
        departments[slug], _ = Department.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "handles": handles,
                "phone": phone,
                "email": email,
                "hours": hours,
            },
        )
    pages = {}
    for slug, title, summary, category, who, cost, time, depts, _related in PAGES:
        page, _ = ServicePage.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "category": categories[category],
                "who_for": who,
                "cost": cost,
                "time_taken": time,
                "body_markdown": (BODIES / f"{slug}.md").read_text(encoding="utf-8"),
                "status": "published",
                "last_reviewed": REVIEWED,
                "review_by": REVIEW_BY,
            },
        )
        page.departments.set([departments[d] for d in depts])
        pages[slug] = page
    for slug, *_rest, related in PAGES:
        pages[slug].related.set([pages[r] for r in related])
    for term, expansion in SYNONYMS:
        Synonym.objects.update_or_create(term=term, defaults={"expansion": expansion})

    if schema_editor.connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector
        from django.db.models import Value
        from django.db.models.functions import Concat

        facts = Concat(
            "summary", Value(" "), "who_for", Value(" "), "cost", Value(" "),
            "time_taken",
        )
        ServicePage.objects.update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector(facts, weight="B", config="english")
            + SearchVector("body_markdown", weight="C", config="english")
        )


def unload(apps, schema_editor):
    slugs = [page[0] for page in PAGES]
    apps.get_model("guidance", "ServicePage").objects.filter(slug__in=slugs).delete()
    apps.get_model("guidance", "Synonym").objects.filter(
        term__in=[term for term, _ in SYNONYMS]
    ).delete()
    apps.get_model("guidance", "Department").objects.filter(
        slug__in=[d[0] for d in DEPARTMENTS]
    ).delete()
    apps.get_model("guidance", "Category").objects.filter(
        slug__in=[c[0] for c in CATEGORIES]
    ).delete()
