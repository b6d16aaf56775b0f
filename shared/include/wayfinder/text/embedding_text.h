// The texts the sentence encoder embeds: one builder for catalog projects, one for a learner's profile.
// Invariant: deterministic, whitespace-collapsed, at most kMaxEmbeddingTextBytes of valid UTF-8 (cut at a word).
#pragma once

#include <cstddef>
#include <string>

#include "wayfinder/catalog/project.h"
#include "wayfinder/profile.h"

namespace wayfinder::text {

// The model reads 128 tokens (~4-5 bytes each in English): longer text would be clipped by the graph anyway.
inline constexpr std::size_t kMaxEmbeddingTextBytes = 600;

// "<repo words> by <owner>. <description>. Language: <language>. Topics: <t1>, <t2>."
// repo words = the repo part of full_name (id if full_name is empty) with '-' and '_' turned into spaces;
// topics likewise ("machine-learning" -> "machine learning"), first 12, duplicates dropped. Empty parts are
// left out; whitespace runs (tabs, newlines) become one space; no ".." when a part already ends a sentence.
std::string project_text(const ProjectMeta& project);

// "I want to learn <interests> with <languages, frameworks>. Goals: <g1>; <g2>. Field: <field>. Level: <level>."
// Without interests the first sentence is "I want to learn <languages, frameworks>."; absent parts are left
// out; an empty profile gives "". Lists keep the profile's order (the profile is the user's own wording).
std::string profile_query_text(const Profile& profile);

}  // namespace wayfinder::text
