// wayfinder-feature-basis: the builder step that fits the contextual arm's feature basis (bandit/features.h) once,
// natively, over the shard's project vectors, writes it next to the shards as its own file and records its sha256
// and size in the manifest's "features" member. The Eigen fit is not bit-identical across targets (its SSE and
// scalar paths round differently), so clients never refit: they load this file.
//   wayfinder-feature-basis [--manifest models/build/shards/manifest.json] [--file features.json] [--force]
// Up to date (nothing written) when the manifest lists the file, the file verifies against it and its "fittedOn"
// is the sha256 of the shard's vectors file it was fitted on.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "wayfinder/bandit/features.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/sha256.h"
#include "wayfinder/shard/shard.h"

namespace fs = std::filesystem;
namespace ws = wayfinder::shard;

namespace {

std::vector<std::byte> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error(p.string() + ": cannot read");
  std::vector<char> c((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(c.size());
  std::memcpy(out.data(), c.data(), c.size());
  return out;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
void write_atomic(const fs::path& p, std::string_view text) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!f) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, p);
}

// The shard holding the project vectors: the manifest's first shard.
// The basis depends only on the vectors part, so that file's entry is its stamp.
const ws::ManifestFile& vectors_entry(const ws::Manifest& m) {
  if (m.shards.empty()) throw std::runtime_error("manifest: no shards listed");
  return m.shards.front().vectors;
}

bool up_to_date(const ws::Manifest& m, const fs::path& dir, const std::string& file, std::size_t dim) {
  if (!m.features || m.features->file != file || !fs::exists(dir / file)) return false;
  try {
    const auto bytes = read_bytes(dir / file);
    ws::verify_against_manifest(*m.features, bytes);
    const auto basis = wayfinder::bandit::parse_feature_basis(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), file, dim);
    return basis.fitted_on == vectors_entry(m).sha256;
  } catch (const std::exception& e) {
    std::cerr << "feature basis: existing " << file << " is refused (" << e.what() << "); refitting\n";
    return false;
  }
}

int run(const fs::path& manifest_path, const std::string& file, bool force) {
  const fs::path dir = manifest_path.parent_path();
  const auto manifest_bytes = read_bytes(manifest_path);
  auto m = ws::parse_manifest(std::string_view(reinterpret_cast<const char*>(manifest_bytes.data()), manifest_bytes.size()));
  const auto& entry = vectors_entry(m);
  if (!force && up_to_date(m, dir, file, m.model.dimension)) {
    std::cerr << "feature basis: up to date (" << (dir / file).string() << ")\n";
    return 0;
  }
  auto lexical = read_bytes(dir / m.shards.front().file);
  auto vectors = read_bytes(dir / entry.file);
  ws::verify_against_manifest(ws::lexical_file(m.shards.front()), lexical);
  ws::verify_against_manifest(entry, vectors);
  const auto shard = ws::Shard::open({std::move(lexical), std::move(vectors)}, ws::expectation_of(m));
  auto basis = wayfinder::bandit::fit_feature_basis(shard.rows(), shard.scales(), shard.dim());
  basis.fitted_on = entry.sha256;
  const std::string text = nlohmann::json(basis).dump() + "\n";
  write_atomic(dir / file, text);
  m.features = ws::ManifestFeatures{file, ws::to_hex(ws::sha256(std::string_view(text))), text.size()};
  write_atomic(manifest_path, ws::manifest_json(m));
  std::cerr << "feature basis: fitted on " << basis.fitted_rows << " rows of " << entry.file << ", " << text.size()
            << " bytes\n  " << (dir / file).string() << "\n  " << manifest_path.string() << " (features)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path manifest = fs::path(WF_SOURCE_DIR) / "models/build/shards/manifest.json";
  std::string file = "features.json";
  bool force = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--manifest" && i + 1 < argc) manifest = argv[++i];
    else if (a == "--file" && i + 1 < argc) file = argv[++i];
    else if (a == "--force") force = true;
    else {
      std::cerr << "usage: wayfinder-feature-basis [--manifest FILE] [--file features.json] [--force]\n";
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  try {
    return run(manifest, file, force);
  } catch (const std::exception& e) {
    std::cerr << "feature basis: " << e.what() << "\n";
    return 1;
  }
}
