#include "statement_gen.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace lrsd::bench {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;
// Statement timestamps fall in the year before this instant (2026-11-01T00:00:00Z).
constexpr std::int64_t kTimestampEnd = 1793491200LL * kMicrosPerSecond;

constexpr std::array<const char*, 8> kCompetencies = {
    "negotiation",          "product-knowledge", "electrical-safety", "equipment-diagnostics",
    "customer-communication", "software-delivery", "incident-response", "coaching"};
constexpr std::array<const char*, 8> kCompetencyNames = {
    "Negotiation",       "Product knowledge", "Electrical safety", "Equipment diagnostics",
    "Customer communication", "Software delivery", "Incident response", "Coaching"};

constexpr std::array<const char*, 24> kFirst = {
    "ana",   "ben",   "chloe", "david", "emma",  "farid", "greta", "hugo",  "ines",  "jonas", "kira",  "liam",
    "maria", "noah",  "olga",  "pavel", "quinn", "rosa",  "samir", "tess",  "ugo",   "vera",  "wei",   "yusuf"};
constexpr std::array<const char*, 24> kLast = {
    "silva",  "nowak",  "martin", "weber", "rossi",  "jensen", "garcia", "novak", "smith", "kowalski",
    "dubois", "muller", "larsen", "costa", "ivanov", "haddad", "tanaka", "okafor", "berg", "fischer",
    "moreau", "santos", "varga",  "lindqvist"};
constexpr std::array<const char*, 8> kResponses = {
    "Replaced filter cartridge; pressure back to 2.4 bar",
    "Customer sign-off received, no open items",
    "Fault traced to a loose terminal on X200 controller board",
    "Demo of the Dispatch suite to the operations team, follow-up booked",
    "Safety checklist complete, two findings logged",
    "Rolled back release 4.2.1 after failed health check",
    "Negotiated a 3-year service renewal at list price",
    "Calibrated sensors, readings within tolerance"};

// Verbs: indexes into Population::verbs().
enum VerbIndex {
  kLaunched, kInitialized, kCompleted, kPassed, kFailed, kTerminated, kSatisfied,
  kPerformed, kLogged, kObserved, kAttempted,
  kWatched, kRead, kListened, kExperienced, kAttended, kRegistered, kMentored, kCommented, kAsked, kShared,
  kVerbCount
};
constexpr std::array<std::pair<const char*, const char*>, kVerbCount> kVerbs = {{
    {"http://adlnet.gov/expapi/verbs/launched", "launched"},
    {"http://adlnet.gov/expapi/verbs/initialized", "initialized"},
    {"http://adlnet.gov/expapi/verbs/completed", "completed"},
    {"http://adlnet.gov/expapi/verbs/passed", "passed"},
    {"http://adlnet.gov/expapi/verbs/failed", "failed"},
    {"http://adlnet.gov/expapi/verbs/terminated", "terminated"},
    {"https://w3id.org/xapi/adl/verbs/satisfied", "satisfied"},
    {"https://field.example.com/xapi/verbs/performed", "performed"},
    {"https://field.example.com/xapi/verbs/logged", "logged"},
    {"https://field.example.com/xapi/verbs/observed", "observed"},
    {"http://adlnet.gov/expapi/verbs/attempted", "attempted"},
    {"http://activitystrea.ms/schema/1.0/watch", "watched"},
    {"https://w3id.org/xapi/adb/verbs/read", "read"},
    {"http://activitystrea.ms/schema/1.0/listen", "listened"},
    {"http://adlnet.gov/expapi/verbs/experienced", "experienced"},
    {"http://adlnet.gov/expapi/verbs/attended", "attended"},
    {"http://adlnet.gov/expapi/verbs/registered", "registered"},
    {"http://id.tincanapi.com/verb/mentored", "mentored"},
    {"http://adlnet.gov/expapi/verbs/commented", "commented"},
    {"http://adlnet.gov/expapi/verbs/asked", "asked"},
    {"http://adlnet.gov/expapi/verbs/shared", "shared"},
}};

// Activity kinds of the catalog.
enum Kind { kCourse, kAu, kProgram, kTask, kProject, kVideo, kArticle, kPodcast, kMentoring, kWebinar, kDiscussion };

