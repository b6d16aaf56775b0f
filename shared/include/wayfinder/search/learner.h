// What suits a learner beyond topic match: how well a project's learning kind fits the learner's level and stated
// goals, the topics a field of study implies, and the plain-words "why" line of a card.
// Invariant: pure functions of their arguments (tables below, no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/profile.h"

namespace wayfinder::search {

// What the learner's goals say they want to do (words in `goals`, case-insensitive):
// learn — learn, understand, basics, first, start, study, exam, course, interview, prepare, practice;
// build — build, make, ship, publish, create, write a/my, automate, deploy;
// contribute — contribute, internals, implement, optimise/optimize, speed up, scale, design a, benchmark.
struct GoalIntent {
  bool learn = false;
  bool build = false;
  bool contribute = false;
};
GoalIntent goal_intent(const Profile& p);

// Fit in [0, 1] of a project's kind for a learner (table in learner.cpp, docs/RANKING-EVAL.md): a beginner is served
// tutorials and exercises first, then books, lists, examples and cheatsheets, software last; an intermediate
// example apps and real applications and tools; an advanced learner libraries and tools. Each intent of the goals
// adds 0.15 to the kinds it names (learn: learning material; build: example, tool, app; contribute: library, tool,
// app), capped at 1. No level stated: 0.7 for every kind (no preference).
float kind_fit(std::optional<Complexity> level, const GoalIntent& intent, LearningKind kind);

// How well a project's size suits the level (the "approachable real projects" for an intermediate,
// "substantial libraries and systems" for an advanced learner), in [0, 1], piecewise linear in L = log10(stars + 1):
// beginner and intermediate — known to people: 0 at L ≤ 1 (≤ 9 stars) rising to 1 at L = 2 (100 stars); an
// intermediate's fit then falls from 1 at L = 4.3 (20k stars, a giant codebase) to 0.3 at L = 5.3 and stays there;
// advanced — substantial: 0 at L ≤ 2, rising to 1 at L = 3 (1k stars). No level stated: 1. A star count of 0 means
// the catalog does not know it (rows only Explore collections list, curated there): 1 for a beginner or intermediate
// (known to people), 0.5 for an advanced learner.
float size_fit(std::optional<Complexity> level, std::int64_t stars);

// Words of how a learner phrases a wish, not of what it is about ("I want to make my first …", "learn how to …",
// "get better at …"): pronouns and the intent verbs goal_intent() reads. Not BM25 query terms: they match the
// text of every "learn X" or "build your own Y" project whatever its subject. `term` is analyzed (lowercase).
bool is_wish_word(std::string_view term);

// Extra search words a field of study implies ("biology" → bioinformatics, genomics, sequencing, protein …), so a
// biology student's query reaches bioinformatics material whose text never says "biology". Empty for other fields.
std::vector<std::string> field_terms(std::string_view field_of_study);

// The "why" line in plain words: "a hands-on Django tutorial", "a small example app in Python", "a book on Rust",
// "a widely used library in Go". `subject` is the profile's framework or language the project matched (may be empty).
std::string why_line(LearningKind kind, std::string_view subject, std::string_view language, std::int64_t stars);

}  // namespace wayfinder::search
