// A learner's profile, as stated on their device (docs/ARCHITECTURE.md): every field optional.
// Invariant: lists hold trimmed, non-empty strings; skill_level is nullopt when not stated.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/catalog/project.h"

namespace wayfinder {

struct Profile {
  std::vector<std::string> interests;
  std::vector<std::string> languages;
  std::vector<std::string> frameworks;
  std::vector<std::string> goals;
  std::string field_of_study;
  std::optional<Complexity> skill_level;
};

// Accepts the wire field names (interests, languages, frameworks, goals, field_of_study, skill_level);
// a list may also be given as one comma-separated string. Throws std::invalid_argument naming the field.
void from_json(const nlohmann::json& j, Profile& p);
void to_json(nlohmann::json& j, const Profile& p);

// Stable 64-bit hash of the profile's canonical JSON (FNV-1a), the cache key for embeddings/candidates.
std::uint64_t profile_hash(const Profile& p);

}  // namespace wayfinder