constexpr const char* kTypeCourse = "https://w3id.org/xapi/cmi5/activitytype/course";
constexpr const char* kTypeLesson = "http://adlnet.gov/expapi/activities/lesson";
constexpr const char* kTypeProgram = "https://w3id.org/xapi/cmi5/activitytype/block";
constexpr const char* kTypeTask = "http://activitystrea.ms/schema/1.0/task";
constexpr const char* kTypeChecklist = "http://id.tincanapi.com/activitytype/checklist";
constexpr const char* kTypePerformance = "http://adlnet.gov/expapi/activities/performance";
constexpr const char* kTypeProject = "http://id.tincanapi.com/activitytype/project";
constexpr const char* kTypeVideo = "https://w3id.org/xapi/video/activity-type/video";
constexpr const char* kTypeArticle = "http://activitystrea.ms/schema/1.0/article";
constexpr const char* kTypeAudio = "http://activitystrea.ms/schema/1.0/audio";
constexpr const char* kTypeTutor = "http://id.tincanapi.com/activitytype/tutor-session";
constexpr const char* kTypeWebinar = "http://id.tincanapi.com/activitytype/webinar";
constexpr const char* kTypeDiscussion = "http://id.tincanapi.com/activitytype/discussion";
constexpr const char* kCmi5Category = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
constexpr const char* kMoveOnCategory = "https://w3id.org/xapi/cmi5/context/categories/moveon";
constexpr const char* kOnTheJobCategory = "https://field.example.com/xapi/categories/on-the-job";

// Field tasks: (path segment, type, competency index, level when performed/completed).
struct TaskKind {
  const char* segment;
  const char* type;
  int competency;
  int level;
};
constexpr std::array<TaskKind, 6> kTaskKinds = {{
    {"work-order", kTypeTask, 3, 1},
    {"inspection", kTypeChecklist, 2, 2},
    {"demo", kTypePerformance, 1, 3},
    {"negotiation", kTypePerformance, 0, 3},
    {"install", kTypeTask, 3, 2},
    {"incident", kTypeTask, 6, 3},
}};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Howard Hinnant's civil calendar conversions.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string ActivityJson(const Activity& a) {
  return R"({"objectType":"Activity","id":)" + Quote(a.id) + R"(,"definition":{"name":{"en-US":)" + Quote(a.name) +
         R"(},"type":)" + Quote(a.type) + "}}";
}
std::string DefinitionJson(const Activity& a) {
  return R"({"name":{"en-US":)" + Quote(a.name) + R"(},"type":)" + Quote(a.type) + "}";
}
std::string AgentJson(const Person& p, const Ifi& ifi) {
  std::string body = ifi.Json();  // {"mbox":…} — splice objectType and name in front
  return R"({"objectType":"Agent","name":)" + Quote(p.name) + "," + body.substr(1);
}
std::string IdList(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ",{\"id\":" : "{\"id\":") + Quote(ids[i]) + "}";
  return out + "]";
}

}  // namespace

std::uint64_t Mix64(std::uint64_t a, std::uint64_t b) {
  Rng r(a * 0xD6E8FEB86659FD93ULL ^ (b + 0x9E3779B97F4A7C15ULL));
  r.Next();
  return r.Next();
}

