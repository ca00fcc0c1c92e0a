// Realistic, varied xAPI statements for the benchmarks (load_generator, raw_rocksdb), from a
// fixed seed: an organisation of a few thousand people (mbox and account IFIs, units, roles),
// a catalog of ~540 activities and 21 verbs, and three learning modalities:
//   formal        cmi5 course content launched from the LMS: launched / initialized / completed /
//                 passed / failed / terminated / satisfied, with score, duration, registration,
//                 context parent (course) and grouping (program), cmi5 categories, session id;
//   experiential  on-the-job work logged from a field app: performed / logged / observed /
//                 attempted / completed tasks, checklists and performances, with duration,
//                 result response, platform, instructor (observer) and context extensions;
//   informal      watched videos, read articles, listened to podcasts, attended mentoring
//                 sessions and webinars, mentored a colleague (object: an Agent), discussions.
// Content depends only on (seed, stream); statement ids on (id salt, stream, counter), so
// repeated runs post the same kind of statements under new ids.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lrsd::bench {

// A small, fast, platform-independent generator (splitmix64): the same seed gives the same
// statements with any standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }  // [0, n)
  double Real() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }   // [0, 1)
  bool Chance(double p) { return Real() < p; }
  // Skewed towards low indexes (a few very active people, a long tail): index in [0, n).
  std::uint64_t Skewed(std::uint64_t n) {
    double u = Real();
    return std::min<std::uint64_t>(n - 1, static_cast<std::uint64_t>(static_cast<double>(n) * u * u));
  }

 private:
  std::uint64_t state_;
};

std::uint64_t Mix64(std::uint64_t a, std::uint64_t b);
// A version-4 UUID (lower-case text) derived from three numbers.
std::string DerivedUuid(std::uint64_t a, std::uint64_t b, std::uint64_t c);

enum class Modality { kFormal, kExperiential, kInformal };
const char* ModalityName(Modality m);

struct Ifi {
  bool is_account = false;
  std::string mbox;                 // "mailto:…" (when !is_account)
  std::string home_page, name;      // account (when is_account)
  std::string Json() const;         // {"mbox":"…"} or {"account":{"homePage":"…","name":"…"}}
  std::string Key() const;          // lrsd's IFI key: "mbox:mailto:…" or "account:<homePage>|<name>"
};

struct Person {
  std::string id;    // "p00042"
  std::string name;
  std::string unit;  // "unit-07"
  std::string role;
  std::string manager;  // person id; empty for unit managers
  std::vector<Ifi> ifis;
};

struct Activity {
  std::string id;
  std::string type;
  std::string name;
  int kind = 0;  // catalog-internal
  int group = 0;  // course / project / program index it belongs to
};

struct Verb {
  std::string id;
  std::string display;
};

// The organisation and catalog every generator of one seed shares.
class Population {
 public:
  explicit Population(std::uint64_t seed = 42, int people = 3000, int units = 20);

  const std::vector<Person>& people() const { return people_; }
  const std::vector<std::string>& units() const { return units_; }
  const std::vector<Activity>& activities() const { return activities_; }
  const std::vector<Verb>& verbs() const { return verbs_; }
  std::size_t ifi_count() const;

  // Configuration documents for lrsd's learning profiles (PUT /admin/people, /admin/framework,
  // /admin/rules): the people above, a competency framework with their roles, and rules that
  // classify the generated statements into the three modalities and competencies.
  std::string PeopleJson() const;
  static std::string FrameworkJson();
  static std::string RulesJson();

  // Catalog slices (indexes into activities()).
  const std::vector<int>& courses() const { return courses_; }
  const std::vector<int>& aus() const { return aus_; }
  const std::vector<int>& programs() const { return programs_; }
  const std::vector<int>& tasks() const { return tasks_; }
  const std::vector<int>& projects() const { return projects_; }
  const std::vector<int>& informal() const { return informal_; }
  const std::vector<int>& OfKind(int kind) const { return by_kind_.at(static_cast<std::size_t>(kind)); }

 private:
  std::vector<Person> people_;
  std::vector<std::string> units_;
  std::vector<Activity> activities_;
  std::vector<Verb> verbs_;
  std::vector<int> courses_, aus_, programs_, tasks_, projects_, informal_;
  std::vector<std::vector<int>> by_kind_;
};

// One generated statement: its JSON (with id) and the facts the benchmarks need without
// parsing it (filters to check query results against, and the keys raw_rocksdb mirrors).
struct GeneratedStatement {
  std::string id;
  std::string json;
  Modality modality = Modality::kFormal;
  int person = 0;                     // index into Population::people()
  std::string actor_ifi;              // Ifi::Key()
  std::string actor_json;             // the actor object as sent
  std::string verb;
  std::string object_activity;        // empty when the object is an Agent
  std::string object_agent_ifi;       // when the object is an Agent (mentored)
  std::string object_agent_json;
  std::vector<std::string> context_activities;  // parent, grouping, category
  std::string instructor_ifi;         // context.instructor, when present
  std::string registration;           // empty when none
  std::vector<std::pair<std::string, std::string>> definitions;  // activity id -> definition JSON
  std::int64_t timestamp_micros = 0;
  double duration_seconds = 0;
  bool completed = false, passed = false, failed = false;
  std::optional<double> scaled;
  std::string competency;             // from RulesJson(): the competency evidenced, if any
  int level = 0;
};

class StatementGenerator {
 public:
  // `stream` separates generators of one seed (one per connection or writer thread);
  // `id_salt` makes the ids of one run differ from another's.
  StatementGenerator(const Population& population, std::uint64_t seed, std::uint64_t stream, std::uint64_t id_salt);

  GeneratedStatement Next();

  // Query targets drawn like the statements are (skewed to active people).
  const Person& RandomPerson();
  const Ifi& RandomIfi();
  const Verb& RandomVerb();
  const Activity& RandomRelatedActivity();  // course, program, project, AU, task or informal
  std::string RegistrationFor(int person, int course) const;
  Rng& rng() { return rng_; }

 private:
  void Formal(GeneratedStatement& g);
  void Experiential(GeneratedStatement& g);
  void Informal(GeneratedStatement& g);

  const Population& pop_;
  Rng rng_;
  std::uint64_t seed_, stream_, salt_, counter_ = 0;
};

// ISO 8601 with milliseconds, UTC ("2026-03-04T05:06:07.089Z").
std::string FormatIsoMillis(std::int64_t micros);
// Parses what lrsd writes as `stored`/`timestamp` (and any RFC 3339 date-time); nullopt if not.
std::optional<std::int64_t> ParseIso(std::string_view text);
// ISO 8601 duration ("PT1H2M3.5S").
std::string FormatDuration(double seconds);

}  // namespace lrsd::bench
