#include "wayfinder/search/learner.h"

#include <algorithm>
#include <cctype>

#include "wayfinder/random/det_math.h"

namespace wayfinder::search {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// `word` occurs at the start of a word of `text`: "learn" matches "learning", "biolog" matches "biology".
bool has_word(const std::string& text, std::string_view word) {
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    if (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]))) return true;
  }
  return false;
}

bool any_word(const std::string& text, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return has_word(text, w); });
}

// Rows: beginner, intermediate, advanced. Columns: the LearningKind order
// (tutorial, book, exercises, example, list, reference, library, tool, app). A stated prior, except the beginner's
// example fit: 0.8 → 0.4 on the train split (docs/RANKING-EVAL.md), so on-topic example apps and templates follow
// on-topic learning material instead of crowding it out, still ahead of software.
constexpr float kKindFit[3][kLearningKindCount] = {
    {1.00f, 0.90f, 1.00f, 0.40f, 0.85f, 0.75f, 0.20f, 0.30f, 0.35f},
    {0.65f, 0.60f, 0.65f, 1.00f, 0.50f, 0.60f, 0.80f, 0.80f, 0.90f},
    {0.30f, 0.50f, 0.35f, 0.50f, 0.30f, 0.45f, 1.00f, 0.90f, 0.85f},
};

// Size fit for an advanced learner of a row whose star count the catalog does not know (stored as 0: the 1,628 rows
// only GitHub Explore collections list, among them 126 rows of learning material such as awesome-computer-vision).
// For a beginner or intermediate such a row fits fully: curated into a collection, so known to people (what their
// ramp asks); for an advanced learner half way: not known to be substantial.
constexpr float kUnknownSizeFit = 0.5f;

struct FieldEntry {
  std::string_view stem;  // matched at a word start of the lowercased field
  std::string_view terms;
};
constexpr FieldEntry kFields[] = {
    {"biolog", "bioinformatics genomics genome sequencing rna protein biology"},
    {"bioinformatic", "bioinformatics genomics genome sequencing rna protein"},
    {"genetic", "genomics genome sequencing bioinformatics"},
    {"chemi", "chemistry cheminformatics molecules"},
    {"physic", "physics simulation"},
    {"neuro", "neuroscience brain neuroimaging mri"},
    {"medic", "medical health imaging"},
    {"nursing", "medical health"},
    {"ecolog", "ecology environmental climate"},
    {"econom", "economics finance"},
    {"financ", "finance trading"},
    {"account", "finance spreadsheet excel"},
    {"business", "business spreadsheet excel analytics"},
    {"statist", "statistics"},
    {"sociolog", "social science survey statistics"},
    {"linguist", "nlp linguistics text"},
    {"journalis", "journalism visualization"},
    {"psycholog", "psychology experiments"},
    {"astronom", "astronomy astrophysics"},
    {"mathemat", "mathematics"},
    {"graphic design", "design css animation"},
    {"art", "art design creative"},
    {"music", "music audio"},
    {"histor", "humanities"},
    {"marketing", "seo marketing analytics"},
    {"electrical", "electronics embedded arduino"},
    {"creative writing", "writing markdown blog"},
};

constexpr std::string_view kWishWords[] = {
    "i",      "me",     "my",       "mine",     "own",   "we",    "our",   "want",  "wanna", "would", "like",
    "learn",  "learning", "understand", "how",  "what",  "why",   "first", "get",   "better", "make", "making",
    "build",  "building", "start",  "started",  "starting", "basics", "basic", "do",  "some",  "thing", "things",
    "about",  "can",    "use",      "using",    "really", "finally", "more",
};

}  // namespace

bool is_wish_word(std::string_view term) {
  return std::find(std::begin(kWishWords), std::end(kWishWords), term) != std::end(kWishWords);
}