std::string DerivedUuid(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t hi = Mix64(Mix64(a, b), c);
  std::uint64_t lo = Mix64(hi, c ^ 0x5851F42D4C957F2DULL);
  hi = (hi & ~0xF000ULL) | 0x4000ULL;               // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

const char* ModalityName(Modality m) {
  switch (m) {
    case Modality::kFormal: return "formal";
    case Modality::kExperiential: return "experiential";
    case Modality::kInformal: return "informal";
  }
  return "?";
}

std::string Ifi::Json() const {
  if (is_account) return R"({"account":{"homePage":)" + Quote(home_page) + ",\"name\":" + Quote(name) + "}}";
  return "{\"mbox\":" + Quote(mbox) + "}";
}

std::string Ifi::Key() const {
  if (is_account) return "account:" + home_page + "|" + name;
  return "mbox:" + mbox;
}

// ---- Population -------------------------------------------------------------------------------
Population::Population(std::uint64_t seed, int people, int units) {
  Rng rng(Mix64(seed, 0x0123));
  for (int u = 0; u < units; ++u) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "unit-%02d", u + 1);
    units_.push_back(buf);
  }
  for (int i = 0; i < people; ++i) {
    Person p;
    char id[16];
    std::snprintf(id, sizeof id, "p%05d", i);
    p.id = id;
    const std::string first = kFirst[rng.Below(kFirst.size())], last = kLast[rng.Below(kLast.size())];
    p.name = Capitalised(first) + " " + Capitalised(last);
    const int unit = i % units;
    p.unit = units_[unit];
    // Units: the first 30% sales, the next 40% field service, the rest engineering.
    const double share = static_cast<double>(unit) / units;
    if (i < units) {
      p.role = "team-lead";
    } else if (share < 0.3) {
      p.role = rng.Chance(0.6) ? "account-executive" : "sales-engineer";
    } else if (share < 0.7) {
      p.role = rng.Chance(0.6) ? "field-technician" : "service-engineer";
    } else {
      p.role = "software-engineer";
    }
    if (i >= units) p.manager = people_[unit].id;
    const std::string handle = first + "." + last + "." + std::to_string(i);
    Ifi mbox;
    mbox.mbox = "mailto:" + handle + "@example.com";
    Ifi account;
    account.is_account = true;
    account.home_page = "https://field.example.com";
    account.name = handle;
    const double r = rng.Real();
    if (r < 0.7) {
      p.ifis = {mbox, account};
    } else if (r < 0.9) {
      p.ifis = {mbox};
    } else {
      p.ifis = {account};
    }
    people_.push_back(std::move(p));
  }

  verbs_.reserve(kVerbs.size());
  for (const auto& [id, display] : kVerbs) verbs_.push_back({id, display});

  auto add = [&](std::vector<int>& slice, Activity a) {
    slice.push_back(static_cast<int>(activities_.size()));
    if (static_cast<std::size_t>(a.kind) >= by_kind_.size()) by_kind_.resize(a.kind + 1);
    by_kind_[a.kind].push_back(static_cast<int>(activities_.size()));
    activities_.push_back(std::move(a));
  };
  for (int p = 0; p < 8; ++p) {
    add(programs_, {"https://lms.example.com/programs/" + std::to_string(p + 1), kTypeProgram,
                    "Programme " + std::to_string(p + 1), kProgram, p});
  }
  for (int c = 0; c < 40; ++c) {
    const std::string topic = kCompetencies[c % kCompetencies.size()];
    const std::string base = "https://lms.example.com/courses/" + topic + "/c" + std::to_string(c + 1);
    const std::string title = std::string(kCompetencyNames[c % kCompetencyNames.size()]) + " " +
                              (c < 8 ? "basics" : c < 24 ? "in practice" : "advanced") + " (course " +
                              std::to_string(c + 1) + ")";
    add(courses_, {base, kTypeCourse, title, kCourse, c});
    for (int k = 0; k < 4; ++k) {
      add(aus_, {base + "/au/" + std::to_string(k + 1), kTypeLesson, title + ", lesson " + std::to_string(k + 1), kAu, c});
    }
  }
  for (int j = 0; j < 20; ++j) {
    add(projects_, {"https://field.example.com/projects/" + std::to_string(1000 + j), kTypeProject,
                    "Customer project " + std::to_string(1000 + j), kProject, j});
  }
  for (int t = 0; t < 120; ++t) {
    const TaskKind& k = kTaskKinds[t % kTaskKinds.size()];
    add(tasks_, {std::string("https://field.example.com/tasks/") + k.segment + "/" + std::to_string(t + 1), k.type,
                 Capitalised(k.segment) + " task " + std::to_string(t + 1), kTask,
                 static_cast<int>(t % kTaskKinds.size())});
  }
  auto informal = [&](int n, int kind, const char* prefix, const char* type, const char* noun, bool topical) {
    for (int i = 0; i < n; ++i) {
      std::string id = prefix;
      if (topical) id += std::string(kCompetencies[i % kCompetencies.size()]) + "/";
      id += std::to_string(i + 1);
      add(informal_, {id, type, std::string(noun) + " " + std::to_string(i + 1), kind, i % 8});
    }
  };
  informal(60, kVideo, "https://video.example.com/videos/", kTypeVideo, "Video", true);
  informal(60, kArticle, "https://intranet.example.com/articles/", kTypeArticle, "Article", true);
  informal(20, kPodcast, "https://intranet.example.com/podcasts/", kTypeAudio, "Podcast episode", false);
  informal(20, kMentoring, "https://intranet.example.com/mentoring/sessions/", kTypeTutor, "Mentoring session", false);
  informal(10, kWebinar, "https://intranet.example.com/webinars/", kTypeWebinar, "Lunch and learn webinar", false);
  informal(20, kDiscussion, "https://intranet.example.com/community/threads/", kTypeDiscussion, "Community thread", false);
}

