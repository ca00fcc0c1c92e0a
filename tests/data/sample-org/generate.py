#!/usr/bin/env python3
"""Generates the sample organisation data set of tests/data/sample-org/ (see README.md there).

Northwind Field Systems: 40 people in 5 business units, 6 roles, 10 competencies, and about
3,000 xAPI 1.0.3 statements from 2026-05-01 to 2026-10-31 (LMS / cmi5 courses, the mobile field
app, the video portal, the intranet). Writes, next to this script:

  people.json              PUT /admin/people
  framework.json           PUT /admin/framework
  rules.json               PUT /admin/rules
  statements-NNN.json      POST /xapi/statements, at most 500 statements each
  expected-profiles.json   what lrsd should report once everything above is loaded, computed
                           here with an independent evaluation of rules.json
  goals.json               PUT /admin/goals: the goals cascade
  plans/<personId>.json    PUT /admin/plans/<personId>: development plans for 2026
  costs.json               PUT /admin/costs: cost rules (EUR)
  kpis/<unit>.json         PUT /admin/kpis/<unit>: 12 months of KPIs; kpis/organization.json is
                           the organisation's own (PUT /admin/kpis)

The last four come from a random generator of their own, after everything else is written, so
they leave the files above unchanged. generate.py checks each plan item's status at 2026-10-31
(as lrsd judges it) against the status the item was designed to have, and prints the plan
statuses and costs per unit.

Standard library only; two seeded random.Random generators (SEED for the data set, SEED + 1 for
the goals, plans, costs and KPIs) drive everything, so running it twice writes byte-identical
files. Run: python3 tests/data/sample-org/generate.py
"""

import datetime as dt
import json
import os
import random
import unicodedata
import uuid

SEED = 20261101
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
WINDOW_START = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
WINDOW_END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # exclusive
WINDOW_DAYS = (WINDOW_END - WINDOW_START).days  # 184
MAX_PER_FILE = 500

rng = random.Random(SEED)

# ==== Vocabulary =================================================================================

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "launched": (ADL + "launched", "launched"),
    "initialized": (ADL + "initialized", "initialized"),
    "completed": (ADL + "completed", "completed"),
    "passed": (ADL + "passed", "passed"),
    "failed": (ADL + "failed", "failed"),
    "terminated": (ADL + "terminated", "terminated"),
    "attended": (ADL + "attended", "attended"),
    "attempted": (ADL + "attempted", "attempted"),
    "experienced": (ADL + "experienced", "experienced"),
    "asked": (ADL + "asked", "asked"),
    "voided": (ADL + "voided", "voided"),
    "played": ("https://w3id.org/xapi/video/verbs/played", "played"),
    "paused": ("https://w3id.org/xapi/video/verbs/paused", "paused"),
    "replied": ("http://id.tincanapi.com/verb/replied", "replied"),
    "mentored": ("http://id.tincanapi.com/verb/mentored", "mentored"),
    "logged-in": ("https://w3id.org/xapi/adl/verbs/logged-in", "logged-in"),
}

T_COURSE = "http://adlnet.gov/expapi/activities/course"
T_MODULE = "http://adlnet.gov/expapi/activities/module"
T_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
T_LESSON = "http://adlnet.gov/expapi/activities/lesson"
T_PERFORMANCE = "http://adlnet.gov/expapi/activities/performance"
T_TASK = "http://activitystrea.ms/schema/1.0/task"
T_CHECKLIST = "http://id.tincanapi.com/activitytype/checklist"
T_VIDEO = "https://w3id.org/xapi/video/activity-type/video"
T_AUDIO = "http://activitystrea.ms/schema/1.0/audio"
T_ARTICLE = "http://activitystrea.ms/schema/1.0/article"
T_MEETING = "http://id.tincanapi.com/activitytype/meeting"
T_QUESTION = "http://activitystrea.ms/schema/1.0/question"
T_WEBINAR = "http://id.tincanapi.com/activitytype/webinar"
T_APPLICATION = "http://activitystrea.ms/schema/1.0/application"

CAT_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CAT_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CAT_VIDEO = "https://w3id.org/xapi/video"
CAT_MENTORING = "https://people.example.com/xapi/categories/mentoring"

X_CMI5 = "https://w3id.org/xapi/cmi5/context/extensions/"
X_VIDEO = "https://w3id.org/xapi/video/extensions/"
X_WO_TYPE = "https://field.example.com/xapi/extensions/work-order-type"
X_ASSET = "https://field.example.com/xapi/extensions/asset-class"
X_SITE = "https://field.example.com/xapi/extensions/site"
X_CUSTOMER = "https://field.example.com/xapi/extensions/customer"
X_DEAL = "https://field.example.com/xapi/extensions/deal-value-eur"
X_PROGRAM = "https://intranet.example.com/xapi/extensions/program"
X_SEVERITY = "https://intranet.example.com/xapi/extensions/severity"

FIELD_HOME = "https://field.example.com"

# ==== Framework ==================================================================================

COMPETENCIES = [
    ("negotiation", "Negotiation"),
    ("product-knowledge", "Product knowledge (X200 platform and Dispatch suite)"),
    ("solution-design", "Solution design"),
    ("customer-communication", "Customer communication"),
    ("electrical-safety", "Electrical safety"),
    ("equipment-diagnostics", "Equipment diagnostics"),
    ("software-delivery", "Software delivery"),
    ("incident-response", "Incident response"),
    ("coaching", "Coaching"),
    ("employment-law", "Employment law"),
]

ROLES = [
    ("account-executive", "Account executive",
     [("negotiation", 4), ("customer-communication", 2), ("product-knowledge", 2)]),
    ("sales-engineer", "Sales engineer",
     [("negotiation", 3), ("product-knowledge", 4), ("solution-design", 3), ("customer-communication", 2)]),
    ("field-technician", "Field service technician",
     [("electrical-safety", 3), ("equipment-diagnostics", 3), ("customer-communication", 2)]),
    ("software-engineer", "Software engineer",
     [("software-delivery", 3), ("incident-response", 2)]),
    ("people-partner", "People partner",
     [("employment-law", 2), ("coaching", 3)]),
    ("unit-manager", "Business unit manager",
     [("coaching", 3), ("negotiation", 2), ("customer-communication", 2)]),
]

# ==== People =====================================================================================
# (id, name, login, role, unit, manager, IFIs: "m" LMS mbox, "f" field-app account)

PEOPLE = [
    ("e1000", "Henrik Lindqvist", "henrik.lindqvist", "unit-manager", "emea-sales", None, "mf"),
    ("e1001", "Ana Silva", "ana.silva", "sales-engineer", "emea-sales", "e1000", "mf"),
    ("e1002", "Tomasz Nowak", "tomasz.nowak", "account-executive", "emea-sales", "e1000", "mf"),
    ("e1003", "Chloé Martin", "chloe.martin", "account-executive", "emea-sales", "e1000", "mf"),
    ("e1004", "Jonas Weber", "jonas.weber", "sales-engineer", "emea-sales", "e1000", "mf"),
    ("e1005", "Giulia Romano", "giulia.romano", "account-executive", "emea-sales", "e1000", "mf"),
    ("e1006", "Pieter de Vries", "pieter.devries", "sales-engineer", "emea-sales", "e1000", "mf"),
    ("e1007", "Sofia Andersson", "sofia.andersson", "account-executive", "emea-sales", "e1000", "mf"),
    ("e1008", "Ahmed Haddad", "ahmed.haddad", "sales-engineer", "emea-sales", "e1000", "m"),
    ("e2000", "Maria Gonzalez", "maria.gonzalez", "unit-manager", "na-sales", None, "mf"),
    ("e2001", "Daniel Okafor", "daniel.okafor", "account-executive", "na-sales", "e2000", "mf"),
    ("e2002", "Emily Chen", "emily.chen", "sales-engineer", "na-sales", "e2000", "mf"),
    ("e2003", "Marcus Johnson", "marcus.johnson", "account-executive", "na-sales", "e2000", "mf"),
    ("e2004", "Priya Raman", "priya.raman", "sales-engineer", "na-sales", "e2000", "mf"),
    ("e2005", "Kevin O'Brien", "kevin.obrien", "account-executive", "na-sales", "e2000", "mf"),
    ("e2006", "Samantha Reyes", "samantha.reyes", "sales-engineer", "na-sales", "e2000", "mf"),
    ("e2007", "Tyler Brooks", "tyler.brooks", "account-executive", "na-sales", "e2000", "mf"),
    ("e2008", "Aisha Bello", "aisha.bello", "account-executive", "na-sales", "e2000", "m"),
    ("e3000", "Rafael Costa", "rafael.costa", "unit-manager", "field-service", None, "mf"),
    ("e3001", "Luca Bianchi", "luca.bianchi", "field-technician", "field-service", "e3000", "mf"),
    ("e3002", "Noah Fischer", "noah.fischer", "field-technician", "field-service", "e3000", "mf"),
    ("e3003", "Mateo Álvarez", "mateo.alvarez", "field-technician", "field-service", "e3000", "mf"),
    ("e3004", "Fatima Benali", "fatima.benali", "field-technician", "field-service", "e3000", "mf"),
    ("e3005", "Oskar Nilsson", "oskar.nilsson", "field-technician", "field-service", "e3000", "mf"),
    ("e3006", "Jakub Dvořák", "jakub.dvorak", "field-technician", "field-service", "e3000", "mf"),
    ("e3007", "Inês Ferreira", "ines.ferreira", "field-technician", "field-service", "e3000", "mf"),
    ("e3008", "Samuel Osei", "samuel.osei", "field-technician", "field-service", "e3000", "mf"),
    ("e3009", "Lena Hoffmann", "lena.hoffmann", "field-technician", "field-service", "e3000", "f"),
    ("e3010", "Dmitri Volkov", "dmitri.volkov", "field-technician", "field-service", "e3000", "f"),
    ("e4000", "Hannah Kim", "hannah.kim", "unit-manager", "engineering", None, "m"),
    ("e4001", "Arjun Mehta", "arjun.mehta", "software-engineer", "engineering", "e4000", "m"),
    ("e4002", "Yuki Tanaka", "yuki.tanaka", "software-engineer", "engineering", "e4000", "m"),
    ("e4003", "Olivia Brown", "olivia.brown", "software-engineer", "engineering", "e4000", "m"),
    ("e4004", "Mohammed Al-Sayed", "mohammed.alsayed", "software-engineer", "engineering", "e4000", "mf"),
    ("e4005", "Elena Popescu", "elena.popescu", "software-engineer", "engineering", "e4000", "m"),
    ("e4006", "Ben Carter", "ben.carter", "software-engineer", "engineering", "e4000", "m"),
    ("e5000", "Claire Dubois", "claire.dubois", "unit-manager", "people-ops", None, "m"),
    ("e5001", "Grace Mwangi", "grace.mwangi", "people-partner", "people-ops", "e5000", "m"),
    ("e5002", "Lucas Moreau", "lucas.moreau", "people-partner", "people-ops", "e5000", "m"),
    ("e5003", "Sara Lindholm", "sara.lindholm", "people-partner", "people-ops", "e5000", "m"),
]
# Two contractors whose statements reach the LRS but who are not in the directory.
CONTRACTORS = [
    {"objectType": "Agent", "name": "Jan Kowalski", "mbox": "mailto:jan.kowalski@contractor.example.net"},
    {"objectType": "Agent", "name": "Ruth Mbeki", "account": {"homePage": FIELD_HOME, "name": "ext.ruth.mbeki"}},
]

