// Issue 11, "make the shard smaller without losing recall": recall@10 of smaller vector encodings against the exact
// float32 catalog vectors, for the two options tried — a PCA (uncentred, top-k eigenvectors of XᵀX/n, Eigen) to k
// dimensions, then per-row int8 (with and without scaling each component to unit variance first); and fewer
// quantisation levels at full dimension (±31 = 6 bits, ±15, ±7). Second round (`--codes`): non-uniform 6-bit
// codes (a Lloyd-Max codebook fitted to the per-row-scaled values), per-dimension scaled 6-bit codes, and k-means
// coarse centroids plus residuals coded at 5-6 bits (uniform per row, or Lloyd-Max); each decoded back to the
// shard's per-row int8 layout before scoring, as a reader would hold it.
// The per-row symmetric quantisation here is the shard's rule (docs/SHARD-FORMAT.md), written again only for this
// one-off measurement. Not built by CMake:
//   g++ -O2 -isystem /usr/include/eigen3 tests/bench/shard_shrink_eval.cpp -o build/shard_shrink_eval
//   node tests/bench/shard_shrink_queries.mjs build/shrink
//   build/shard_shrink_eval build/bench-cache/vectors.f32 build/shrink/queries.f32 [512] [--codes | --wire DIR | --pca DIR]
// Third round (`--wire DIR`): byte-per-value uniform codes with fewer levels (±63 … ±31), per row; writes each
// code matrix row-major (DIR/levels-L.i8) and dimension-major (DIR/levels-L.t.i8) so their on-the-wire size can be
// measured with the server's compressor (`brotli -q 11`), since values near 0 are far more frequent.
// Fourth round (`--pca DIR`): the full PCA basis as a rotation (every component kept), the rotated values coded per
// row or with one step per component (2-byte codes where a component is wide: order-0 entropy estimate), rotated
// back or held rotated; and the top k components split off with a per-row residual. PCA_ENTROPY_ONLY=1 skips the
// brotli code files, PCA_SPLIT_ONLY=1 the one-step codes. Results in docs/SHARD-FORMAT.md, "Fourth round".
// (vectors.f32: the float32 catalog vectors, written by scripts/bench.sh's scratch shard build with --float-out.)
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

static Rows load(const char* file, int dim) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(std::string("cannot read ") + file);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  Rows m(static_cast<Eigen::Index>(bytes / 4 / dim), dim);
  in.read(reinterpret_cast<char*>(m.data()), static_cast<std::streamsize>(bytes));
  return m;
}

static std::vector<int> top10(const Eigen::VectorXf& s) {
  std::vector<int> idx(static_cast<std::size_t>(s.size()));
  for (int i = 0; i < s.size(); ++i) idx[static_cast<std::size_t>(i)] = i;
  std::partial_sort(idx.begin(), idx.begin() + 10, idx.end(), [&](int a, int b) { return s[a] > s[b]; });
  idx.resize(10);
  return idx;
}

static Rows quantise(const Rows& x, int levels) {
  Rows q = x;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float scale = x.row(r).cwiseAbs().maxCoeff() / static_cast<float>(levels);
    for (Eigen::Index c = 0; c < x.cols(); ++c) q(r, c) = scale > 0 ? std::round(x(r, c) / scale) * scale : 0.0f;
  }
  return q;
}

static double recall(const Rows& rows, const Rows& queries, const std::vector<std::vector<int>>& exact) {
  double hits = 0;
  for (Eigen::Index i = 0; i < queries.rows(); ++i) {
    const auto t = top10(rows * queries.row(i).transpose());
    for (int a : t) hits += static_cast<double>(std::count(exact[static_cast<std::size_t>(i)].begin(), exact[static_cast<std::size_t>(i)].end(), a));
  }
  return hits / (10.0 * static_cast<double>(queries.rows()));
}

