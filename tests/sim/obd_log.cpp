#include "obd_log.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace wayfinder::sim {
namespace {

std::vector<std::string> split_first(const std::string& line, std::size_t max_fields) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() < max_fields) {
    const std::size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "2019-11-24 00:03:13.442536+00:00" → seconds since 2019-11-24 00:00:00 (the sample lies within November 2019).
double parse_timestamp(const std::string& t) {
  if (t.size() < 19 || t.compare(0, 8, "2019-11-") != 0) throw std::invalid_argument("timestamp: '" + t + "'");
  const int day = std::stoi(t.substr(8, 2));
  const int hour = std::stoi(t.substr(11, 2));
  const int minute = std::stoi(t.substr(14, 2));
  const double second = std::stod(t.substr(17, t.find('+') == std::string::npos ? std::string::npos : t.find('+') - 17));
  return (day - 24) * 86400.0 + hour * 3600.0 + minute * 60.0 + second;
}

}  // namespace

double ObdLog::ctr() const { return rounds.empty() ? 0.0 : static_cast<double>(clicks()) / rounds.size(); }

int ObdLog::clicks() const {
  int c = 0;
  for (const auto& r : rounds) c += r.click;
  return c;
}

ObdLog read_obd_csv(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  const auto header = split_first(line, 6);
  if (header.size() < 6 || header[1] != "timestamp" || header[2] != "item_id" || header[3] != "position" ||
      header[4] != "click" || header[5] != "propensity_score")
    throw std::runtime_error(path + ": unexpected header (want ,timestamp,item_id,position,click,propensity_score)");
  ObdLog log;
  log.name = name;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto f = split_first(line, 6);
    if (f.size() < 6) throw std::runtime_error(path + ":" + std::to_string(line_no) + ": fewer than 6 fields");
    try {
      LoggedRound r;
      r.seconds = parse_timestamp(f[1]);
      r.item = static_cast<std::uint32_t>(std::stoul(f[2]));
      r.position = std::stoi(f[3]) - 1;
      r.click = std::stoi(f[4]);
      r.propensity = std::stod(f[5]);
      if (r.position < 0 || r.position > 2) throw std::invalid_argument("position outside 1..3");
      if (r.click != 0 && r.click != 1) throw std::invalid_argument("click not 0/1");
      if (!(r.propensity > 0.0 && r.propensity <= 1.0)) throw std::invalid_argument("propensity_score outside (0, 1]");
      log.n_items = std::max<int>(log.n_items, static_cast<int>(r.item) + 1);
      log.rounds.push_back(r);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return log;
}

ItemCounts item_counts(const ObdLog& log) {
  ItemCounts c;
  c.impressions.assign(log.n_items, 0.0);
  c.clicks.assign(log.n_items, 0.0);
  for (const auto& r : log.rounds) {
    c.impressions[r.item] += 1.0;
    c.clicks[r.item] += r.click;
  }
  return c;
}

BetaPrior read_zozotown_prior(const std::string& path, const std::string& campaign) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto j = nlohmann::json::parse(in);
  if (!j.contains(campaign)) throw std::runtime_error(path + ": no key '" + campaign + "'");
  BetaPrior p;
  p.alpha = j.at(campaign).at("alpha").get<std::vector<double>>();
  p.beta = j.at(campaign).at("beta").get<std::vector<double>>();
  if (p.alpha.size() != p.beta.size()) throw std::runtime_error(path + ": alpha and beta differ in length");
  return p;
}

}  // namespace wayfinder::sim