std::size_t Population::ifi_count() const {
  std::size_t n = 0;
  for (const auto& p : people_) n += p.ifis.size();
  return n;
}

std::string Population::PeopleJson() const {
  std::string out = "[";
  for (std::size_t i = 0; i < people_.size(); ++i) {
    const Person& p = people_[i];
    if (i) out += ",";
    out += "{\"id\":" + Quote(p.id) + ",\"name\":" + Quote(p.name) + ",\"role\":" + Quote(p.role) +
           ",\"unit\":" + Quote(p.unit);
    if (!p.manager.empty()) out += ",\"manager\":" + Quote(p.manager);
    out += ",\"ifis\":[";
    for (std::size_t k = 0; k < p.ifis.size(); ++k) out += (k ? "," : "") + p.ifis[k].Json();
    out += "]}";
  }
  return out + "]";
}

std::string Population::FrameworkJson() {
  std::string out = R"({"competencies":[)";
  for (std::size_t i = 0; i < kCompetencies.size(); ++i) {
    out += (i ? "," : "") + std::string("{\"id\":") + Quote(kCompetencies[i]) + ",\"name\":" + Quote(kCompetencyNames[i]) + "}";
  }
  out += R"(],"roles":[)"
         R"({"id":"account-executive","name":"Account executive","requires":[{"competency":"negotiation","level":4},{"competency":"customer-communication","level":2},{"competency":"product-knowledge","level":2}]},)"
         R"({"id":"sales-engineer","name":"Sales engineer","requires":[{"competency":"product-knowledge","level":4},{"competency":"negotiation","level":2},{"competency":"customer-communication","level":3}]},)"
         R"({"id":"field-technician","name":"Field technician","requires":[{"competency":"electrical-safety","level":3},{"competency":"equipment-diagnostics","level":3}]},)"
         R"({"id":"service-engineer","name":"Service engineer","requires":[{"competency":"equipment-diagnostics","level":4},{"competency":"incident-response","level":2},{"competency":"electrical-safety","level":2}]},)"
         R"({"id":"software-engineer","name":"Software engineer","requires":[{"competency":"software-delivery","level":3},{"competency":"incident-response","level":3}]},)"
         R"({"id":"team-lead","name":"Team lead","requires":[{"competency":"coaching","level":3},{"competency":"customer-communication","level":2}]})"
         "]}";
  return out;
}

std::string Population::RulesJson() {
  std::string out =
      R"({"description":"lrsd benchmark organisation, benchmarks/statement_gen.cpp","modality":[)"
      R"({"when":{"category":")" + std::string(kCmi5Category) + R"("},"modality":"formal"},)"
      R"({"when":{"activityType":[")" + kTypeCourse + R"(",")" + kTypeProgram + R"("]},"modality":"formal"},)"
      R"({"when":{"activityType":[")" + kTypeTask + R"(",")" + kTypeChecklist + R"(",")" + kTypePerformance +
      R"("]},"modality":"experiential"},)"
      R"({"when":{"activityType":[")" + kTypeVideo + R"(",")" + kTypeArticle + R"(",")" + kTypeAudio + R"(",")" +
      kTypeTutor + R"(",")" + kTypeWebinar + R"(",")" + kTypeDiscussion + R"("]},"modality":"informal"},)"
      R"({"when":{"verb":"http://id.tincanapi.com/verb/mentored"},"modality":"informal"}],"competency":[)";
  bool first = true;
  auto rule = [&](const std::string& prefix, const std::string& verbs, const char* competency, int level) {
    out += (first ? "" : ",") + std::string(R"({"when":{"activityIdPrefix":)") + Quote(prefix) + R"(,"verb":)" + verbs +
           R"(},"competency":)" + Quote(competency) + R"(,"level":)" + std::to_string(level) + "}";
    first = false;
  };
  // Courses: passing (or completing) evidences the course's competency; advanced courses more.
  for (std::size_t c = 0; c < kCompetencies.size(); ++c) {
    const std::string prefix = std::string("https://lms.example.com/courses/") + kCompetencies[c] + "/";
    rule(prefix, "[\"" + std::string(kVerbs[kPassed].first) + "\",\"" + kVerbs[kCompleted].first + "\"]",
         kCompetencies[c], 2);
  }
  // Field work: performing, logging or completing a task of a kind evidences its competency.
  const std::string work_verbs = "[\"" + std::string(kVerbs[kPerformed].first) + "\",\"" + kVerbs[kLogged].first +
                                 "\",\"" + kVerbs[kCompleted].first + "\"]";
  for (const TaskKind& k : kTaskKinds) {
    rule(std::string("https://field.example.com/tasks/") + k.segment + "/", work_verbs, kCompetencies[k.competency],
         k.level);
  }
  // Informal media on a topic: evidence (level 1; completed videos qualify).
  for (std::size_t c = 0; c < kCompetencies.size(); ++c) {
    rule(std::string("https://video.example.com/videos/") + kCompetencies[c] + "/", "\"" + std::string(kVerbs[kWatched].first) + "\"",
         kCompetencies[c], 1);
    rule(std::string("https://intranet.example.com/articles/") + kCompetencies[c] + "/",
         "\"" + std::string(kVerbs[kRead].first) + "\"", kCompetencies[c], 1);
  }
  // Mentoring others is coaching practice.
  out += R"(,{"when":{"verb":"http://id.tincanapi.com/verb/mentored"},"competency":"coaching","level":2}]})";
  return out;
}

