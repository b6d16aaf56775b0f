// Issue 11, "make the shard smaller without losing recall": recall@10 of smaller vector encodings against the exact
// float32 catalog vectors, for the two options tried — a PCA (uncentred, top-k eigenvectors of XᵀX/n, Eigen) to k
// dimensions, then per-row int8 (with and without scaling each component to unit variance first); and fewer
// quantisation levels at full dimension (±31 = 6 bits, ±15, ±7).
// The per-row symmetric quantisation here is the shard's rule (docs/SHARD-FORMAT.md), written again only for this
// one-off measurement. Not built by CMake:
//   g++ -O2 -isystem /usr/include/eigen3 tests/bench/shard_shrink_eval.cpp -o build/shard_shrink_eval
//   node tests/bench/shard_shrink_queries.mjs build/shrink
//   build/shard_shrink_eval build/bench-cache/vectors.f32 build/shrink/queries.f32
// (vectors.f32: the float32 catalog vectors, written by scripts/bench.sh's scratch shard build with --float-out.)
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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