UNITS = ["emea-sales", "na-sales", "field-service", "engineering", "people-ops"]
# Working hours in UTC per unit (start hour, end hour).
UNIT_HOURS = {"emea-sales": (7, 16), "na-sales": (13, 21), "field-service": (6, 15),
              "engineering": (7, 17), "people-ops": (7, 15)}


class Person:
    def __init__(self, row):
        self.id, self.name, self.login, self.role, self.unit, self.manager, kinds = row
        self.mbox = "mailto:%s@example.com" % self.login if "m" in kinds else None
        self.field = {"homePage": FIELD_HOME, "name": self.login} if "f" in kinds else None

    def ifis(self):
        out = []
        if self.mbox:
            out.append({"mbox": self.mbox})
        if self.field:
            out.append({"account": dict(self.field)})
        return out

    def agent(self, channel):
        """The Agent a system sends: the LMS, video portal and intranet use the e-mail address,
        the field app its own account; each falls back to the IFI the person has."""
        use_field = (channel == "field" and self.field) or not self.mbox
        a = {"objectType": "Agent", "name": self.name}
        if use_field:
            a["account"] = dict(self.field)
        else:
            a["mbox"] = self.mbox
        return a


people = [Person(r) for r in PEOPLE]
by_id = {p.id: p for p in people}

# ==== Helpers ====================================================================================


def new_uuid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def duration(tenths):
    """ISO 8601 duration from tenths of a second: PT45M, PT1H10M30S, PT12.5S."""
    h, rest = divmod(tenths, 36000)
    m, rest = divmod(rest, 600)
    s, t = divmod(rest, 10)
    out = "PT"
    if h:
        out += "%dH" % h
    if m:
        out += "%dM" % m
    if s or t or out == "PT":
        out += ("%d.%dS" % (s, t)) if t else ("%dS" % s)
    return out


def minutes(lo, hi):
    """A random duration in tenths of a second between lo and hi minutes, whole seconds."""
    return rng.randint(lo * 60, hi * 60) * 10


def work_time(unit, weekend_ok=False, day=None):
    """A random instant in the unit's working hours on a weekday of the window (up to the
    30th of October, so that every episode ends inside the window), or on the given day
    (days since 2026-05-01, moved on to the next weekday)."""
    lo, hi = UNIT_HOURS[unit]
    while True:
        d = rng.randrange(WINDOW_DAYS - 1) if day is None else day
        date = WINDOW_START + dt.timedelta(days=d)
        if day is not None:
            while date.weekday() >= 5:
                date += dt.timedelta(days=1)
            break
        if date.weekday() < 5 or weekend_ok:
            break
    return date + dt.timedelta(hours=rng.randint(lo, hi - 1), minutes=rng.randrange(60),
                               seconds=rng.randrange(60), milliseconds=rng.randrange(1000))


def later(t, tenths):
    return t + dt.timedelta(milliseconds=tenths * 100)


def lang(text, de=None):
    m = {"en-US": text}
    if de:
        m["de-DE"] = de
    return m


def activity(aid, atype, name, description=None, extensions=None):
    d = {"type": atype, "name": lang(name) if isinstance(name, str) else name}
    if description:
        d["description"] = lang(description)
    if extensions:
        d["extensions"] = extensions
    return {"objectType": "Activity", "id": aid, "definition": d}


def verb(key):
    iri, display = VERBS[key]
    return {"id": iri, "display": {"en-US": display}}


statements = []


def emit(actor, verb_key, obj, t, result=None, context=None):
    s = {"id": new_uuid(), "actor": actor, "verb": verb(verb_key), "object": obj}
    if result:
        s["result"] = result
    if context:
        s["context"] = context
    s["timestamp"] = iso(t)
    statements.append(s)
    return s


def result(tenths=None, completion=None, success=None, scaled=None, extensions=None):
    r = {}
    if scaled is not None:
        r["score"] = {"scaled": scaled, "raw": int(round(scaled * 100)), "min": 0, "max": 100}
    if success is not None:
        r["success"] = success
    if completion is not None:
        r["completion"] = completion
    if tenths is not None:
        r["duration"] = duration(tenths)
    if extensions:
        r["extensions"] = extensions
    return r


def context(platform=None, registration=None, category=None, grouping=None, parent=None,
            instructor=None, extensions=None):
    c = {}
    if registration:
        c["registration"] = registration
    if instructor:
        c["instructor"] = instructor
    ca = {}
    if parent:
        ca["parent"] = [{"objectType": "Activity", "id": i} for i in parent]
    if grouping:
        ca["grouping"] = [{"objectType": "Activity", "id": i} for i in grouping]
    if category:
        ca["category"] = [{"objectType": "Activity", "id": i} for i in category]
    if ca:
        c["contextActivities"] = ca
    if platform:
        c["platform"] = platform
    c["language"] = "en-US"
    if extensions:
        c["extensions"] = extensions
    return c


# ==== Formal: cmi5 courses, LMS classroom days, modules, assessments ============================

LMS = "https://lms.example.com/courses/"
# slug: (title, minutes low/high, mastery score or None (moveOn Completed))
CMI5_COURSES = {
    "negotiation-basics": ("Negotiation basics", 35, 60, 0.7),
    "negotiation-advanced": ("Advanced negotiation: complex multi-party deals", 60, 110, 0.8),
    "product-essentials": ("Product essentials: X200 and Dispatch", 30, 50, None),
    "product-deep-dive": ("X200 platform deep dive", 70, 130, 0.8),
    "electrical-safety-certification": ("Electrical safety certification (annual)", 50, 90, 0.85),
    "diagnostics-fundamentals": ("Equipment diagnostics fundamentals", 40, 75, None),
    "secure-coding": ("Secure coding in C++ and Go", 45, 90, 0.75),
    "incident-command": ("Incident command for on-call engineers", 40, 70, 0.8),
    "coaching-for-managers": ("Coaching conversations for managers", 45, 80, None),
    "employment-law-update": ("Employment law update 2026", 30, 55, None),
}
CLASSROOM = {
    "field-safety-day": ("Field safety classroom day", 300, 420),
    "value-selling-academy": ("Sales academy: value selling workshop", 180, 240),
}
MODULE_ID = "https://lms.example.com/modules/data-protection-essentials"
ASSESSMENT_ID = "https://lms.example.com/assessments/code-of-conduct-2026"