// ---- StatementGenerator -----------------------------------------------------------------------
StatementGenerator::StatementGenerator(const Population& population, std::uint64_t seed, std::uint64_t stream,
                                       std::uint64_t id_salt)
    : pop_(population), rng_(Mix64(seed, stream + 1)), seed_(seed), stream_(stream), salt_(id_salt) {}

const Person& StatementGenerator::RandomPerson() { return pop_.people()[rng_.Skewed(pop_.people().size())]; }

const Ifi& StatementGenerator::RandomIfi() {
  const Person& p = RandomPerson();
  return p.ifis[rng_.Below(p.ifis.size())];
}

const Verb& StatementGenerator::RandomVerb() { return pop_.verbs()[rng_.Below(pop_.verbs().size())]; }

const Activity& StatementGenerator::RandomRelatedActivity() {
  const std::vector<int>* slices[] = {&pop_.courses(), &pop_.programs(), &pop_.projects(),
                                      &pop_.aus(),     &pop_.tasks(),    &pop_.informal()};
  const auto& slice = *slices[rng_.Below(std::size(slices))];
  return pop_.activities()[slice[rng_.Below(slice.size())]];
}

std::string StatementGenerator::RegistrationFor(int person, int course) const {
  return DerivedUuid(seed_, 0xC0FFEE, static_cast<std::uint64_t>(person) * 1000 + static_cast<std::uint64_t>(course));
}

GeneratedStatement StatementGenerator::Next() {
  GeneratedStatement g;
  g.id = DerivedUuid(salt_, stream_, counter_++);
  g.person = static_cast<int>(rng_.Skewed(pop_.people().size()));
  g.timestamp_micros = kTimestampEnd - static_cast<std::int64_t>(rng_.Below(365 * 86400000ULL)) * 1000;
  const double r = rng_.Real();
  if (r < 0.45) {
    Formal(g);
  } else if (r < 0.80) {
    Experiential(g);
  } else {
    Informal(g);
  }
  return g;
}

namespace {
// Assembles the statement JSON from its parts (each already JSON, empty when absent).
std::string Assemble(const GeneratedStatement& g, const std::string& verb_display, const std::string& object,
                     const std::string& result, const std::string& context) {
  std::string out;
  out.reserve(1200);
  out += "{\"id\":\"" + g.id + "\",\"actor\":" + g.actor_json + ",\"verb\":{\"id\":" + Quote(g.verb) +
         ",\"display\":{\"en-US\":" + Quote(verb_display) + "}},\"object\":" + object;
  if (!result.empty()) out += ",\"result\":" + result;
  if (!context.empty()) out += ",\"context\":" + context;
  out += ",\"timestamp\":\"" + FormatIsoMillis(g.timestamp_micros) + "\"}";
  return out;
}
}  // namespace

