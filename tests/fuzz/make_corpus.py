#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are small valid inputs, so that libFuzzer starts from inputs that go deep: statements
like the unit tests', a multipart body with an attachment, signed statements (RS256 with an x5c
certificate made here with a fresh key, and without one), query strings, `more` cursors (the
byte format of query::EncodeCursor), and admin documents, most from tests/data/sample-org/.
Run it again after changing the input formats; the corpora are checked in (keep them small).
Needs python3-cryptography for the JWS seeds.
"""
import base64
import hashlib
import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLE = os.path.join(ROOT, "tests", "data", "sample-org")


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def sample(name):
    with open(os.path.join(SAMPLE, name), "rb") as f:
        return f.read()


def sample_json(name):
    return json.loads(sample(name))


# ---- statements ---------------------------------------------------------------------------------
MINIMAL = {
    "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
    "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"},
}
TYPICAL = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "timestamp": "2015-11-18T12:17:00+00:00",
    "actor": {"objectType": "Agent", "name": "Project Tin Can API", "mbox": "mailto:user@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "de-DE": "beantwortete"}},
    "object": {"id": "http://adlnet.gov/expapi/activities/example/question-1", "objectType": "Activity",
               "definition": {"name": {"en-US": "Example Question 1"}, "description": {"en-US": "Which is correct?"},
                              "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                              "moreInfo": "http://example.com/q1", "interactionType": "choice",
                              "correctResponsesPattern": ["golf[,]tetris"],
                              "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}},
                                          {"id": "tetris", "description": {"en-US": "Tetris Example", "fr": "Tetris"}}],
                              "extensions": {"http://example.com/ext/difficulty": 3}}},
    "result": {"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "success": True, "completion": True,
               "response": "golf[,]tetris", "duration": "PT1M30.5S", "extensions": {"http://example.com/ext/attempts": 2}},
    "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                "instructor": {"name": "Teacher", "account": {"homePage": "http://example.com", "name": "t1"}},
                "contextActivities": {"parent": [{"id": "http://example.com/courses/course-1", "objectType": "Activity"}],
                                      "category": [{"id": "http://example.com/profiles/cmi5"}]},
                "revision": "r2", "platform": "Example LMS", "language": "en-US",
                "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
                "extensions": {"http://example.com/ext/session": "abc123"}},
}
SUBSTATEMENT = dict(MINIMAL, object={
    "objectType": "SubStatement",
    "actor": {"objectType": "Agent", "mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/reported", "display": {"en-US": "reported"}},
    "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534",
               "definition": {"name": {"en-US": "Meeting", "und": "M"}}},
    "context": {"contextActivities": {"parent": {"id": "http://example.com/p"}}}})
GROUP = {
    "actor": {"objectType": "Group", "name": "Team", "account": {"homePage": "http://example.com", "name": "team"},
              "member": [{"mbox": "mailto:a@example.com"}, {"openid": "http://openid.example.com/b"}]},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"objectType": "Agent", "mbox": "mailto:c@Example.com"},
    "context": {"team": {"objectType": "Group", "member": [{"mbox": "mailto:d@example.com"}]},
                "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:e@example.com"},
                                   "relevantTypes": ["http://example.com/types/coach"]}],
                "contextGroups": [{"objectType": "contextGroup",
                                   "group": {"objectType": "Group", "mbox": "mailto:g@example.com"}}]},
    "timestamp": "2024-02-29T23:59:59.999999Z",
}
VOIDING = {
    "actor": {"mbox": "mailto:admin@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
    "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
}
ATTACHMENT = dict(MINIMAL, attachments=[{
    "usageType": "http://example.com/attachment-usage/test", "display": {"en-US": "A test attachment"},
    "description": {"en-US": "A test attachment (description)"}, "contentType": "text/plain; charset=ascii",
    "length": 27, "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
    "fileUrl": "http://over.there.com/file.txt"}])


def statements():
    write("statement", "minimal.json", compact(MINIMAL))
    write("statement", "typical.json", compact(TYPICAL))
    write("statement", "substatement.json", compact(SUBSTATEMENT))
    write("statement", "group.json", compact(GROUP))
    write("statement", "voiding.json", compact(VOIDING))
    write("statement", "attachment.json", compact(ATTACHMENT))
    write("statement", "batch.json", compact([MINIMAL, dict(VOIDING, version="2.0.0")]))
    for i, s in enumerate(json.loads(sample("statements-001.json"))[:3]):
        write("statement", "sample-org-%d.json" % i, compact(s))


# ---- multipart ----------------------------------------------------------------------------------
def multipart():
    content = b"here is a simple attachment"
    stmt = dict(MINIMAL, attachments=[dict(ATTACHMENT["attachments"][0], fileUrl=None, length=len(content),
                                           sha2=hashlib.sha256(content).hexdigest())])
    del stmt["attachments"][0]["fileUrl"]
    body = (b"--abcABC0123'()+_,-./:=?\r\nContent-Type: application/json\r\n\r\n" + compact(stmt).encode() +
            b"\r\n--abcABC0123'()+_,-./:=?\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            b"X-Experience-API-Hash: " + hashlib.sha256(content).hexdigest().encode() + b"\r\n\r\n" + content +
            b"\r\n--abcABC0123'()+_,-./:=?--\r\n")
    write("multipart", "statement-attachment", b"multipart/mixed; boundary=\"abcABC0123'()+_,-./:=?\"\n" + body)
    write("multipart", "lf-folded", b"multipart/mixed;boundary=b\n"
          b"preamble\n--b\nContent-Type:application/json\n X-Folded: yes\n\n{}\n--b \t\nA: 1\r\n\r\nxyz\n--b--")
    write("multipart", "raw-boundary", b"xyz\n--xyz\r\n\r\n\r\n--xyz--\r\nepilogue")


# ---- JWS --------------------------------------------------------------------------------------------
def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import NameOID
    import datetime

    # 1024-bit: a short x5c keeps the seed small; lrsd does not judge key sizes.
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz")])
    now = datetime.datetime(2024, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    signed = {
        "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
        "actor": {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": "http://example.com/activities/1"},
        "result": {"duration": "PT1H0.5S", "score": {"scaled": 0.5}},
        "timestamp": "2024-05-04T17:00:00.000Z",
    }
    algs = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}

    def make(header, payload, alg="RS256"):
        signing_input = b64url(compact(header).encode()) + "." + b64url(compact(payload).encode())
        sig = key.sign(signing_input.encode(), padding.PKCS1v15(), algs[alg])
        return signing_input + "." + b64url(sig)

    x5c = [base64.b64encode(der).decode()]
    token = make({"alg": "RS256", "x5c": x5c}, signed)
    write("jws", "x5c-rs256", token)
    write("jws", "rs384-no-key", make({"alg": "RS384"}, signed, "RS384"))
    # The explicit form: the received statement, a line break, the JWS.
    received = dict(signed, attachments=[{
        "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "Signature"},
        "contentType": "application/octet-stream", "length": len(token),
        "sha2": hashlib.sha256(token.encode()).hexdigest()}])
    write("jws", "statement-and-jws", compact(received) + "\n" + token)
    other = dict(signed, result={"duration": "PT1H0.501S"})
    write("jws", "different-payload", compact(received) + "\n" + make({"alg": "RS512", "x5c": x5c}, other, "RS512"))


# ---- query strings ----------------------------------------------------------------------------------
def queries():
    agent = compact({"objectType": "Agent", "mbox": "mailto:a@example.com"})
    pct = lambda s: "".join(c if c.isalnum() or c in "-._~" else "%%%02X" % ord(c) for c in s)
    write("query", "agent-verb", "agent=" + pct(agent) + "&verb=" + pct("http://adlnet.gov/expapi/verbs/completed") +
          "&related_agents=true&limit=10&format=ids")
    write("query", "activity-since", "activity=http%3A%2F%2Fexample.com%2Fa&related_activities=false"
          "&since=2024-01-01T00:00:00Z&until=2024-12-31T23:59:59.999%2B01:00&ascending=true&attachments=true")
    write("query", "registration", "registration=EC531277-B57B-4C15-8D91-D292C5B2B8F7&format=canonical&limit=0")
    write("query", "account-agent", "agent=" + pct(compact({"account": {"homePage": "http://x.example.com",
                                                                         "name": "n+1"}})) + "&format=exact")
    write("query", "header-values", "multipart/mixed; boundary=\"a;b=c\\\"d\"; charset=utf-8, en-US;q=0.8, fr, *;q=0.1")


# ---- cursors (query::EncodeCursor's bytes) ----------------------------------------------------------
def cursor(flags=0, fmt=0, lo=0, hi=2**64 - 1, limit=0, strings=(None,) * 5):
    out = bytes([1, flags, fmt]) + struct.pack(">QQQ", lo, hi, limit)
    for s in strings:
        if s is None:
            out += b"\0"
        else:
            b = s.encode()
            out += b"\1" + struct.pack(">Q", len(b)) + b
    return base64.urlsafe_b64encode(out).rstrip(b"=")


def cursors():
    write("cursor", "empty-query", cursor())
    write("cursor", "all-filters", cursor(15, 2, 1700000000000000, 1800000000000000, 25,
                                          ("mbox:mailto:a@example.com", "http://adlnet.gov/expapi/verbs/completed",
                                           "http://example.com/a", "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                                           "account:http://lrsd.local/credentials|key")))
    write("cursor", "padded-standard-alphabet", base64.b64encode(base64.urlsafe_b64decode(
        cursor(4, 1, 5, 6, 7, (None, "v", None, None, None)) + b"==")))


# ---- admin documents (first byte: the parser, see admin_fuzz.cpp) ---------------------------------------
def admin():
    people = sample_json("people.json")[:3]
    write("admin", "00-people-json", b"\x00" + compact(people).encode())
    write("admin", "01-people-csv", b"\x01" + b"id,name,role,unit,manager,ifis\r\n"
          b"e1,\"Chen, Bo\",,emea-sales,,mbox:mailto:bo@example.com\r\n"
          b"e2,Ana,sales-rep,emea-sales,e1,mbox:mailto:ana@example.com;account:https://field.example.com|ana\r\n")
    write("admin", "02-framework", b"\x02" + compact(sample_json("framework.json")).encode())
    with open(os.path.join(ROOT, "schemas", "admin", "default-rules.json"), "rb") as f:
        write("admin", "03-default-rules", b"\x03" + compact(json.load(f)).encode())
    write("admin", "04-sample-rules", b"\x04" + compact(sample_json("rules.json")).encode())
    write("admin", "06-goals", b"\x06" + compact(sample_json("goals.json")).encode())
    write("admin", "08-plan", b"\x08" + compact(sample_json("plans/e1000.json")).encode())
    write("admin", "09-costs", b"\x09" + compact(sample_json("costs.json")).encode())
    write("admin", "10-kpis-json", b"\x0a" + compact(sample_json("kpis/engineering.json")).encode())
    write("admin", "11-kpis-csv", b"\x0b" + b"\xef\xbb\xbfkpi,month,value,direction\r\nrevenue,2026-10,1200000,higher\r\n"
          b"\"churn, monthly\",2026-10,0.025,lower\r\n revenue , 2026-09 , -1.5e3 ,\r\n")
    # Binary records in the formats of src/profile/contribution.cpp and aggregate.cpp.
    def varint(v):
        out = b""
        while v >= 0x80:
            out += bytes([(v & 0x7F) | 0x80])
            v >>= 7
        return out + bytes([v])

    def zz(v):
        return (v << 1) ^ (v >> 63) if v >= 0 else ((-v) << 1) - 1

    def s(b):
        return varint(len(b)) + b

    uuid = bytes.fromhex("9e13cefd53d34eacb5ed2cf6693903bb")
    contribution = (bytes([2, 1 | 2 | 8 | 16 | 32 | 64, 0]) + varint(zz(1700000000000000)) + struct.pack("<d", 5400.0) +
                    struct.pack("<d", 0.5) + varint(zz(40000)) + s(b"mbox:mailto:a@example.com") + uuid +
                    s(b"http://adlnet.gov/expapi/verbs/completed") + s(b"http://example.com/a") + varint(2) +
                    s(b"coaching") + varint(zz(3)) + s(b"negotiation") + varint(zz(-1)))
    write("admin", "12-contribution", b"\x0c" + contribution)
    write("admin", "12-contribution-v1", b"\x0c" + bytes([1, 4, 2]) + varint(0) + s(b"openid:x") + s(b"not-a-uuid") +
          s(b"") + s(b"") + varint(0))
    agg = bytes([2]) + struct.pack("<4q", 1, 2, 0, 0) + struct.pack("<4q", 1000, 0, 5, 0) + struct.pack("<5q", 1, 1, 0, 500000000, 1)
    agg += struct.pack("<4q", 100, 0, 0, 0) + struct.pack("<I", 1) + struct.pack("<I", 8) + b"coaching" + struct.pack("<qq", 1, 1000)
    agg += struct.pack("<I", 1) + struct.pack("<Iq", 3, 1) + struct.pack("<I", 1) + struct.pack("<I", 202603) + struct.pack("<4qq", 1000, 0, 0, 0, 2)
    write("admin", "13-aggregate", b"\x0d" + agg)
    write("admin", "14-counters", b"\x0e" + bytes([0x10]) + struct.pack("<I", 3) + struct.pack("<3q", 1, -2, 3))
    write("admin", "15-merge", b"\x0f" + agg + b"\xff" + agg)


def main():
    corpus = os.path.join(HERE, "corpus")
    if os.path.isdir(corpus):
        shutil.rmtree(corpus)
    statements()
    multipart()
    jws()
    queries()
    cursors()
    admin()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs)
    print("corpus: %d bytes" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