// Per-row max scaling to [-1, 1], then one 2^bits-level codebook for every value, fitted by Lloyd-Max (1-D k-means,
// on a 4096-bin histogram of the values, initialised at quantiles). Returns the dequantised rows.
static std::vector<float> lloyd_codebook(const Rows& unit, int levels) {
  constexpr int bins = 4096;
  std::vector<double> hist(bins, 0.0);
  for (Eigen::Index i = 0; i < unit.size(); ++i) hist[static_cast<std::size_t>(std::clamp(static_cast<int>((unit.data()[i] + 1.0f) / 2.0f * (bins - 1) + 0.5f), 0, bins - 1))] += 1;
  const auto centre = [&](int b) { return -1.0 + 2.0 * b / (bins - 1); };
  std::vector<double> code(static_cast<std::size_t>(levels));
  double total = static_cast<double>(unit.size()), run = 0;
  for (int b = 0, l = 0; b < bins && l < levels; ++b) {
    run += hist[static_cast<std::size_t>(b)];
    while (l < levels && run >= (l + 0.5) / levels * total) code[static_cast<std::size_t>(l++)] = centre(b);
  }
  for (int it = 0; it < 100; ++it) {
    std::vector<double> sum(code.size(), 0.0), n(code.size(), 0.0);
    for (int b = 0; b < bins; ++b) {
      const double v = centre(b);
      const auto at = std::lower_bound(code.begin(), code.end(), v);
      std::size_t k = static_cast<std::size_t>(at - code.begin());
      if (k == code.size() || (k > 0 && v - code[k - 1] < code[k] - v)) k = k == 0 ? 0 : k - 1;
      sum[k] += v * hist[static_cast<std::size_t>(b)];
      n[k] += hist[static_cast<std::size_t>(b)];
    }
    for (std::size_t k = 0; k < code.size(); ++k) if (n[k] > 0) code[k] = sum[k] / n[k];
    std::sort(code.begin(), code.end());
  }
  return {code.begin(), code.end()};
}

static float nearest(const std::vector<float>& code, float v) {
  const auto at = std::lower_bound(code.begin(), code.end(), v);
  if (at == code.end()) return code.back();
  if (at == code.begin()) return *at;
  return (v - *(at - 1) < *at - v) ? *(at - 1) : *at;
}

static Rows lloyd(const Rows& x, int bits) {
  Rows unit = x;
  Eigen::VectorXf scale(x.rows());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    scale[r] = std::max(x.row(r).cwiseAbs().maxCoeff(), 1e-12f);
    unit.row(r) /= scale[r];
  }
  const auto code = lloyd_codebook(unit, 1 << bits);
  for (Eigen::Index i = 0; i < unit.size(); ++i) unit.data()[i] = nearest(code, unit.data()[i]);
  return scale.asDiagonal() * unit;
}

// Each dimension divided by its standard deviation before the per-row uniform code, multiplied back after.
static Rows per_dimension(const Rows& x, int levels) {
  const Eigen::RowVectorXf sd = (x.array().square().colwise().mean()).sqrt().cwiseMax(1e-12f);
  const Rows scaled = x * sd.cwiseInverse().asDiagonal();
  return quantise(scaled, levels) * sd.asDiagonal();
}