void StatementGenerator::Formal(GeneratedStatement& g) {
  g.modality = Modality::kFormal;
  const Person& p = pop_.people()[g.person];
  const Ifi& ifi = p.ifis[0];  // the LMS knows people by e-mail when it can
  g.actor_ifi = ifi.Key();
  g.actor_json = AgentJson(p, ifi);
  const int course_slot = static_cast<int>(rng_.Below(pop_.courses().size()));
  const Activity& course = pop_.activities()[pop_.courses()[course_slot]];
  const Activity& au = pop_.activities()[pop_.aus()[course_slot * 4 + rng_.Below(4)]];
  const Activity& program = pop_.activities()[pop_.programs()[course_slot % pop_.programs().size()]];
  const double r = rng_.Real();
  int verb = r < 0.20 ? kLaunched : r < 0.40 ? kInitialized : r < 0.60 ? kTerminated : r < 0.75 ? kCompleted
           : r < 0.87 ? kPassed : r < 0.92 ? kFailed : kSatisfied;
  g.verb = kVerbs[verb].first;
  const Activity& object = verb == kSatisfied ? course : au;
  g.object_activity = object.id;
  g.definitions.emplace_back(object.id, DefinitionJson(object));
  g.registration = RegistrationFor(g.person, course_slot);

  std::string result;
  if (verb == kPassed || verb == kFailed) {
    const double scaled = verb == kPassed ? 0.6 + 0.4 * rng_.Real() : 0.2 + 0.39 * rng_.Real();
    g.scaled = std::round(scaled * 100) / 100;
    g.duration_seconds = 300 + static_cast<double>(rng_.Below(3000));
    g.passed = verb == kPassed;
    g.failed = verb == kFailed;
    result = R"({"score":{"scaled":)" + Fixed(*g.scaled, 2) + R"(,"raw":)" + std::to_string(std::lround(*g.scaled * 100)) +
             R"(,"min":0,"max":100},"success":)" + (g.passed ? "true" : "false") + R"(,"duration":")" +
             FormatDuration(g.duration_seconds) + "\"}";
  } else if (verb == kCompleted) {
    g.completed = true;
    g.duration_seconds = 600 + static_cast<double>(rng_.Below(5400));
    result = R"({"completion":true,"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
  } else if (verb == kTerminated) {
    g.duration_seconds = 60 + static_cast<double>(rng_.Below(7200)) + 0.5 * static_cast<double>(rng_.Below(2));
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
  }
  if ((g.passed || g.completed) && course_slot >= 0) {
    g.competency = kCompetencies[course_slot % kCompetencies.size()];
    g.level = 2;
  }
  std::vector<std::string> categories = {kCmi5Category};
  if (verb == kPassed || verb == kFailed || verb == kCompleted) categories.push_back(kMoveOnCategory);
  std::string activities = "{";
  if (verb != kSatisfied) {
    activities += "\"parent\":" + IdList({course.id}) + ",";
    g.context_activities.push_back(course.id);
  }
  activities += "\"grouping\":" + IdList({program.id}) + ",\"category\":" + IdList(categories) + "}";
  g.context_activities.push_back(program.id);
  for (const auto& c : categories) g.context_activities.push_back(c);
  const std::string session = DerivedUuid(salt_, stream_ ^ 0xABCDEF, counter_ / 4);
  const std::string context = "{\"registration\":\"" + g.registration + "\",\"contextActivities\":" + activities +
                              R"(,"extensions":{"https://w3id.org/xapi/cmi5/context/extensions/sessionid":")" + session +
                              "\"}}";
  g.json = Assemble(g, kVerbs[verb].second, ActivityJson(object), result, context);
}