def cmi5_registration(p, slug, t0):
    """One cmi5 registration: sessions until the AU's moveOn criteria are met (or the learner
    gives up after a failed attempt). Returns the time the last session ended."""
    title, lo, hi, mastery = CMI5_COURSES[slug]
    course_id = LMS + slug
    au_id = course_id + "/au/main"
    au = activity(au_id, T_LESSON, title)
    actor = p.agent("lms")
    registration = new_uuid()
    move_on = "CompletedAndPassed" if mastery else "Completed"
    completed = passed = False
    t = t0
    attempts = 0
    while True:
        attempts += 1
        session = new_uuid()
        ext = {X_CMI5 + "sessionid": session}
        cats = [CAT_CMI5]

        def ctx(extra=None, moveon=False):
            e = dict(ext)
            if extra:
                e.update(extra)
            return context(platform="LMS", registration=registration, grouping=[course_id],
                           category=cats + ([CAT_MOVEON] if moveon else []), extensions=e)

        emit(actor, "launched", au, t, context=ctx({
            X_CMI5 + "launchmode": "Normal",
            X_CMI5 + "launchurl": "https://content.example.com/%s/index.html" % slug,
            X_CMI5 + "moveon": move_on}))
        ti = later(t, rng.randint(20, 90))
        emit(actor, "initialized", au, ti, context=ctx())
        # First session sometimes abandoned half-way (terminated without completion).
        if attempts == 1 and rng.random() < 0.15:
            spent = minutes(8, max(10, lo // 2))
            emit(actor, "terminated", au, later(ti, spent), result=result(spent), context=ctx())
            t = work_time(p.unit, day=min(WINDOW_DAYS - 4, (t - WINDOW_START).days + rng.randint(1, 6)))
            continue
        spent = minutes(lo, hi) if attempts == 1 else minutes(lo // 3, lo)
        tc = later(ti, spent)
        if not completed:
            emit(actor, "completed", au, tc, result=result(spent, completion=True), context=ctx(moveon=True))
            completed = True
        failed_now = False
        if mastery and not passed:
            fail = attempts <= 2 and rng.random() < 0.18
            if fail:
                score = round(rng.uniform(mastery - 0.25, mastery - 0.05), 2)
            else:
                score = round(rng.uniform(mastery, 1.0), 2)
            tc = later(tc, rng.randint(5, 40))
            emit(actor, "failed" if fail else "passed", au, tc,
                 result=result(spent, success=not fail, scaled=score),
                 context=ctx({X_CMI5 + "masteryscore": mastery}, moveon=True))
            passed = not fail
            failed_now = fail
        end = later(tc, rng.randint(30, 300))
        total = int((end - ti).total_seconds() * 10)
        emit(actor, "terminated", au, end, result=result(total), context=ctx())
        if failed_now and rng.random() < 0.85:
            # retake a few days later
            t = work_time(p.unit, day=min(WINDOW_DAYS - 4, (end - WINDOW_START).days + rng.randint(2, 12)))
            continue
        return end


def classroom(p, slug, t0):
    title, lo, hi = CLASSROOM[slug]
    spent = minutes(lo, hi)
    emit(p.agent("lms"), "attended", activity("https://lms.example.com/classroom/" + slug, T_COURSE, title),
         t0, result=result(spent, completion=True),
         context=context(platform="LMS", registration=new_uuid(), instructor=by_id["e5001"].agent("lms")))


def module_and_assessment(p, t0):
    spent = minutes(15, 35)
    emit(p.agent("lms"), "completed",
         activity(MODULE_ID, T_MODULE, "Data protection essentials",
                  "Annual module: handling customer and employee personal data."),
         t0, result=result(spent, completion=True), context=context(platform="LMS", registration=new_uuid()))
    if p.mbox and rng.random() < 0.8:
        fail = rng.random() < 0.1
        score = round(rng.uniform(0.5, 0.79) if fail else rng.uniform(0.8, 1.0), 2)
        emit(p.agent("lms"), "failed" if fail else "passed",
             activity(ASSESSMENT_ID, T_ASSESSMENT, "Code of conduct assessment 2026"),
             later(t0, spent + rng.randint(600, 3000)),
             result=result(minutes(8, 20), success=not fail, scaled=score),
             context=context(platform="LMS", registration=new_uuid()))


# ==== Experiential ===============================================================================

EMEA_CUSTOMERS = ["Nordhavn Logistics", "Brennero Foods", "Valmont Énergie", "Kestrel Rail",
                  "Baltic Cold Chain", "Hafenwerk Bremen", "Iberia Pharma Distribución", "Lumo Retail"]
NA_CUSTOMERS = ["Cascade Freight", "Lone Star Cold Storage", "Great Lakes Grocers", "Pinecrest Hospitals",
                "Redwood Data Centers", "Harbor Point Utilities", "Mesa Agri Co-op", "Tidewater Ports"]
ASSETS = [("hvac-chiller", "chiller"), ("hv-switchgear", "HV switchgear"), ("ups", "UPS"),
          ("generator", "standby generator"), ("conveyor", "conveyor drive"), ("refrigeration", "refrigeration rack")]
CORRECTIVE = ["Replace failed contactor", "Trace intermittent fault alarm", "Repair refrigerant leak",
              "Replace drive encoder", "Reset tripped protection relay", "Replace battery string"]
PREVENTIVE = ["Quarterly inspection", "Thermographic survey", "Filter and belt service", "Load bank test"]
INSTALL = ["Install X200 controller", "Commission new unit", "Retrofit remote monitoring"]
SITES = ["Rotterdam DC-3", "Hamburg Hafen 7", "Lyon Part-Dieu", "Milan Linate Cargo", "Gdańsk Terminal",
         "Porto Leixões", "Malmö Central Kitchen", "Antwerp Cold Store 2"]


def slug_of(text):
    """"Valmont Énergie" -> "valmont-energie", "Gdańsk Terminal" -> "gdansk-terminal"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = "".join(c if c.isalnum() else "-" for c in plain)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


wo_counter = [40000]


def work_order(p, t, actor=None, forced_kind=None):
    wo_counter[0] += rng.randint(1, 9)
    wo = "WO-2026-%05d" % wo_counter[0]
    kind = forced_kind or rng.choices(["corrective", "preventive", "installation"], [45, 40, 15])[0]
    asset, asset_name = rng.choice(ASSETS)
    title = rng.choice({"corrective": CORRECTIVE, "preventive": PREVENTIVE, "installation": INSTALL}[kind])
    site = rng.choice(SITES)
    spent = {"corrective": minutes(45, 200), "preventive": minutes(40, 150),
             "installation": minutes(120, 300)}[kind]
    ok = rng.random() > 0.07
    obj = activity("https://field.example.com/work-orders/" + wo, T_TASK,
                   "%s: %s (%s)" % (wo, title, asset_name))
    return emit(actor or p.agent("field"), "completed" if ok else "attempted", obj, t,
                result=result(spent, completion=ok),
                context=context(platform="FieldApp", extensions={X_WO_TYPE: kind, X_ASSET: asset, X_SITE: site}))


def customer_handover(p, t):
    site = rng.choice(SITES)
    emit(p.agent("field"), "completed",
         activity("https://field.example.com/handovers/" + slug_of(site), T_PERFORMANCE,
                  "Customer handover and walkthrough at " + site),
         t, result=result(minutes(15, 45), completion=True),
         context=context(platform="FieldApp", extensions={X_SITE: site}))


def loto_observation(p, t, force_pass=False):
    """A supervisor observes lockout-tagout on site and logs it in the field app against the
    technician (the supervisor is the context instructor)."""
    ok = force_pass or rng.random() > 0.15
    score = round(rng.uniform(0.85, 1.0) if ok else rng.uniform(0.55, 0.8), 2)
    return emit(p.agent("field"), "passed" if ok else "failed",
                activity("https://field.example.com/observations/lockout-tagout", T_CHECKLIST,
                         "Observed: lockout-tagout procedure",
                         "Supervisor observation checklist, 12 items."),
                t, result=result(minutes(20, 40), success=ok, scaled=score),
                context=context(platform="FieldApp", instructor=by_id["e3000"].agent("lms"),
                                extensions={X_SITE: rng.choice(SITES)}))


def safety_audit(p, t):
    site = rng.choice(SITES)
    emit(p.agent("field"), "completed",
         activity("https://field.example.com/audits/" + slug_of(site), T_TASK, "Site safety audit: " + site),
         t, result=result(minutes(60, 150), completion=True),
         context=context(platform="FieldApp", extensions={X_SITE: site}))


def customers_of(p):
    return EMEA_CUSTOMERS if p.unit == "emea-sales" else NA_CUSTOMERS


def sales_activity(p, kind, t):
    cust = rng.choice(customers_of(p))
    cs = slug_of(cust)
    ext = {X_CUSTOMER: cust}
    if kind == "demo":
        obj = activity("https://field.example.com/sales/demos/" + cs, T_PERFORMANCE, "Product demo at " + cust)
        r = result(minutes(40, 110), completion=True)
    elif kind == "negotiation":
        obj = activity("https://field.example.com/sales/negotiations/" + cs, T_PERFORMANCE,
                       "Commercial negotiation with " + cust)
        ext[X_DEAL] = rng.randrange(20, 400) * 1000
        r = result(minutes(45, 150), completion=True, success=rng.random() < 0.55)
    elif kind == "workshop":
        obj = activity("https://field.example.com/sales/workshops/" + cs, T_PERFORMANCE,
                       "Solution design workshop with " + cust)
        r = result(minutes(90, 240), completion=True)
    else:  # account review visit
        obj = activity("https://field.example.com/sales/visits/" + cs, T_PERFORMANCE, "Account review visit: " + cust)
        r = result(minutes(30, 90), completion=True)
    return emit(p.agent("field"), "completed", obj, t, result=r, context=context(platform="FieldApp", extensions=ext))


SERVICES = ["dispatch-api", "telemetry-ingest", "x200-firmware", "billing", "field-app-backend"]
inc_counter = [300]


def incident(p, t):
    inc_counter[0] += rng.randint(1, 4)
    svc = rng.choice(SERVICES)
    sev = rng.choices(["sev1", "sev2", "sev3"], [10, 35, 55])[0]
    emit(p.agent("lms"), "completed",
         activity("https://intranet.example.com/ops/incidents/INC-2026-%04d" % inc_counter[0], T_TASK,
                  "INC-2026-%04d: %s degraded" % (inc_counter[0], svc)),
         t, result=result(minutes(30, 240), completion=True),
         context=context(platform="Intranet", extensions={X_SEVERITY: sev}))


def release(p, t):
    svc = rng.choice(SERVICES)
    ver = "%d.%d.%d" % (rng.randint(2, 6), rng.randint(0, 20), rng.randint(0, 9))
    emit(p.agent("lms"), "completed",
         activity("https://intranet.example.com/eng/releases/%s-%s" % (svc, ver), T_PERFORMANCE,
                  "Shipped %s %s to production" % (svc, ver)),
         t, result=result(minutes(60, 240), completion=True), context=context(platform="Intranet"))


def design_review(p, t):
    svc = rng.choice(SERVICES)
    emit(p.agent("lms"), "completed",
         activity("https://intranet.example.com/eng/design-reviews/%s-%d" % (svc, rng.randint(10, 99)), T_PERFORMANCE,
                  "Led design review: " + svc),
         t, result=result(minutes(45, 120), completion=True), context=context(platform="Intranet"))


case_counter = [100]


def hr_case(p, t):
    case_counter[0] += rng.randint(1, 3)
    topic = rng.choice(["flexible working request", "grievance", "parental leave plan", "relocation",
                        "performance improvement plan", "accommodation request"])
    emit(p.agent("lms"), "completed",
         activity("https://intranet.example.com/people/cases/ER-2026-%04d" % case_counter[0], T_TASK,
                  "Case ER-2026-%04d: %s" % (case_counter[0], topic)),
         t, result=result(minutes(40, 180), completion=True), context=context(platform="Intranet"))


def hr_workshop(p, t):
    topic = rng.choice(["Onboarding day", "Manager essentials", "Hiring panel calibration", "Wellbeing check-in"])
    emit(p.agent("lms"), "completed",
         activity("https://intranet.example.com/people/workshops/" + slug_of(topic), T_PERFORMANCE,
                  "Facilitated workshop: " + topic),
         t, result=result(minutes(90, 210), completion=True), context=context(platform="Intranet"))


# ==== Informal ===================================================================================

VIDEOS = {
    "sales": [("product-x200-overview", "X200 controller overview", "X200-Controller im Überblick", 540),
              ("product-dispatch-suite-tour", "Dispatch suite tour", None, 780),
              ("pricing-2026-explained", "Pricing 2026 explained", None, 660),
              ("customer-story-kestrel-rail", "Customer story: Kestrel Rail", None, 420)],
    "field": [("howto-chiller-leak-test", "How to: chiller leak test", "Anleitung: Dichtheitsprüfung Kältemaschine", 615),
              ("howto-ups-battery-swap", "How to: UPS battery string swap", None, 480),
              ("howto-switchgear-thermography", "How to: switchgear thermography", None, 720),
              ("product-x200-overview", "X200 controller overview", "X200-Controller im Überblick", 540)],
    "eng": [("talk-observability-101", "Tech talk: observability 101", None, 2520),
            ("talk-rust-for-cpp-devs", "Tech talk: Rust for C++ developers", None, 3110),
            ("talk-secure-by-default", "Tech talk: secure by default", None, 2280),
            ("product-x200-overview", "X200 controller overview", "X200-Controller im Überblick", 540)],
    "people": [("talk-hiring-without-bias", "Hiring without bias", None, 1860),
               ("talk-psychological-safety", "Psychological safety in teams", None, 1500),
               ("town-hall-q3-2026", "Town hall Q3 2026", None, 3300)],
}
ARTICLES = {
    "sales": ["Pricing playbook 2026", "Competitive battlecard: Dispatch vs. RouteMaster",
              "How we won Nordhavn Logistics", "Writing proposals that get signed"],
    "field": ["Field safety bulletin 07/2026", "Refrigerant handling rule changes",
              "X200 firmware 4.2 release notes", "Winter readiness checklist"],
    "eng": ["Postmortem: dispatch API outage (June)", "Our on-call handbook", "Migrating to C++23",
            "Designing idempotent APIs", "Feature flags done right"],
    "people": ["Remote onboarding guide", "Pay transparency directive explained",
               "Running effective 1:1s", "Mental health first aid"],
}
PODCASTS = [("field-notes-%02d" % i, "Field Notes podcast, episode %d" % i) for i in range(11, 27)]
QUESTIONS = [
    "How do I reset the X200 fault log remotely?", "Best torque spec for the C-series terminal blocks?",
    "Which discount band applies to multi-year renewals?", "How do we size a Dispatch pilot?",
    "Flaky integration test in telemetry-ingest?", "Approved way to rotate field-app API keys?",
    "Can contractors access the safety portal?", "Template for a mutual action plan?",
]
LUNCH_AND_LEARN = [("ai-assistants-at-work", "Lunch & learn: AI assistants at work"),
                   ("storytelling-with-data", "Lunch & learn: storytelling with data"),
                   ("energy-efficiency-trends", "Lunch & learn: energy efficiency trends"),
                   ("negotiating-with-procurement", "Lunch & learn: negotiating with procurement")]


def audience(p):
    return {"emea-sales": "sales", "na-sales": "sales", "field-service": "field",
            "engineering": "eng", "people-ops": "people"}[p.unit]


def watch_video(p, t, actor=None):
    """Played, then completed (or paused part-way), in the video portal; field technicians
    watch how-to videos in the field app."""
    slug, title, de, length = rng.choice(VIDEOS[audience(p)])
    platform = "FieldApp" if p.unit == "field-service" else "VideoPortal"
    actor = actor or p.agent("field" if p.unit == "field-service" else "lms")
    obj = activity("https://video.example.com/videos/" + slug, T_VIDEO, lang(title, de))
    session = new_uuid()
    cext = {X_VIDEO + "session-id": session, X_VIDEO + "length": length}
    cx = context(platform=platform, category=[CAT_VIDEO], extensions=cext)
    emit(actor, "played", obj, t, result={"extensions": {X_VIDEO + "time": 0}}, context=cx)
    if rng.random() < 0.7:
        spent = length * 10 + rng.randint(0, 600)
        emit(actor, "completed", obj, later(t, spent),
             result=result(spent, completion=True, extensions={
                 X_VIDEO + "time": length, X_VIDEO + "progress": 1,
                 X_VIDEO + "played-segments": "0[.]%d" % length}), context=cx)
    else:
        stop = rng.randint(length // 5, length * 4 // 5)
        emit(actor, "paused", obj, later(t, stop * 10),
             result=result(stop * 10, extensions={
                 X_VIDEO + "time": stop, X_VIDEO + "progress": round(stop / length, 2),
                 X_VIDEO + "played-segments": "0[.]%d" % stop}), context=cx)


def read_article(p, t):
    title = rng.choice(ARTICLES[audience(p)])
    emit(p.agent("lms"), "experienced",
         activity("https://intranet.example.com/articles/" + slug_of(title), T_ARTICLE, title),
         t, result=result(minutes(3, 15)), context=context(platform="Intranet"))


def podcast(p, t):
    slug, title = rng.choice(PODCASTS)
    spent = minutes(18, 42)
    emit(p.agent("field" if p.unit == "field-service" else "lms"), "experienced",
         activity("https://video.example.com/podcasts/" + slug, T_AUDIO, title),
         t, result=result(spent, completion=rng.random() < 0.8), context=context(platform="VideoPortal"))


def community(p, t):
    qi = rng.randrange(len(QUESTIONS))
    obj = activity("https://intranet.example.com/community/questions/%d" % (1200 + qi), T_QUESTION, QUESTIONS[qi])
    key = "asked" if rng.random() < 0.4 else "replied"
    emit(p.agent("lms"), key, obj, t, result=result(minutes(3, 20)), context=context(platform="Intranet"))


def lunch_and_learn(p, t):
    slug, title = rng.choice(LUNCH_AND_LEARN)
    emit(p.agent("lms"), "attended",
         activity("https://intranet.example.com/events/lunch-and-learn/" + slug, "http://id.tincanapi.com/activitytype/webinar", title),
         t, result=result(minutes(40, 55), completion=True),
         context=context(platform="Intranet", extensions={X_PROGRAM: "lunch-and-learn"}))


def mentoring(mentor, mentee, t):
    """A mentoring session: the mentee's 'attended' the session (a meeting), the mentor's
    'mentored' the mentee (object: the mentee Agent; no platform, the object is no Activity)."""
    spent = minutes(30, 60)
    emit(mentee.agent("lms"), "attended",
         activity("https://people.example.com/mentoring/%s-%s" % (mentor.id, mentee.id), T_MEETING,
                  "Mentoring session with " + mentor.name),
         t, result=result(spent, completion=True),
         context=context(platform="Intranet", category=[CAT_MENTORING], instructor=mentor.agent("lms")))
    c = context(category=[CAT_MENTORING])
    emit(mentor.agent("lms"), "mentored", mentee.agent("lms"), later(t, spent + rng.randint(10, 300)),
         result=result(spent, completion=True), context=c)


def login(p, t):
    emit(p.agent("lms"), "logged-in",
         activity("https://intranet.example.com/", T_APPLICATION, "Northwind intranet"), t,
         context=context(platform="Intranet"))


# ==== The six months =============================================================================


def jitter(n):
    return max(0, int(round(n * rng.uniform(0.75, 1.25))))


def times(p, n, weekend_ok=False):
    return sorted(work_time(p.unit, weekend_ok) for _ in range(jitter(n)))


def generate():
    # ---- Formal ----
    course_plan = {
        ("emea-sales", "account-executive"): ["negotiation-basics", "product-essentials"],
        ("emea-sales", "sales-engineer"): ["product-deep-dive", "negotiation-basics"],
        ("na-sales", "account-executive"): ["negotiation-advanced", "product-essentials"],
        ("na-sales", "sales-engineer"): ["product-deep-dive", "negotiation-basics"],
        ("field-service", "field-technician"): ["electrical-safety-certification", "diagnostics-fundamentals"],
        ("engineering", "software-engineer"): ["secure-coding", "incident-command"],
        ("people-ops", "people-partner"): ["employment-law-update"],
    }
    for p in people:
        if not p.mbox:
            continue  # no LMS account (new field starters onboard on the job)
        plan = course_plan.get((p.unit, p.role), ["coaching-for-managers", "employment-law-update"])
        for slug in plan:
            # Ana Silva (e1001, the README's example) always takes her courses.
            if rng.random() < 0.7 or p.id == "e1001":
                cmi5_registration(p, slug, work_time(p.unit))
        if p.unit == "field-service" and rng.random() < 0.7:
            classroom(p, "field-safety-day", work_time(p.unit))
        if p.unit in ("emea-sales", "na-sales") and rng.random() < 0.5:
            classroom(p, "value-selling-academy", work_time(p.unit))
        if rng.random() < 0.45:
            module_and_assessment(p, work_time(p.unit))
    # One keen learner takes the advanced negotiation course on top of their plan.
    cmi5_registration(by_id["e1002"], "negotiation-advanced", work_time("emea-sales"))

    # ---- Experiential ----
    for p in people:
        if p.role == "field-technician":
            for t in times(p, 95, weekend_ok=True):
                work_order(p, t)
            for t in times(p, 9):
                customer_handover(p, t)
            if p.id != "e3005":
                for t in times(p, 3):
                    loto_observation(p, t)
        elif p.unit == "field-service":  # the unit manager
            for t in times(p, 16):
                safety_audit(p, t)
            for t in times(p, 10):
                work_order(p, t)
        elif p.role in ("account-executive", "sales-engineer") or p.unit.endswith("-sales"):
            mix = {"account-executive": {"demo": 7, "negotiation": 12, "workshop": 0, "visit": 14},
                   "sales-engineer": {"demo": 18, "negotiation": 3, "workshop": 8, "visit": 5},
                   "unit-manager": {"demo": 2, "negotiation": 6, "workshop": 0, "visit": 8}}[p.role]
            scale = 1.3 if p.unit == "na-sales" else 1.1
            for kind, n in mix.items():
                for t in times(p, n * scale):
                    sales_activity(p, kind, t)
        elif p.unit == "engineering":
            for t in times(p, 12 if p.role == "software-engineer" else 4, weekend_ok=True):
                incident(p, t)
            for t in times(p, 5 if p.role == "software-engineer" else 1):
                release(p, t)
            for t in times(p, 4 if p.role == "software-engineer" else 6):
                design_review(p, t)
        elif p.unit == "people-ops":
            for t in times(p, 12):
                hr_case(p, t)
            for t in times(p, 5):
                hr_workshop(p, t)

    # Engineers with a field-app account help on site now and then.
    for t in times(by_id["e4004"], 4):
        work_order(by_id["e4004"], t, forced_kind="installation")

    # Contractors (not in the directory).
    for t in sorted(work_time("field-service") for _ in range(6)):
        work_order(None, t, actor=CONTRACTORS[0])
    for t in sorted(work_time("field-service") for _ in range(4)):
        work_order(None, t, actor=CONTRACTORS[1])

    # ---- Informal ----
    informal_rates = {  # videos, articles, podcasts, community posts, lunch & learns
        "emea-sales": (3.5, 2, 1, 1, 1), "na-sales": (3, 1.5, 1.5, 1, 1), "field-service": (3, 0.5, 1, 0.5, 0),
        "engineering": (6, 7, 1, 4, 1), "people-ops": (4, 6, 4, 2, 2),
    }
    for p in people:
        v, a, pc, q, ll = informal_rates[p.unit]
        for t in times(p, v):
            watch_video(p, t)
        if p.mbox:
            for t in times(p, a):
                read_article(p, t)
            for t in times(p, q):
                community(p, t)
            for t in times(p, ll):
                lunch_and_learn(p, t)
        for t in times(p, pc):
            podcast(p, t)
    # Mentoring: unit managers mentor their reports (sales and field less often), the people
    # partners run a cross-unit mentoring programme for a few employees.
    per_manager = {"e1000": 1, "e2000": 1, "e3000": 1, "e4000": 1.5, "e5000": 3}
    for p in people:
        if p.manager and p.mbox:
            for t in times(p, per_manager[p.manager]):
                mentoring(by_id[p.manager], p, t)
    for mentee_id, mentor_id in [("e1001", "e5001"), ("e2002", "e5001"), ("e3001", "e5002"),
                                 ("e3004", "e5002"), ("e4002", "e5003"), ("e4005", "e5003")]:
        for t in times(by_id[mentee_id], 2):
            mentoring(by_id[mentor_id], by_id[mentee_id], t)
    # A contractor watches a how-to video in the field app.
    watch_video(by_id["e3001"], work_time("field-service"), actor=dict(CONTRACTORS[1]))

    # ---- Unclassified: portal log-ins ----
    for p in rng.sample([p for p in people if p.mbox], 14):
        login(p, work_time(p.unit))

    # ---- Mistakes to void ----
    # 1. The field app retried a work order after a network drop and sent it again with a new id.
    noah = by_id["e3002"]
    orig = next(s for s in statements if s["actor"].get("account", {}).get("name") == noah.login
                and "/work-orders/" in s["object"]["id"] and s["timestamp"] < "2026-07")
    dup = json.loads(json.dumps(orig))
    dup["id"] = new_uuid()
    t = dt.datetime.strptime(orig["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    dup["timestamp"] = iso(t + dt.timedelta(seconds=41, milliseconds=250))
    statements.append(dup)
    # 2. A negotiation logged against the wrong customer.
    marcus = by_id["e2003"]
    wrong = sales_activity(marcus, "negotiation", work_time("na-sales", day=123))
    # 3. A lockout-tagout observation logged against Oskar Nilsson that was Jakub's (it is
    #    Oskar's only one: voiding it drops his electrical-safety evidence from level 4).
    oskar_obs = loto_observation(by_id["e3005"], work_time("field-service", day=150), force_pass=True)
    voids = [
        (noah.agent("field"), dup, WINDOW_DAYS - 2),
        (marcus.agent("field"), wrong, WINDOW_DAYS - 2),
        (by_id["e3000"].agent("field"), oskar_obs, WINDOW_DAYS - 2),
    ]
    voiding = []
    for actor, target, day in voids:
        s = {"id": new_uuid(), "actor": actor, "verb": verb("voided"),
             "object": {"objectType": "StatementRef", "id": target["id"]},
             "timestamp": iso(work_time("emea-sales", day=day))}
        voiding.append(s)
    return voiding


# ==== Rule evaluation (independent of lrsd) and expected profiles ================================


def modality_rules():
    FIELD_WORK = [T_PERFORMANCE, T_TASK, T_CHECKLIST]
    return [
        {"description": "cmi5: every cmi5-defined statement (launched, initialized, completed, passed, failed, "
                        "terminated) carries the cmi5 category; assigned course content launched from the LMS.",
         "when": {"category": CAT_CMI5}, "modality": "formal"},
        {"description": "LMS curriculum: instructor-led courses (classroom days), e-learning modules and "
                        "graded assessments, any verb.",
         "when": {"activityType": [T_COURSE, T_MODULE, T_ASSESSMENT]}, "modality": "formal"},
        {"description": "On-the-job work logged from the mobile field app: work orders and audits (tasks), "
                        "customer-facing performances (demos, negotiations, workshops, handovers) and "
                        "supervisor observation checklists.",
         "when": {"platform": "FieldApp", "activityType": FIELD_WORK}, "modality": "experiential"},
        {"description": "Work logged from other systems (intranet incident, release and HR case tools): "
                        "performances and tasks on any platform.",
         "when": {"activityType": [T_PERFORMANCE, T_TASK]}, "modality": "experiential"},
        {"description": "Lunch & learn webinars, marked by the intranet's program extension.",
         "when": {"extension": {"key": X_PROGRAM, "value": "lunch-and-learn"}}, "modality": "informal"},
        {"description": "Self-directed media: videos (xAPI video profile), podcasts (audio) and intranet articles.",
         "when": {"activityType": [T_VIDEO, T_AUDIO, T_ARTICLE]}, "modality": "informal"},
        {"description": "Mentoring sessions: the mentee's meeting and the mentor's 'mentored' statement both "
                        "carry the mentoring category.",
         "when": {"category": CAT_MENTORING}, "modality": "informal"},
        {"description": "Community Q&A on the intranet: asking and replying to questions.",
         "when": {"activityType": T_QUESTION, "verb": [VERBS["asked"][0], VERBS["replied"][0]]},
         "modality": "informal"},
    ]


def competency_rules():
    C, P = VERBS["completed"][0], VERBS["passed"][0]
    F = "https://field.example.com/"
    return [
        {"description": "Passed the negotiation basics course.",
         "when": {"activityIdPrefix": LMS + "negotiation-basics", "verb": P}, "competency": "negotiation", "level": 2},
        {"description": "Passed the advanced negotiation course (a higher level than the basics).",
         "when": {"activityIdPrefix": LMS + "negotiation-advanced", "verb": P}, "competency": "negotiation", "level": 4},
        {"description": "Negotiated with a customer (logged in the field app).",
         "when": {"activityIdPrefix": F + "sales/negotiations/", "verb": C}, "competency": "negotiation", "level": 3},
        {"description": "Passed the X200 platform deep dive.",
         "when": {"activityIdPrefix": LMS + "product-deep-dive", "verb": P}, "competency": "product-knowledge", "level": 4},
        {"description": "Gave a product demo at a customer.",
         "when": {"activityIdPrefix": F + "sales/demos/", "verb": C}, "competency": "product-knowledge", "level": 3},
        {"description": "Ran a solution design workshop with a customer.",
         "when": {"activityIdPrefix": F + "sales/workshops/", "verb": C}, "competency": "solution-design", "level": 3},
        {"description": "Any customer-facing performance logged in the field app.",
         "when": {"platform": "FieldApp", "activityType": T_PERFORMANCE}, "competency": "customer-communication", "level": 2},
        {"description": "Passed the annual electrical safety certification.",
         "when": {"activityIdPrefix": LMS + "electrical-safety-certification", "verb": P},
         "competency": "electrical-safety", "level": 3},
        {"description": "Passed a supervisor's on-site lockout-tagout observation (practice beats the course).",
         "when": {"activityIdPrefix": F + "observations/lockout-tagout", "verb": P},
         "competency": "electrical-safety", "level": 4},
        {"description": "Completed a corrective (fault-finding) work order.",
         "when": {"platform": "FieldApp", "verb": C, "extension": {"key": X_WO_TYPE, "value": "corrective"}},
         "competency": "equipment-diagnostics", "level": 3},
        {"description": "Shipped a release to production.",
         "when": {"activityIdPrefix": "https://intranet.example.com/eng/releases/", "verb": C},
         "competency": "software-delivery", "level": 3},
        {"description": "Resolved a production incident on call.",
         "when": {"activityIdPrefix": "https://intranet.example.com/ops/incidents/", "verb": C},
         "competency": "incident-response", "level": 2},
        {"description": "Mentored a colleague.",
         "when": {"verb": VERBS["mentored"][0]}, "competency": "coaching", "level": 3},
        {"description": "Completed the employment law update.",
         "when": {"activityIdPrefix": LMS + "employment-law-update", "verb": C},
         "competency": "employment-law", "level": 2},
    ]


def as_list(v):
    return v if isinstance(v, list) else [v]


def holds(when, s):
    obj = s["object"]
    is_activity = obj.get("objectType", "Activity") == "Activity"
    ctx = s.get("context", {})
    for key, val in when.items():
        if key == "verb":
            if s["verb"]["id"] not in as_list(val):
                return False
        elif key == "activityType":
            if not is_activity or obj.get("definition", {}).get("type") not in as_list(val):
                return False
        elif key == "activityIdPrefix":
            if not is_activity or not any(obj["id"].startswith(v) for v in as_list(val)):
                return False
        elif key == "platform":
            if ctx.get("platform") not in as_list(val):
                return False
        elif key == "category":
            cats = [a["id"] for a in ctx.get("contextActivities", {}).get("category", [])]
            if not any(c in cats for c in as_list(val)):
                return False
        elif key == "extension":
            places = [ctx.get("extensions", {}), s.get("result", {}).get("extensions", {}),
                      obj.get("definition", {}).get("extensions", {}) if is_activity else {}]
            if not any(val["key"] in e and e[val["key"]] == val["value"] for e in places):
                return False
        else:
            raise ValueError(key)
    return True


def parse_duration_tenths(d):
    assert d.startswith("PT")
    rest, total, num = d[2:], 0.0, ""
    for ch in rest:
        if ch.isdigit() or ch == ".":
            num += ch
        else:
            total += float(num) * {"H": 3600, "M": 60, "S": 1}[ch]
            num = ""
    return total


def ifi_key(agent):
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    return "account:%s|%s" % (agent["account"]["homePage"], agent["account"]["name"])


MODALITIES = ["formal", "experiential", "informal", "unclassified"]


def empty_aggregate():
    return {"statements": {m: 0 for m in MODALITIES}, "millis": {m: 0 for m in MODALITIES},
            "completed": 0, "passed": 0, "failed": 0, "scaledSum": 0.0, "scaledCount": 0, "competencies": {}}


def add(agg, s, modality, comps):
    agg["statements"][modality] += 1
    r = s.get("result", {})
    if "duration" in r:
        agg["millis"][modality] += int(round(parse_duration_tenths(r["duration"]) * 1000))
    if r.get("completion") is True:
        agg["completed"] += 1
    if r.get("success") is True:
        agg["passed"] += 1
    if r.get("success") is False:
        agg["failed"] += 1
    if "score" in r and "scaled" in r["score"]:
        agg["scaledSum"] += r["score"]["scaled"]
        agg["scaledCount"] += 1
    qualifies = r.get("completion") is True or r.get("success") is True
    for c, level in comps:
        t = agg["competencies"].setdefault(c, {"evidence": 0, "level": 0})
        t["evidence"] += 1
        if qualifies:
            t["level"] = max(t["level"], level)


def merge(into, agg):
    for m in MODALITIES:
        into["statements"][m] += agg["statements"][m]
        into["millis"][m] += agg["millis"][m]
    for k in ("completed", "passed", "failed", "scaledSum", "scaledCount"):
        into[k] += agg[k]
    for c, t in agg["competencies"].items():
        u = into["competencies"].setdefault(c, {"evidence": 0, "level": 0})
        u["evidence"] += t["evidence"]
        u["level"] = max(u["level"], t["level"])


def finish(agg):
    agg["scaledSum"] = round(agg["scaledSum"], 6)
    agg["hours"] = {m: round(agg["millis"][m] / 3600000.0, 2) for m in MODALITIES}
    agg["competencies"] = dict(sorted(agg["competencies"].items()))
    return agg


def expected(all_statements, rules):
    voided = {s["object"]["id"] for s in all_statements if s["verb"]["id"] == VERBS["voided"][0]}
    owner = {}
    for p in people:
        for i in p.ifis():
            owner[ifi_key(i)] = p.id
    per_person = {p.id: empty_aggregate() for p in people}
    unmapped = {}
    for s in all_statements:
        if s["verb"]["id"] == VERBS["voided"][0] or s["id"] in voided:
            continue
        modality = next((r["modality"] for r in rules["modality"] if holds(r["when"], s)), "unclassified")
        comps = [(r["competency"], r["level"]) for r in rules["competency"] if holds(r["when"], s)]
        k = ifi_key(s["actor"])
        if k in owner:
            add(per_person[owner[k]], s, modality, comps)
        else:
            add(unmapped.setdefault(k, empty_aggregate()), s, modality, comps)
    roles = {r[0]: r[2] for r in ROLES}
    out_people = {}
    for p in people:
        agg = finish(per_person[p.id])
        gaps = []
        for comp, level in roles[p.role]:
            have = agg["competencies"].get(comp, {}).get("level", 0)
            if have < level:
                gaps.append({"competency": comp, "required": level, "level": have})
        agg["gaps"] = gaps
        out_people[p.id] = dict({"name": p.name, "unit": p.unit, "role": p.role}, **agg)
    units = {}
    for u in UNITS:
        agg = empty_aggregate()
        members = [p for p in people if p.unit == u]
        for p in members:
            merge(agg, per_person[p.id])
        units[u] = dict({"people": len(members)}, **finish(agg))
    org = empty_aggregate()
    for p in people:
        merge(org, per_person[p.id])
    return {
        "description": "What lrsd should report after loading framework.json, rules.json, people.json and every "
                       "statements file, computed by generate.py's own evaluation of rules.json: voided statements "
                       "and voiding statements contribute nothing; time is the sum of result.duration of every "
                       "statement (a cmi5 session counts its completed, passed/failed and terminated durations); a "
                       "competency's level is the highest level of a matching rule on a statement with "
                       "result.completion or result.success true. The organisation is the people of the "
                       "directory; actors outside it (two contractors) are listed under unmapped by IFI key "
                       "(GET /learning/agents?agent=...).",
        "people": out_people,
        "units": units,
        "organization": finish(org),
        "unmapped": {k: finish(v) for k, v in sorted(unmapped.items())},
        "voided": sorted(voided),
    }


# ==== Goals, development plans, costs and KPIs ===================================================
# Written after everything above, from a random generator of their own, so that they change none
# of the files above (expected-profiles.json stays as it is).
#
#   goals.json          PUT /admin/goals        the cascade: organisation goals, unit goals under them
#   plans/<id>.json     PUT /admin/plans/<id>   individual development plans for 2026
#   costs.json          PUT /admin/costs        what learning costs (EUR), first matching rule prices
#   kpis/<unit>.json    PUT /admin/kpis/<unit>  12 months of each unit's KPIs (2025-11 .. 2026-10)
#   kpis/organization.json  PUT /admin/kpis     the organisation's own KPIs

BIZ_SEED = SEED + 1
AS_OF = dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=dt.timezone.utc)  # the README's ?until=
PLAN_FROM, PLAN_TO = "2026-01-01", "2026-12-31"
KPI_MONTHS = ["2025-11", "2025-12"] + ["2026-%02d" % m for m in range(1, 11)]

GOALS = [
    {"id": "g-growth", "title": "Grow revenue 10% in 2026",
     "competencies": ["negotiation", "product-knowledge", "solution-design"], "kpis": ["revenue"]},
    {"id": "g-safety", "title": "Zero lost-time incidents",
     "competencies": ["electrical-safety"], "kpis": ["incidents"]},
    {"id": "g-people", "title": "Grow our people",
     "competencies": ["coaching"], "kpis": ["engagement", "attrition"]},
    {"id": "g-emea-value-selling", "title": "EMEA: grow revenue 12% through value selling",
     "parent": "g-growth", "unit": "emea-sales",
     "competencies": ["negotiation", "solution-design", "product-knowledge"], "kpis": ["revenue", "win-rate"]},
    {"id": "g-na-win-rate", "title": "North America: win 30% of competitive deals",
     "parent": "g-growth", "unit": "na-sales",
     "competencies": ["negotiation", "product-knowledge"], "kpis": ["win-rate", "revenue"]},
    {"id": "g-na-solutions", "title": "North America: a solution design workshop in every deal over 100k",
     "parent": "g-growth", "unit": "na-sales",
     "competencies": ["solution-design", "product-knowledge"], "kpis": ["win-rate"]},
    {"id": "g-fs-safe-hands", "title": "Field service: every technician observed safe on lockout-tagout",
     "parent": "g-safety", "unit": "field-service",
     "competencies": ["electrical-safety"], "kpis": ["incidents"]},
    {"id": "g-fs-first-time-fix", "title": "Field service: 85% first-time fix",
     "parent": "g-growth", "unit": "field-service",
     "competencies": ["equipment-diagnostics", "customer-communication", "product-knowledge"],
     "kpis": ["first-time-fix-rate"]},
    {"id": "g-eng-delivery", "title": "Engineering: ship every service every month",
     "parent": "g-growth", "unit": "engineering",
     "competencies": ["software-delivery", "product-knowledge"], "kpis": ["releases"]},
    {"id": "g-eng-reliability", "title": "Engineering: halve escaped defects",
     "parent": "g-growth", "unit": "engineering",
     "competencies": ["incident-response", "software-delivery"], "kpis": ["defects"]},
    {"id": "g-po-coaching", "title": "People Ops: every manager a coach",
     "parent": "g-people", "unit": "people-ops",
     "competencies": ["coaching"], "kpis": ["engagement"]},
    {"id": "g-po-retention", "title": "People Ops: regretted attrition under 9%",
     "parent": "g-people", "unit": "people-ops",
     "competencies": ["employment-law", "coaching"], "kpis": ["attrition"]},
]

# Development plans: person -> items (goal, competency, target level, due, activities, planned
# hours, and the status the item should have at AS_OF; generate.py checks it, it is not written).
# Activities: "course:<slug>" is the cmi5 AU of an LMS course, "classroom:<slug>" a classroom day,
# "video:<slug>" a video, "loto" the lockout-tagout observation, "own:<prefix>[#k]" the person's
# own k-th most completed activity under the prefix, "any:<prefix>" the activity under the prefix
# that the most people completed. A relative prefix is under https://field.example.com/.
PLANS = {
    "e1000": [("g-people", "coaching", 3, "2026-06-30", ["course:coaching-for-managers"], 6, "done"),
              ("g-emea-value-selling", "product-knowledge", 4, "2026-12-31", ["own:sales/demos/"], 1, "on-track")],
    "e1001": [("g-emea-value-selling", "solution-design", 3, "2026-06-30",
               ["own:sales/workshops/", "own:sales/workshops/#1"], 6, "done"),
              ("g-emea-value-selling", "negotiation", 4, "2026-12-31",
               ["course:negotiation-advanced", "own:sales/negotiations/"], 10, "at-risk")],
    "e1002": [("g-emea-value-selling", "negotiation", 4, "2026-08-31", ["course:negotiation-advanced"], 3, "done"),
              ("g-emea-value-selling", "solution-design", 3, "2026-11-30",
               ["any:sales/workshops/", "video:product-dispatch-suite-tour"], 8, "at-risk")],
    "e1003": [("g-emea-value-selling", "negotiation", 4, "2026-09-30",
               ["course:negotiation-advanced", "classroom:value-selling-academy"], 12, "overdue")],
    "e1004": [("g-emea-value-selling", "negotiation", 4, "2026-12-31",
               ["course:negotiation-basics", "own:sales/negotiations/"], 2, "on-track")],
    "e1005": [("g-emea-value-selling", "negotiation", 4, "2026-12-31",
               ["classroom:value-selling-academy", "own:sales/negotiations/"], 3, "on-track")],
    "e1007": [("g-emea-value-selling", "negotiation", 4, "2026-11-30",
               ["course:negotiation-advanced", "course:negotiation-basics"], 8, "at-risk")],
    "e2000": [("g-people", "coaching", 3, "2026-03-31", ["course:coaching-for-managers"], 4, "done"),
              ("g-na-win-rate", "negotiation", 4, "2026-12-31",
               ["classroom:value-selling-academy", "own:sales/negotiations/"], 3, "on-track")],
    "e2001": [("g-na-win-rate", "negotiation", 4, "2026-07-31", ["course:negotiation-advanced"], 4, "overdue")],
    "e2002": [("g-na-solutions", "product-knowledge", 4, "2026-09-30",
               ["course:product-deep-dive", "video:product-x200-overview"], 6, "overdue")],
    "e2003": [("g-na-win-rate", "negotiation", 4, "2026-06-30", ["course:negotiation-advanced"], 3, "done"),
              ("g-na-solutions", "product-knowledge", 4, "2026-12-31", ["course:product-deep-dive"], 6, "at-risk")],
    "e2004": [("g-na-solutions", "solution-design", 3, "2026-05-31", ["own:sales/workshops/"], 3, "done"),
              ("g-na-solutions", "product-knowledge", 4, "2026-12-31",
               ["own:sales/demos/", "own:sales/demos/#1"], 2, "on-track")],
    "e2005": [("g-na-solutions", "product-knowledge", 4, "2026-12-31",
               ["own:sales/demos/", "own:sales/demos/#1"], 1.5, "on-track")],
    "e2006": [("g-na-solutions", "product-knowledge", 4, "2026-10-31",
               ["course:product-deep-dive", "own:sales/demos/"], 5, "at-risk")],
    "e2007": [("g-na-win-rate", "negotiation", 4, "2026-05-31",
               ["course:negotiation-basics", "classroom:value-selling-academy"], 10, "overdue")],
    "e3000": [("g-fs-safe-hands", "electrical-safety", 3, "2026-04-30", ["classroom:field-safety-day"], 7, "overdue"),
              ("g-fs-first-time-fix", "customer-communication", 2, "2026-12-31", ["any:handovers/"], 4, "at-risk")],
    "e3001": [("g-fs-safe-hands", "electrical-safety", 4, "2026-09-30",
               ["loto", "classroom:field-safety-day"], 8, "done")],
    "e3002": [("g-fs-first-time-fix", "equipment-diagnostics", 3, "2026-06-30",
               ["course:diagnostics-fundamentals", "own:work-orders/"], 4, "done")],
    "e3005": [("g-fs-safe-hands", "electrical-safety", 4, "2026-09-30",
               ["loto", "course:electrical-safety-certification"], 6, "overdue"),
              ("g-fs-first-time-fix", "equipment-diagnostics", 3, "2026-08-31",
               ["course:diagnostics-fundamentals"], 2, "done")],
    "e3007": [("g-fs-first-time-fix", "product-knowledge", 2, "2026-12-31",
               ["video:product-x200-overview", "course:product-essentials"], 3, "at-risk")],
    "e3009": [("g-fs-safe-hands", "electrical-safety", 3, "2026-08-31", ["loto"], 2, "done"),
              ("g-fs-first-time-fix", "equipment-diagnostics", 3, "2026-10-31",
               ["own:work-orders/", "video:howto-chiller-leak-test"], 6, "done")],
    "e4000": [("g-growth", "negotiation", 2, "2026-09-30", ["course:negotiation-basics"], 3, "overdue"),
              ("g-eng-reliability", "incident-response", 2, "2026-06-30",
               ["own:https://intranet.example.com/ops/incidents/"], 4, "done")],
    "e4001": [("g-eng-reliability", "incident-response", 2, "2026-06-30", ["course:incident-command"], 2, "done"),
              ("g-eng-delivery", "product-knowledge", 2, "2026-11-30",
               ["video:product-x200-overview", "course:product-essentials"], 2, "at-risk")],
    "e4002": [("g-eng-delivery", "software-delivery", 3, "2026-09-30",
               ["course:secure-coding", "own:https://intranet.example.com/eng/releases/"], 5, "done")],
    "e4005": [("g-eng-delivery", "product-knowledge", 2, "2026-12-31", ["video:product-x200-overview"], 1, "at-risk")],
    "e5000": [("g-po-coaching", "coaching", 3, "2026-06-30", ["course:coaching-for-managers"], 3, "done"),
              ("g-growth", "negotiation", 2, "2026-10-15", ["course:negotiation-basics"], 3, "overdue")],
    "e5001": [("g-po-retention", "employment-law", 2, "2026-03-31", ["course:employment-law-update"], 2, "done"),
              ("g-po-coaching", "coaching", 3, "2026-12-31", ["course:coaching-for-managers"], 4, "done")],
}


def cost_rules():
    C, T = VERBS["completed"][0], VERBS["terminated"][0]
    return {
        "description": "Northwind Field Systems: what learning costs. The first rule whose 'when' holds prices a "
                       "statement: perCompletion when its result has completion or success true, plus perHour times "
                       "its result.duration. Field work, videos, podcasts, articles and community Q&A cost nothing "
                       "(no rule).",
        "currency": "EUR",
        "rules": [
            {"description": "Vendor e-learning (advanced negotiation, secure coding): a licence per registration, "
                            "charged on the cmi5 'completed'. The sessions' 'terminated' statements match too and "
                            "cost nothing, so that they do not fall through to the LMS hourly rate below.",
             "when": {"activityIdPrefix": [LMS + "negotiation-advanced", LMS + "secure-coding"], "verb": [C, T]},
             "perCompletion": 400},
            {"description": "Electrical safety certification: the external certification body's fee per registration.",
             "when": {"activityIdPrefix": LMS + "electrical-safety-certification", "verb": [C, T]},
             "perCompletion": 250},
            {"description": "Sales academy (value selling workshop): an external trainer, per attendee.",
             "when": {"activityIdPrefix": "https://lms.example.com/classroom/value-selling-academy"},
             "perCompletion": 650},
            {"description": "Field safety classroom day: internal trainer; venue and catering per attendee.",
             "when": {"activityIdPrefix": "https://lms.example.com/classroom/field-safety-day"},
             "perCompletion": 120},
            {"description": "Internal LMS courses (cmi5): LMS licence and content upkeep per session hour, on the "
                            "'terminated' statement that carries the session's whole time.",
             "when": {"category": CAT_CMI5, "verb": T}, "perHour": 18},
            {"description": "Internal e-learning module and assessment: the same LMS rate per hour.",
             "when": {"platform": "LMS", "activityType": [T_MODULE, T_ASSESSMENT]}, "perHour": 18},
            {"description": "Mentoring and coaching: the mentor's time, charged per hour on the mentee's 'attended' "
                            "(the mentor's own 'mentored' statement costs nothing).",
             "when": {"category": CAT_MENTORING, "verb": VERBS["attended"][0]}, "perHour": 90},
            {"description": "Lunch & learn webinars: lunch per attendee.",
             "when": {"extension": {"key": X_PROGRAM, "value": "lunch-and-learn"}}, "perCompletion": 12},
        ],
    }


def poisson(r, lam):
    """Knuth's method: fine for the small means of monthly incident counts."""
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def kpi_sets(r):
    """Monthly KPI values, 2025-11 .. 2026-10: a trend from `start` to `end`, a seasonal factor and
    noise. Returns {unit or "": [(kpi, direction, [values])]}; the organisation's ("") are sums and
    copies of the units'."""
    n = len(KPI_MONTHS)

    def trend(start, end, i):
        return start + (end - start) * i / (n - 1)

    # Seasonality by month index (Nov .. Oct): year-end push, January lull, quarter ends, summer.
    emea_season = [1.02, 1.12, 0.84, 0.93, 1.06, 0.96, 0.98, 1.07, 0.92, 0.80, 1.05, 1.03]
    na_season = [1.04, 1.10, 0.86, 0.94, 1.07, 0.97, 0.99, 1.06, 0.95, 0.92, 1.04, 1.02]

    def revenue(start, end, season):
        return [int(round(trend(start, end, i) * season[i] * r.uniform(0.96, 1.04), -3)) for i in range(n)]

    def rate(start, end, noise):
        return [round(trend(start, end, i) + r.uniform(-noise, noise), 1) for i in range(n)]

    def count(start, end, noise):
        return [max(0, int(round(trend(start, end, i) + r.uniform(-noise, noise)))) for i in range(n)]

    out = {
        "emea-sales": [("revenue", "higher", revenue(1_080_000, 1_230_000, emea_season)),
                       ("win-rate", "higher", rate(26.5, 31.5, 1.6))],
        "na-sales": [("revenue", "higher", revenue(1_420_000, 1_560_000, na_season)),
                     ("win-rate", "higher", rate(23.0, 27.5, 1.8))],
        "field-service": [("first-time-fix-rate", "higher", rate(77.5, 84.0, 1.4)),
                          ("incidents", "lower", [poisson(r, trend(2.6, 0.7, i)) for i in range(n)])],
        "engineering": [("releases", "higher", count(7, 12, 1.6)),
                        ("defects", "lower", count(17, 9, 2.4))],
        "people-ops": [("attrition", "lower", rate(12.6, 9.4, 0.3)),
                       ("engagement", "higher", rate(66.0, 72.5, 1.0))],
    }
    k = {u: dict((name, values) for name, _, values in sets) for u, sets in out.items()}
    out[""] = [("revenue", "higher", [a + b for a, b in zip(k["emea-sales"]["revenue"], k["na-sales"]["revenue"])]),
               ("incidents", "lower", list(k["field-service"]["incidents"])),
               ("engagement", "higher", list(k["people-ops"]["engagement"])),
               ("attrition", "lower", list(k["people-ops"]["attrition"]))]
    return out


def days_of(text):
    return dt.date.fromisoformat(text)  # raises on dates that do not exist (2026-02-30)


def business(all_statements, rules, exp):
    """Writes goals.json, plans/, costs.json and kpis/, checks them, and returns what lrsd should
    report about them at AS_OF (plan statuses, costs) for the summary."""
    r = random.Random(BIZ_SEED)
    comp_ids = {c for c, _ in COMPETENCIES}
    voided = {s["object"]["id"] for s in all_statements if s["verb"]["id"] == VERBS["voided"][0]}
    live = [s for s in all_statements if s["verb"]["id"] != VERBS["voided"][0] and s["id"] not in voided]
    owner = {ifi_key(i): p.id for p in people for i in p.ifis()}

    # ---- Goals: unique ids, parents exist, unit goals have one, no cycles, known competencies.
    ids = [g["id"] for g in GOALS]
    goal_by_id = {g["id"]: g for g in GOALS}
    assert len(ids) == len(set(ids)), "duplicate goal id"
    for g in GOALS:
        assert ("unit" in g) == ("parent" in g), g["id"]
        assert g.get("unit", UNITS[0]) in UNITS, g["id"]
        assert all(c in comp_ids for c in g.get("competencies", [])), g["id"]
        seen, cur = set(), g
        while "parent" in cur:
            assert cur["id"] not in seen, "cycle at " + g["id"]
            seen.add(cur["id"])
            cur = goal_by_id[cur["parent"]]
            assert "unit" not in cur or "unit" in g, "organisation goal under a unit goal: " + g["id"]
    goals_doc = [dict([("id", g["id"]), ("title", g["title"])] +
                      [(k, g[k]) for k in ("parent", "unit", "competencies", "kpis") if k in g]) for g in GOALS]

    # ---- What each person did on each activity: completions (completion or success true) and time.
    tally = {}  # (person, activity) -> [statements, completions, millis]
    completed_by = {}  # activity -> set of people who completed it
    for s in live:
        pid = owner.get(ifi_key(s["actor"]))
        obj = s["object"]
        if pid is None or obj.get("objectType", "Activity") != "Activity":
            continue
        res = s.get("result", {})
        t = tally.setdefault((pid, obj["id"]), [0, 0, 0])
        t[0] += 1
        if res.get("completion") is True or res.get("success") is True:
            t[1] += 1
            completed_by.setdefault(obj["id"], set()).add(pid)
        if "duration" in res:
            t[2] += int(round(parse_duration_tenths(res["duration"]) * 1000))
    in_statements = {s["object"]["id"] for s in live if s["object"].get("objectType", "Activity") == "Activity"}

    def resolve(pid, spec):
        kind, _, arg = spec.partition(":")
        if spec == "loto":
            return "https://field.example.com/observations/lockout-tagout"
        if kind == "course":
            return LMS + arg + "/au/main"
        if kind == "classroom":
            return "https://lms.example.com/classroom/" + arg
        if kind == "video":
            return "https://video.example.com/videos/" + arg
        prefix, _, k = arg.partition("#")
        if not prefix.startswith("https://"):
            prefix = "https://field.example.com/" + prefix
        if kind == "own":
            mine = sorted(((-c[1], -c[2], a) for (p, a), c in tally.items() if p == pid and a.startswith(prefix)
                           and c[1] > 0))
            return mine[int(k or 0)][2]
        if kind == "any":
            return sorted((-len(who), a) for a, who in completed_by.items() if a.startswith(prefix))[0][1]
        raise ValueError(spec)

    # ---- Plans, and their status at AS_OF the way lrsd judges it.
    at = AS_OF
    plan_from = dt.datetime.combine(days_of(PLAN_FROM), dt.time(), dt.timezone.utc)
    statuses = {}  # person -> [status, ...]
    plan_docs = {}
    for pid, items in PLANS.items():
        p = by_id[pid]
        out_items = []
        for goal, comp, target, due, specs, hours, want in items:
            assert goal in goal_by_id and comp in comp_ids and 1 <= target <= 10 and hours >= 0, (pid, goal)
            g = goal_by_id[goal]
            assert g.get("unit", p.unit) == p.unit, (pid, goal)  # a unit goal of their own unit, or an organisation goal
            due_end = dt.datetime.combine(days_of(due), dt.time(), dt.timezone.utc) + dt.timedelta(days=1) - \
                dt.timedelta(microseconds=1)
            activities = [resolve(pid, sp) for sp in specs]
            assert all(a in in_statements for a in activities), (pid, activities)
            level = exp["people"][pid]["competencies"].get(comp, {}).get("level", 0)
            done_n = sum(1 for a in activities if tally.get((pid, a), [0, 0, 0])[1] > 0)
            spent = sum(tally.get((pid, a), [0, 0, 0])[2] for a in activities) / 3600000.0
            if level >= target:
                status = "done"
            elif at > due_end:
                status = "overdue"
            else:
                parts = [min(1.0, level / target), min(1.0, done_n / len(activities))]
                if hours > 0:
                    parts.append(min(1.0, spent / hours))
                expected_share = min(1.0, max(0.0, (at - plan_from) / (due_end - plan_from)))
                status = "on-track" if sum(parts) / len(parts) >= expected_share else "at-risk"
            if status != want:
                raise SystemExit("plan of %s, %s %s: %s, not %s (level %d, %d/%d activities, %.2f of %s h)"
                                 % (pid, goal, comp, status, want, level, done_n, len(activities), spent, hours))
            statuses.setdefault(pid, []).append(status)
            out_items.append(dict([("goal", goal), ("competency", comp), ("targetLevel", target), ("due", due),
                                   ("activities", activities), ("hours", hours)]))
        plan_docs[pid] = {"from": PLAN_FROM, "to": PLAN_TO, "items": out_items}

    # ---- Costs: first matching rule, in cents (hourly part rounded half up on whole milliseconds).
    costs = cost_rules()
    cents = {p.id: 0 for p in people}
    by_rule = [[0, 0] for _ in costs["rules"]]  # statements priced above 0, cents
    for s in live:
        pid = owner.get(ifi_key(s["actor"]))
        k = next((i for i, c in enumerate(costs["rules"]) if holds(c["when"], s)), None)
        if k is None or pid is None:
            continue
        rule = costs["rules"][k]
        res = s.get("result", {})
        c = 0
        if res.get("completion") is True or res.get("success") is True:
            c += int(round(rule.get("perCompletion", 0) * 100))
        if "duration" in res and rule.get("perHour"):
            millis = int(round(parse_duration_tenths(res["duration"]) * 1000))
            c += (2 * int(round(rule["perHour"] * 100)) * millis + 3600000) // 7200000
        cents[pid] += c
        by_rule[k][0] += 1 if c else 0
        by_rule[k][1] += c

    # ---- KPIs.
    kpis = kpi_sets(r)

    # ---- Write.
    for sub in ("plans", "kpis"):
        os.makedirs(os.path.join(OUT_DIR, sub), exist_ok=True)
        for old in sorted(os.listdir(os.path.join(OUT_DIR, sub))):
            if old.endswith(".json"):
                os.remove(os.path.join(OUT_DIR, sub, old))
    write_json("goals.json", goals_doc)
    for pid, doc in plan_docs.items():
        write_json("plans/%s.json" % pid, doc)
    write_json("costs.json", costs)
    for unit, sets in kpis.items():
        doc = {"kpis": [{"kpi": k, "direction": d} for k, d, _ in sets],
               "values": [{"kpi": k, "month": m, "value": v} for k, _, vs in sets for m, v in zip(KPI_MONTHS, vs)]}
        write_json("kpis/%s.json" % (unit or "organization"), doc)
    return {"statuses": statuses, "cents": cents, "by_rule": by_rule, "kpis": kpis, "plans": plan_docs}


def business_summary(biz):
    order = ["done", "on-track", "at-risk", "overdue"]
    print("\ngoals %d (%d organisation, %d unit); plans %d people, %d items; cost rules %d"
          % (len(GOALS), sum(1 for g in GOALS if "unit" not in g), sum(1 for g in GOALS if "unit" in g),
             len(biz["plans"]), sum(len(v) for v in biz["statuses"].values()), len(cost_rules()["rules"])))
    print("at %s        %s   %10s" % (iso(AS_OF)[:10], " ".join("%8s" % s for s in order), "cost EUR"))
    rows = [(u, [p.id for p in people if p.unit == u]) for u in UNITS] + [("(organization)", [p.id for p in people])]
    for u, ids in rows:
        counts = {s: 0 for s in order}
        for pid in ids:
            for s in biz["statuses"].get(pid, []):
                counts[s] += 1
        print("%-15s %s   %10.2f" % (u, " ".join("%8d" % counts[s] for s in order),
                                      sum(biz["cents"][pid] for pid in ids) / 100.0))
    for i, (n, c) in enumerate(biz["by_rule"], 1):
        print("cost rule %d: %3d statements priced, %9.2f EUR" % (i, n, c / 100.0))
    for unit, sets in biz["kpis"].items():
        print("kpis %-15s %s" % (unit or "(organization)",
                                 ", ".join("%s %s..%s" % (k, vs[0], vs[-1]) for k, _, vs in sets)))


# ==== Output =====================================================================================


def write_json(name, value, indent=2):
    with open(os.path.join(OUT_DIR, name), "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=False, indent=indent)
        f.write("\n")


def unmapped_total(exp):
    agg = empty_aggregate()
    for a in exp["unmapped"].values():
        merge(agg, a)
    return finish(agg)


def main():
    voiding = generate()
    statements.sort(key=lambda s: (s["timestamp"], s["id"]))
    total = len(statements) + len(voiding)
    n_files = -(-total // MAX_PER_FILE)
    per_file = -(-total // n_files)
    chunks = [statements[i:i + per_file] for i in range(0, len(statements), per_file)]
    while len(chunks) < n_files:
        chunks.append([])
    if len(chunks[-1]) + len(voiding) > MAX_PER_FILE:
        raise SystemExit("voiding statements do not fit in the last file")
    voided_ids = {s["object"]["id"] for s in voiding}
    if any(s["id"] in voided_ids for s in chunks[-1]):
        raise SystemExit("a voided statement landed in the last file")
    chunks[-1] = chunks[-1] + voiding

    for old in sorted(os.listdir(OUT_DIR)):
        if old.startswith("statements-") and old.endswith(".json"):
            os.remove(os.path.join(OUT_DIR, old))

    write_json("people.json", [dict([("id", p.id), ("name", p.name), ("ifis", p.ifis()), ("role", p.role),
                                     ("unit", p.unit)] + ([("manager", p.manager)] if p.manager else []))
                               for p in people])
    write_json("framework.json", {
        "competencies": [{"id": i, "name": n} for i, n in COMPETENCIES],
        "roles": [{"id": i, "name": n, "requires": [{"competency": c, "level": l} for c, l in req]}
                  for i, n, req in ROLES]})
    rules = {"description": "Northwind Field Systems: how statements become formal, experiential or informal "
                            "learning, and which count as competency evidence (see README.md).",
             "modality": modality_rules(), "competency": competency_rules()}
    write_json("rules.json", rules)
    names = []
    for i, chunk in enumerate(chunks, 1):
        name = "statements-%03d.json" % i
        write_json(name, chunk)
        names.append((name, len(chunk)))
    all_statements = [s for c in chunks for s in c]
    exp = expected(all_statements, rules)
    write_json("expected-profiles.json", exp)
    biz = business(all_statements, rules, exp)

    # ---- Summary ----
    print("people %d (units %d, roles %d), competencies %d, contractors %d"
          % (len(people), len(UNITS), len(ROLES), len(COMPETENCIES), len(CONTRACTORS)))
    print("rules: %d modality, %d competency" % (len(rules["modality"]), len(rules["competency"])))
    print("statements %d in %d files: %s" % (len(all_statements), len(names),
                                             ", ".join("%s=%d" % n for n in names)))
    counted = {m: 0 for m in MODALITIES}
    for s in all_statements:
        if s["verb"]["id"] == VERBS["voided"][0]:
            continue
        m = next((r["modality"] for r in rules["modality"] if holds(r["when"], s)), "unclassified")
        counted[m] += 1
    n = sum(counted.values())
    print("all statements by modality (voided targets included, voiding excluded):")
    for m in MODALITIES:
        print("  %-13s %5d  %5.1f%%" % (m, counted[m], 100.0 * counted[m] / n))
    print("voiding statements %d (voided: %s)" % (len(voiding), ", ".join(exp["voided"])))
    print("\nafter voiding           statements by modality              hours by modality")
    print("%-15s %6s %6s %6s %6s %6s   %8s %8s %8s %8s" % ("unit", "ppl", "form", "exp", "inf", "uncl",
                                                         "formal", "exper", "informal", "uncl"))
    rows = [(u, exp["units"][u]) for u in UNITS] + [("(organization)", exp["organization"])] + \
        [("(contractors)", a) for a in [unmapped_total(exp)]]
    for u, a in rows:
        print("%-15s %6s %6d %6d %6d %6d   %8.1f %8.1f %8.1f %8.1f" % (
            u, a.get("people", ""), *(a["statements"][m] for m in MODALITIES), *(a["hours"][m] for m in MODALITIES)))
    for k, a in exp["unmapped"].items():
        print("unmapped %s: %d statements" % (k, sum(a["statements"].values())))
    business_summary(biz)


if __name__ == "__main__":
    main()