// k-means (Lloyd, k-means++-like seeding by a fixed stride, 12 rounds, Eigen) → centroids; the residual of each
// row to its centroid coded by `code` (uniform per row or Lloyd-Max), added back.
static Rows kmeans_residual(const Rows& x, int k, int bits, bool use_lloyd) {
  Rows c(k, x.cols());
  for (int j = 0; j < k; ++j) c.row(j) = x.row(static_cast<Eigen::Index>(j) * x.rows() / k);
  std::vector<int> assign(static_cast<std::size_t>(x.rows()), 0);
  for (int it = 0; it < 12; ++it) {
    const Rows sim = x * c.transpose();  // unit rows: nearest centroid ≈ largest dot minus half its squared norm
    const Eigen::VectorXf half = c.rowwise().squaredNorm() * 0.5f;
    Rows sum = Rows::Zero(k, x.cols());
    std::vector<int> n(static_cast<std::size_t>(k), 0);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      Eigen::Index best = 0;
      (sim.row(r) - half.transpose()).maxCoeff(&best);
      assign[static_cast<std::size_t>(r)] = static_cast<int>(best);
      sum.row(best) += x.row(r);
      ++n[static_cast<std::size_t>(best)];
    }
    for (int j = 0; j < k; ++j) if (n[static_cast<std::size_t>(j)] > 0) c.row(j) = sum.row(j) / static_cast<float>(n[static_cast<std::size_t>(j)]);
  }
  Rows residual = x;
  for (Eigen::Index r = 0; r < x.rows(); ++r) residual.row(r) -= c.row(assign[static_cast<std::size_t>(r)]);
  const Rows coded = use_lloyd ? lloyd(residual, bits) : quantise(residual, (1 << (bits - 1)) - 1);
  Rows out = coded;
  for (Eigen::Index r = 0; r < x.rows(); ++r) out.row(r) += c.row(assign[static_cast<std::size_t>(r)]);
  return out;
}

// What the reader would hold in memory: the decoded rows in the shard's per-row int8 layout (search unchanged).
static Rows int8(const Rows& decoded) { return quantise(decoded, 127); }

static void codes(const Rows& x, const Rows& q, const std::vector<std::vector<int>>& exact) {
  const double rows = static_cast<double>(x.rows()), dim = static_cast<double>(x.cols());
  for (int bits : {7, 6, 5}) {
    std::printf("Lloyd-Max %d-bit codebook, per-row scale: recall@10 %.4f, vector bytes %.2f MB\n", bits, recall(int8(lloyd(x, bits)), q, exact), rows * (dim * bits / 8 + 4) / 1e6);
    std::printf("per-dimension scaled %d-bit uniform: recall@10 %.4f, vector bytes %.2f MB\n", bits, recall(int8(per_dimension(x, (1 << (bits - 1)) - 1)), q, exact), rows * (dim * bits / 8 + 4) / 1e6);
  }
  for (int k : {256, 1024}) {
    for (int bits : {6, 5}) {
      for (bool use_lloyd : {false, true}) {
        std::printf("k-means %d centroids + residual %d-bit %s: recall@10 %.4f, vector bytes %.2f MB + centroids %.2f MB (int8)\n", k, bits,
                    use_lloyd ? "Lloyd-Max" : "uniform", recall(int8(kmeans_residual(x, k, bits, use_lloyd)), q, exact),
                    rows * (dim * bits / 8 + 4 + 2) / 1e6, k * dim / 1e6);
        std::fflush(stdout);
      }
    }
  }
}

// Third round: per-row uniform codes at `levels`, one signed byte per value, written for the brotli measurement.
static void wire(const Rows& x, const Rows& q, const std::vector<std::vector<int>>& exact, const std::string& dir) {
  for (int levels : {127, 63, 55, 47, 43, 40, 36, 31}) {
    std::vector<signed char> rm(static_cast<std::size_t>(x.size())), dm(rm.size());
    const auto n = static_cast<std::size_t>(x.rows()), d = static_cast<std::size_t>(x.cols());
    for (std::size_t r = 0; r < n; ++r) {
      const float scale = x.row(static_cast<Eigen::Index>(r)).cwiseAbs().maxCoeff() / static_cast<float>(levels);
      for (std::size_t c = 0; c < d; ++c) {
        const float v = scale > 0 ? std::round(x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) / scale) : 0.0f;
        rm[r * d + c] = dm[c * n + r] = static_cast<signed char>(v);
      }
    }
    const std::string base = dir + "/levels-" + std::to_string(levels);
    std::ofstream(base + ".i8", std::ios::binary).write(reinterpret_cast<const char*>(rm.data()), static_cast<std::streamsize>(rm.size()));
    std::ofstream(base + ".t.i8", std::ios::binary).write(reinterpret_cast<const char*>(dm.data()), static_cast<std::streamsize>(dm.size()));
    std::printf("per-row uniform ±%d, byte per value: recall@10 %.4f, raw %.2f MB (%s.i8, %s.t.i8)\n", levels,
                recall(quantise(x, levels), q, exact), static_cast<double>(rm.size()) / 1e6, base.c_str(), base.c_str());
    std::fflush(stdout);
  }
}