void StatementGenerator::Experiential(GeneratedStatement& g) {
  g.modality = Modality::kExperiential;
  const Person& p = pop_.people()[g.person];
  const Ifi& ifi = p.ifis.back();  // the field app knows people by their app account when they have one
  g.actor_ifi = ifi.Key();
  g.actor_json = AgentJson(p, ifi);
  const int task_slot = static_cast<int>(rng_.Below(pop_.tasks().size()));
  const Activity& task = pop_.activities()[pop_.tasks()[task_slot]];
  const Activity& project = pop_.activities()[pop_.projects()[rng_.Below(pop_.projects().size())]];
  const double r = rng_.Real();
  const int verb = r < 0.45 ? kPerformed : r < 0.70 ? kLogged : r < 0.85 ? kObserved : r < 0.92 ? kAttempted : kCompleted;
  g.verb = kVerbs[verb].first;
  g.object_activity = task.id;
  g.definitions.emplace_back(task.id, DefinitionJson(task));
  g.duration_seconds = 60.0 * static_cast<double>(5 + rng_.Below(235));
  g.completed = verb == kCompleted;
  std::string result = R"({"response":)" + Quote(kResponses[rng_.Below(kResponses.size())]) + R"(,"duration":")" +
                       FormatDuration(g.duration_seconds) + "\"";
  if (verb == kObserved) {
    const bool success = rng_.Chance(0.8);
    result += std::string(",\"success\":") + (success ? "true" : "false");
  } else if (verb != kAttempted) {
    result += ",\"completion\":true";
  }
  result += "}";
  if (verb == kPerformed || verb == kLogged || verb == kCompleted) {
    const TaskKind& k = kTaskKinds[task.group];
    g.competency = kCompetencies[k.competency];
    g.level = k.level;
  }
  std::string context = "{";
  if (rng_.Chance(0.4)) {
    g.registration = DerivedUuid(salt_, stream_ ^ 0x5EED, counter_);
    context += "\"registration\":\"" + g.registration + "\",";
  }
  if (verb == kObserved) {
    // The observer: someone else in the same unit.
    const auto n = pop_.people().size();
    const auto units = pop_.units().size();
    std::size_t other = (static_cast<std::size_t>(g.person) + units * (1 + rng_.Below(std::max<std::size_t>(1, n / units - 1)))) % n;
    if (other == static_cast<std::size_t>(g.person)) other = (other + 1) % n;
    const Person& observer = pop_.people()[other];
    g.instructor_ifi = observer.ifis[0].Key();
    context += "\"instructor\":" + AgentJson(observer, observer.ifis[0]) + ",";
  }
  context += R"("platform":"FieldApp","language":"en-GB","contextActivities":{"parent":)" + IdList({project.id}) +
             ",\"category\":" + IdList({kOnTheJobCategory}) + "},";
  g.context_activities = {project.id, kOnTheJobCategory};
  char site[512];
  std::snprintf(site, sizeof site,
                R"("extensions":{"https://field.example.com/xapi/extensions/site":"site-%03d",)"
                R"("https://field.example.com/xapi/extensions/work-order":"WO-2026-%06d",)"
                R"("https://field.example.com/xapi/extensions/location":{"lat":%.4f,"lon":%.4f}}})",
                static_cast<int>(rng_.Below(400)), static_cast<int>(rng_.Below(1000000)), 40.0 + 20 * rng_.Real(),
                -5.0 + 30 * rng_.Real());
  context += site;
  g.json = Assemble(g, kVerbs[verb].second, ActivityJson(task), result, context);
}