GoalIntent goal_intent(const Profile& p) {
  std::string text;
  for (const auto& g : p.goals) (text += lower(g)) += ' ';
  GoalIntent i;
  i.learn = any_word(text, {"learn", "understand", "basic", "first", "start", "study", "exam", "course", "interview",
                            "prepare", "practi"});
  i.build = any_word(text, {"build", "make", "ship", "publish", "create", "write a", "write my", "automate", "deploy"});
  i.contribute = any_word(text, {"contribut", "internals", "implement", "optimi", "speed up", "scale", "design a",
                                 "benchmark"});
  return i;
}

float kind_fit(std::optional<Complexity> level, const GoalIntent& intent, LearningKind kind) {
  if (!level) return 0.7f;
  float fit = kKindFit[static_cast<int>(*level)][static_cast<int>(kind)];
  const bool learning = is_learning_material(kind);
  const bool makes = kind == LearningKind::kExample || kind == LearningKind::kTool || kind == LearningKind::kApp;
  const bool software = kind == LearningKind::kLibrary || kind == LearningKind::kTool || kind == LearningKind::kApp;
  if (intent.learn && learning) fit += 0.15f;
  if (intent.build && makes) fit += 0.15f;
  if (intent.contribute && software) fit += 0.15f;
  return std::min(fit, 1.0f);
}

float size_fit(std::optional<Complexity> level, std::int64_t stars) {
  if (!level) return 1.0f;
  // No star count in the catalog (Explore collection rows, stored as 0): not "no stars".
  if (stars <= 0) return *level == Complexity::kAdvanced ? kUnknownSizeFit : 1.0f;
  const double l = wayfinder::random::det_log(static_cast<double>(std::max<std::int64_t>(stars, 0)) + 1.0) /
                   wayfinder::random::det_log(10.0);
  auto ramp = [](double x) { return static_cast<float>(std::clamp(x, 0.0, 1.0)); };
  switch (*level) {
    case Complexity::kBeginner: return ramp(l - 1.0);
    case Complexity::kIntermediate: return l <= 4.3 ? ramp(l - 1.0) : std::max(0.3f, ramp(1.0 - 0.7 * (l - 4.3)));
    case Complexity::kAdvanced: return ramp(l - 2.0);
  }
  return 1.0f;
}

std::vector<std::string> field_terms(std::string_view field_of_study) {
  const std::string field = lower(field_of_study);
  std::vector<std::string> out;
  for (const auto& f : kFields) {
    if (!has_word(field, f.stem)) continue;
    std::string_view rest = f.terms;
    while (!rest.empty()) {
      const auto sp = rest.find(' ');
      const auto word = rest.substr(0, sp);
      if (std::find(out.begin(), out.end(), word) == out.end()) out.emplace_back(word);
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    }
  }
  return out;
}

std::string why_line(LearningKind kind, std::string_view subject, std::string_view language, std::int64_t stars) {
  const std::string s(subject), in_lang = language.empty() ? "" : " in " + std::string(language);
  switch (kind) {
    case LearningKind::kTutorial: return s.empty() ? "a hands-on tutorial" : "a hands-on " + s + " tutorial";
    case LearningKind::kBook: return s.empty() ? "a book to learn from" : "a book on " + s;
    case LearningKind::kExercises: return s.empty() ? "exercises to practise with" : "exercises to practise " + s;
    case LearningKind::kExample:
      return std::string(stars < 5000 ? "a small example app" : "an example app") + in_lang +
             (s.empty() || s == language ? "" : " using " + s);
    case LearningKind::kList: return s.empty() ? "a curated list of resources" : "a curated list of " + s + " resources";
    case LearningKind::kReference: return s.empty() ? "a cheatsheet to keep at hand" : "a " + s + " cheatsheet";
    case LearningKind::kLibrary:
      return std::string(stars >= 10000 ? "a widely used library" : stars < 1000 ? "a small library" : "a library") + in_lang;
    case LearningKind::kTool: return "a tool" + in_lang;
    case LearningKind::kApp: return "an application" + (language.empty() ? "" : " written in " + std::string(language));
  }
  return {};
}

}  // namespace wayfinder::search