static void write_codes(const std::string& file, const Rows& codes) {  // dimension-major signed bytes
  const auto n = static_cast<std::size_t>(codes.rows()), d = static_cast<std::size_t>(codes.cols());
  std::vector<signed char> dm(n * d);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < d; ++c) dm[c * n + r] = static_cast<signed char>(codes(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)));
  }
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(dm.data()), static_cast<std::streamsize>(dm.size()));
}

// Codes with one step per dimension: round(x / step_d), step_d = max(step, max|x_d| / 127) so every code fits a
// byte; returns the codes. The reader would decode code × step_d and hold the row per-row int8 at ±127.
static Rows stepped(const Rows& x, float step, Rows& decoded) {
  const Eigen::RowVectorXf top = x.cwiseAbs().colwise().maxCoeff() / 127.0f;
  Rows codes = x;
  decoded = x;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const float s = std::max(step, top[c]);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      codes(r, c) = std::round(x(r, c) / s);
      decoded(r, c) = codes(r, c) * s;
    }
  }
  return codes;
}

// Fourth round (`--pca DIR`): rotate by the full PCA basis (uncentred, every component kept, so cosines are exact
// before quantisation) and code the rotated values, per row (±L) or with one step per component; the codes are
// written dimension-major to DIR for the brotli measurement, beside the same codes without the rotation.
static void pca_rotation(const Rows& x, const Rows& q, const std::vector<std::vector<int>>& exact, const std::string& dir) {
  const Eigen::MatrixXf second = (x.transpose() * x) / static_cast<float>(x.rows());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXf> es(second);
  const Eigen::VectorXf ev = es.eigenvalues().reverse();
  const Eigen::MatrixXf basis = es.eigenvectors().rowwise().reverse();
  const Rows y = x * basis, qy = q * basis;
  const Eigen::VectorXf diag = second.diagonal();
  double gain = 0;
  for (Eigen::Index c = 0; c < ev.size(); ++c) gain += 0.5 * std::log2(std::max(diag[c], 1e-20f) / std::max(ev[c], 1e-20f));
  std::printf("eigenvalues: first %.5f %.5f %.5f, 64th %.6f, 256th %.6f, 448th %.6f, last %.8f; Gaussian coding gain %.1f bits/row (%.2f MB)\n",
              ev[0], ev[1], ev[2], ev[63], ev[255], ev[447], ev[ev.size() - 1], gain, gain * static_cast<double>(x.rows()) / 8e6);
  std::printf("max |value|: original %.4f, rotated first component %.4f, rotated others %.4f\n", x.cwiseAbs().maxCoeff(),
              y.col(0).cwiseAbs().maxCoeff(), y.rightCols(y.cols() - 1).cwiseAbs().maxCoeff());
  for (int levels : {127, 63, 47}) {
    if (std::getenv("PCA_ENTROPY_ONLY")) break;
    Rows codes = y;
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      const float scale = y.row(r).cwiseAbs().maxCoeff() / static_cast<float>(levels);
      for (Eigen::Index c = 0; c < y.cols(); ++c) codes(r, c) = scale > 0 ? std::round(y(r, c) / scale) : 0.0f;
    }
    write_codes(dir + "/pca-row-" + std::to_string(levels) + ".t.i8", codes);
    std::printf("rotated, per-row ±%d: recall@10 %.4f (pca-row-%d.t.i8)\n", levels, recall(quantise(y, levels), qy, exact), levels);
    std::fflush(stdout);
  }
  for (float step : {0.0010f, 0.0013f, 0.0016f, 0.0020f}) {
    if (std::getenv("PCA_ENTROPY_ONLY")) break;
    Rows dec_y, dec_x;
    const std::string tag = std::to_string(static_cast<int>(step * 10000 + 0.5f));
    write_codes(dir + "/pca-step-" + tag + ".t.i8", stepped(y, step, dec_y));
    write_codes(dir + "/raw-step-" + tag + ".t.i8", stepped(x, step, dec_x));
    const Rows back = dec_y * basis.transpose();  // decoded and rotated back: held per-row int8 in the original space
    std::printf("step %.4f: rotated recall@10 %.4f (held ±127 per row rotated; rotated back %.4f), unrotated %.4f (pca-step-%s / raw-step-%s .t.i8)\n", step,
                recall(int8(dec_y), qy, exact), recall(int8(back), q, exact), recall(int8(dec_x), q, exact), tag.c_str(), tag.c_str());
    std::fflush(stdout);
  }
  // Order-0 entropy of each dimension's codes (no byte limit: wide components would need 2-byte codes), summed:
  // roughly what brotli reaches on dimension-major codes, checked against the ±47 row above.
  for (float step : {0.0009f, 0.0010f, 0.0011f, 0.0012f}) {
    if (std::getenv("PCA_SPLIT_ONLY")) break;
    const auto entropy_mb = [&](const Rows& m) {
      double bits = 0;
      for (Eigen::Index c = 0; c < m.cols(); ++c) {
        std::map<long, double> h;
        for (Eigen::Index r = 0; r < m.rows(); ++r) h[std::lround(m(r, c) / step)] += 1;
        for (const auto& [k, n] : h) bits -= n * std::log2(n / static_cast<double>(m.rows()));
      }
      return bits / 8e6;
    };
    Rows dec_y = y, dec_x = x;
    for (Eigen::Index i = 0; i < y.size(); ++i) dec_y.data()[i] = std::round(y.data()[i] / step) * step;
    for (Eigen::Index i = 0; i < x.size(); ++i) dec_x.data()[i] = std::round(x.data()[i] / step) * step;
    std::printf("uniform step %.4f, any width: rotated %.2f MB (entropy) recall@10 rotated back %.4f; unrotated %.2f MB recall@10 %.4f\n", step,
                entropy_mb(y), recall(int8(dec_y * basis.transpose()), q, exact), entropy_mb(x), recall(int8(dec_x), q, exact));
    std::fflush(stdout);
  }
  // The top k components split off: x = Σ a_j u_j + r, the coefficients a kept as float32, the residual r coded per
  // row at ±L; decoded and held per-row int8 at ±127 in the original space (what a reader would hold).
  const auto order0_mb = [](const Rows& codes) {
    double bits = 0;
    for (Eigen::Index c = 0; c < codes.cols(); ++c) {
      std::map<long, double> h;
      for (Eigen::Index r = 0; r < codes.rows(); ++r) h[std::lround(codes(r, c))] += 1;
      for (const auto& [k, n] : h) bits -= n * std::log2(n / static_cast<double>(codes.rows()));
    }
    return bits / 8e6;
  };
  for (int k : {1, 2, 4, 8, 16}) {
    const Eigen::MatrixXf u = basis.leftCols(k);
    const Rows a = x * u;
    const Rows resid = x - a * u.transpose();
    for (int levels : {47, 31, 23, 15}) {
      Rows codes = resid, dec = resid;
      for (Eigen::Index r = 0; r < resid.rows(); ++r) {
        const float scale = resid.row(r).cwiseAbs().maxCoeff() / static_cast<float>(levels);
        for (Eigen::Index c = 0; c < resid.cols(); ++c) {
          codes(r, c) = scale > 0 ? std::round(resid(r, c) / scale) : 0.0f;
          dec(r, c) = codes(r, c) * scale;
        }
      }
      const Rows back = dec + a * u.transpose();
      std::printf("top %d split off, residual per-row ±%d: recall@10 %.4f, residual %.2f MB (entropy) + %.2f MB coefficients (f32) + %.3f MB basis; max|r| %.4f\n",
                  k, levels, recall(int8(back), q, exact), order0_mb(codes), x.rows() * k * 4 / 1e6, k * 512 * 4 / 1e6, resid.cwiseAbs().maxCoeff());
      std::fflush(stdout);
    }
  }
  Rows row47 = x;
  for (Eigen::Index r = 0; r < x.rows(); ++r) row47.row(r) = quantise(x.row(r), 47).row(0) / (x.row(r).cwiseAbs().maxCoeff() / 47.0f);
  {
    double bits = 0;
    for (Eigen::Index c = 0; c < row47.cols(); ++c) {
      std::map<long, double> h;
      for (Eigen::Index r = 0; r < row47.rows(); ++r) h[std::lround(row47(r, c))] += 1;
      for (const auto& [k, n] : h) bits -= n * std::log2(n / static_cast<double>(row47.rows()));
    }
    std::printf("per-row ±47 (shipped), unrotated: %.2f MB (entropy)\n", bits / 8e6);
  }
  const Eigen::MatrixXf rt = basis.transpose();
  std::ofstream(dir + "/basis.f32", std::ios::binary).write(reinterpret_cast<const char*>(rt.data()), static_cast<std::streamsize>(rt.size() * 4));
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: shard_shrink_eval VECTORS.f32 QUERIES.f32 [dim=512]\n");
    return 2;
  }
  const int dim = argc > 3 ? std::atoi(argv[3]) : 512;
  const Rows x = load(argv[1], dim), q = load(argv[2], dim);
  std::vector<std::vector<int>> exact;
  for (Eigen::Index i = 0; i < q.rows(); ++i) exact.push_back(top10(x * q.row(i).transpose()));
  std::printf("%ld rows, %ld queries; recall@10 against exact float32\n", static_cast<long>(x.rows()), static_cast<long>(q.rows()));
  if (argc > 4 && std::string(argv[4]) == "--codes") return codes(x, q, exact), 0;
  if (argc > 5 && std::string(argv[4]) == "--wire") return wire(x, q, exact, argv[5]), 0;
  if (argc > 5 && std::string(argv[4]) == "--pca") return pca_rotation(x, q, exact, argv[5]), 0;
  for (int levels : {127, 31, 15, 7}) {
    std::printf("full %d-d, levels ±%d: recall@10 %.4f, vector bytes %.2f MB\n", dim, levels, recall(quantise(x, levels), q, exact),
                static_cast<double>(x.rows()) * dim * std::ceil(std::log2(2.0 * levels + 1)) / 8 / 1e6);
  }
  const Eigen::MatrixXf second = (x.transpose() * x) / static_cast<float>(x.rows());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXf> es(second);
  const Eigen::VectorXf ev = es.eigenvalues().reverse();
  const Eigen::MatrixXf basis = es.eigenvectors().rowwise().reverse();
  for (int k : {128, 192, 256, 320, 384, 448}) {
    const Eigen::MatrixXf b = basis.leftCols(k);
    const Rows projected = x * b, pq = q * b;
    // Per-row int8 after a PCA lets the first components set every row's scale; scaling each component to unit
    // variance first (and back after dequantising) spends the 8 bits evenly. Both are reported.
    const Eigen::VectorXf sd = ev.head(k).cwiseMax(1e-12f).cwiseSqrt();
    const Rows balanced = quantise(projected * sd.cwiseInverse().asDiagonal(), 127) * sd.asDiagonal();
    std::printf("PCA %d-d: energy %.4f, recall@10 float %.4f, + int8 %.4f (per-component scaling first: %.4f), vector bytes %.2f MB + projection %.2f MB (f32)\n",
                k, ev.head(k).sum() / ev.sum(), recall(projected, pq, exact), recall(quantise(projected, 127), pq, exact), recall(balanced, pq, exact),
                static_cast<double>(x.rows()) * k / 1e6, static_cast<double>(dim) * k * 4 / 1e6);
  }
}