void StatementGenerator::Informal(GeneratedStatement& g) {
  g.modality = Modality::kInformal;
  const Person& p = pop_.people()[g.person];
  const Ifi& ifi = p.ifis[rng_.Below(p.ifis.size())];
  g.actor_ifi = ifi.Key();
  g.actor_json = AgentJson(p, ifi);
  const auto& acts = pop_.activities();
  auto pick = [&](int kind) -> const Activity& {
    const std::vector<int>& of_kind = pop_.OfKind(kind);
    return acts[of_kind[rng_.Below(of_kind.size())]];
  };
  auto someone_else = [&]() -> const Person& {
    const auto n = pop_.people().size();
    const auto units = pop_.units().size();
    std::size_t other = (static_cast<std::size_t>(g.person) + units * (1 + rng_.Below(std::max<std::size_t>(1, n / units - 1)))) % n;
    if (other == static_cast<std::size_t>(g.person)) other = (other + 1) % n;
    return pop_.people()[other];
  };
  const double r = rng_.Real();
  int verb;
  const Activity* object = nullptr;
  std::string result, context_extra, platform = "Intranet";
  std::vector<std::string> parents;
  if (r < 0.30) {
    verb = kWatched;
    object = &pick(kVideo);
    platform = "VideoPortal";
    const double progress = std::min(1.0, 0.1 + 1.0 * rng_.Real());
    g.duration_seconds = std::round(progress * 900);
    g.completed = progress >= 0.95;
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"" +
             (g.completed ? ",\"completion\":true" : "") +
             R"(,"extensions":{"https://w3id.org/xapi/video/extensions/progress":)" + Fixed(progress, 2) + "}}";
  } else if (r < 0.55) {
    verb = kRead;
    object = &pick(kArticle);
    g.duration_seconds = 60.0 + static_cast<double>(rng_.Below(900));
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
  } else if (r < 0.63) {
    verb = kListened;
    object = &pick(kPodcast);
    g.duration_seconds = 300.0 + static_cast<double>(rng_.Below(2700));
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
  } else if (r < 0.70) {
    verb = kExperienced;
    object = rng_.Chance(0.5) ? &pick(kArticle) : &pick(kPodcast);
  } else if (r < 0.78) {
    verb = kAttended;
    object = &pick(kMentoring);
    const Person& mentor = someone_else();
    g.instructor_ifi = mentor.ifis[0].Key();
    context_extra = "\"instructor\":" + AgentJson(mentor, mentor.ifis[0]) + ",";
    g.duration_seconds = 1800.0 + 900.0 * static_cast<double>(rng_.Below(5));
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
    parents.push_back("https://intranet.example.com/mentoring");
  } else if (r < 0.83) {
    verb = kMentored;
    const Person& mentee = someone_else();
    g.object_agent_ifi = mentee.ifis[0].Key();
    g.object_agent_json = AgentJson(mentee, mentee.ifis[0]);
    g.duration_seconds = 1800.0 + 900.0 * static_cast<double>(rng_.Below(5));
    result = R"({"duration":")" + FormatDuration(g.duration_seconds) + "\"}";
    parents.push_back("https://intranet.example.com/mentoring");
    g.competency = "coaching";
    g.level = 2;
  } else if (r < 0.88) {
    verb = kAttended;
    object = &pick(kWebinar);
    g.duration_seconds = 2700.0;
    result = R"({"duration":"PT45M"})";
    context_extra = R"("extensions":{"https://intranet.example.com/xapi/extensions/program":"lunch-and-learn"},)";
  } else if (r < 0.90) {
    verb = kRegistered;
    object = &pick(kWebinar);
  } else {
    const double s = rng_.Real();
    verb = s < 0.4 ? kCommented : s < 0.7 ? kAsked : kShared;
    object = &pick(kDiscussion);
    if (verb != kShared) {
      result = R"({"response":)" + Quote(std::string("Has anyone tried this with the ") + kResponses[rng_.Below(kResponses.size())] + "?") + "}";
    }
  }
  g.verb = kVerbs[verb].first;
  std::string object_json;
  if (object) {
    g.object_activity = object->id;
    g.definitions.emplace_back(object->id, DefinitionJson(*object));
    object_json = ActivityJson(*object);
    if ((verb == kWatched && (object->kind == kVideo)) || (verb == kRead && object->kind == kArticle)) {
      // Competency rules on topical media (level-1 evidence).
      const std::string& id = object->id;
      for (const char* c : kCompetencies) {
        if (id.find(std::string("/") + c + "/") != std::string::npos) {
          g.competency = c;
          g.level = 1;
          break;
        }
      }
    }
  } else {
    object_json = g.object_agent_json;
  }
  // context.platform only with an Activity object (xAPI Data 2.4.6.2).
  std::string context = "{" + context_extra + (object ? "\"platform\":" + Quote(platform) + "," : "") + "\"language\":\"en-US\"";
  if (!parents.empty()) {
    context += ",\"contextActivities\":{\"parent\":" + IdList(parents) + "}";
    g.context_activities = parents;
  }
  context += "}";
  g.json = Assemble(g, kVerbs[verb].second, object_json, result, context);
}

// ---- Time -------------------------------------------------------------------------------------
std::string FormatIsoMillis(std::int64_t micros) {
  std::int64_t days = micros >= 0 ? micros / kMicrosPerDay : (micros - kMicrosPerDay + 1) / kMicrosPerDay;
  std::int64_t rest = micros - days * kMicrosPerDay;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  const std::int64_t secs = rest / kMicrosPerSecond;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), static_cast<long long>(rest % kMicrosPerSecond / 1000));
  return buf;
}

std::optional<std::int64_t> ParseIso(std::string_view t) {
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > t.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!digits(0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
      (t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
      !digits(17, 2, s)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000;
    std::size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      frac += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' || !digits(pos + 4, 2, om)) return std::nullopt;
    offset = (t[pos] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL) * kMicrosPerSecond;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * kMicrosPerDay + (h * 3600LL + mi * 60LL + s) * kMicrosPerSecond + frac - offset;
}

std::string FormatDuration(double seconds) {
  const long long whole = static_cast<long long>(seconds);
  const double frac = seconds - static_cast<double>(whole);
  std::string out = "PT";
  if (whole >= 3600) out += std::to_string(whole / 3600) + "H";
  if (whole % 3600 >= 60) out += std::to_string(whole % 3600 / 60) + "M";
  const long long s = whole % 60;
  if (s > 0 || frac > 0 || whole == 0) {
    if (frac > 0) {
      std::string text = Fixed(static_cast<double>(s) + frac, 2);
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
      out += text;
    } else {
      out += std::to_string(s);
    }
    out += "S";
  }
  return out;
}

}  // namespace lrsd::bench
