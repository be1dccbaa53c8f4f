import Foundation
import RNNCore

import struct Unit07.LinearChainCRF

/// Seeded, non-symmetric CRFs and test-local reference computations for the tests of exercises
/// 07.12-07.16. The references read only the CRF's stored scores, never its exercises:
///
///     score(y) = start[y_0] + Σ_t E[t, y_t] + Σ_{t≥1} A[y_{t-1}, y_t] + end[y_{n-1}]
///
/// Brute force enumerates all `K^n` sequences (small `n` and `K` only); the forward, backward
/// and max-product recursions serve long sentences.
enum CRFFixtures {
  static let lecture = "Lectures/07-bidirectional-deep-rnns.md"

  /// `hint: check LinearChainCRF.score (exercise 07.12, Lectures/... §7).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  /// The CRF of the golden values: `K = 4`, every block its own Gaussian scores (so `A` is far
  /// from symmetric and start differs from end), emissions `5 x 4`, and gold tags.
  static func golden() -> (crf: LinearChainCRF, emissions: Matrix, tags: [Int]) {
    var rng = RandomSource(seed: 7120)
    let crf = random(tagCount: 4, rng: &rng)
    let emissions = Matrix.gaussian(5, 4, std: 1.2, rng: &rng)
    return (crf, emissions, [2, 0, 3, 3, 1])
  }

  /// A CRF with Gaussian transitions, start and end scores.
  static func random(tagCount k: Int, scale: Double = 1, rng: inout RandomSource) -> LinearChainCRF
  {
    LinearChainCRF(
      transitions: .gaussian(k, k, std: scale, rng: &rng),
      start: .gaussian(1, k, std: 0.8 * scale, rng: &rng),
      end: .gaussian(1, k, std: 0.8 * scale, rng: &rng))
  }

  static func randomTags(length n: Int, tagCount k: Int, rng: inout RandomSource) -> [Int] {
    (0..<n).map { _ in rng.int(below: k) }
  }

  /// The score of one tag sequence, from the formula above.
  static func score(_ crf: LinearChainCRF, _ e: Matrix, _ tags: [Int]) -> Double {
    guard let first = tags.first, let last = tags.last else { return 0 }
    var s = crf.start[0, first] + crf.end[0, last]
    for t in tags.indices { s += e[t, tags[t]] }
    for t in tags.indices.dropFirst() { s += crf.transitions[tags[t - 1], tags[t]] }
    return s
  }

  /// `log Σ exp(x)`, shifted by the maximum.
  static func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    return m + log(x.reduce(0) { $0 + exp($1 - m) })
  }

  /// All `K^n` tag sequences, the first tag varying slowest.
  static func allSequences(length n: Int, tagCount k: Int) -> [[Int]] {
    var sequences: [[Int]] = [[]]
    for _ in 0..<n {
      sequences = sequences.flatMap { prefix in (0..<k).map { prefix + [$0] } }
    }
    return sequences
  }

  /// Everything by enumeration: `log Z`, the best sequence and its score, the marginals.
  static func bruteForce(
    _ crf: LinearChainCRF, _ e: Matrix
  ) -> (logZ: Double, best: [Int], bestScore: Double, marginals: Matrix) {
    let k = crf.transitions.rows
    let sequences = allSequences(length: e.rows, tagCount: k)
    let scores = sequences.map { score(crf, e, $0) }
    let logZ = logSumExp(scores)
    var bestIndex = 0
    for i in scores.indices where scores[i] > scores[bestIndex] { bestIndex = i }
    var marginals = Matrix.zeros(e.rows, k)
    for (sequence, s) in zip(sequences, scores) {
      let p = exp(s - logZ)
      for (t, tag) in sequence.enumerated() { marginals[t, tag] += p }
    }
    return (logZ, sequences[bestIndex], scores[bestIndex], marginals)
  }

  /// The forward recursion in log space (for sentences too long to enumerate).
  static func forward(_ crf: LinearChainCRF, _ e: Matrix) -> [[Double]] {
    let k = crf.transitions.rows
    guard e.rows > 0 else { return [] }
    var alpha = [(0..<k).map { crf.start[0, $0] + e[0, $0] }]
    for t in 1..<e.rows {
      let previous = alpha[t - 1]
      alpha.append(
        (0..<k).map { j in
          e[t, j] + logSumExp((0..<k).map { previous[$0] + crf.transitions[$0, j] })
        })
    }
    return alpha
  }

  /// The backward recursion in log space; `beta[n-1]` is the end scores.
  static func backward(_ crf: LinearChainCRF, _ e: Matrix) -> [[Double]] {
    let k = crf.transitions.rows
    let n = e.rows
    guard n > 0 else { return [] }
    var beta = [[Double]](repeating: [], count: n)
    beta[n - 1] = (0..<k).map { crf.end[0, $0] }
    for t in stride(from: n - 2, through: 0, by: -1) {
      beta[t] = (0..<k).map { i in
        logSumExp((0..<k).map { j in crf.transitions[i, j] + e[t + 1, j] + beta[t + 1][j] })
      }
    }
    return beta
  }

  /// `log Z` by the forward recursion (0 for an empty sentence).
  static func logPartition(_ crf: LinearChainCRF, _ e: Matrix) -> Double {
    guard let last = forward(crf, e).last else { return 0 }
    return logSumExp(last.indices.map { last[$0] + crf.end[0, $0] })
  }

  /// The marginals by forward-backward.
  static func marginals(_ crf: LinearChainCRF, _ e: Matrix) -> Matrix {
    let alpha = forward(crf, e)
    let beta = backward(crf, e)
    let logZ = logPartition(crf, e)
    return Matrix(rows: e.rows, cols: crf.transitions.rows) { t, j in
      exp(alpha[t][j] + beta[t][j] - logZ)
    }
  }

  /// The highest score of any sequence, by the max-product recursion.
  static func bestScore(_ crf: LinearChainCRF, _ e: Matrix) -> Double {
    let k = crf.transitions.rows
    guard e.rows > 0 else { return 0 }
    var best = (0..<k).map { crf.start[0, $0] + e[0, $0] }
    for t in 1..<e.rows {
      let previous = best
      best = (0..<k).map { j in
        e[t, j] + ((0..<k).map { previous[$0] + crf.transitions[$0, j] }.max() ?? 0)
      }
    }
    return (0..<k).map { best[$0] + crf.end[0, $0] }.max() ?? 0
  }

  /// The negative log-likelihood `log Z - score(tags)`.
  static func loss(_ crf: LinearChainCRF, _ e: Matrix, _ tags: [Int]) -> Double {
    logPartition(crf, e) - score(crf, e, tags)
  }

  /// The shapes of the brute-force comparisons: lengths 1...5 with 3 and with 4 tags.
  static let bruteForceShapes: [(n: Int, k: Int)] =
    (1...5).map { ($0, 3) } + (1...5).map { ($0, 4) }

  /// Adds `c` to every element of `m`.
  static func shifted(_ m: Matrix, by c: Double) -> Matrix { m.map { $0 + c } }

  /// Adds `c` to row `row` of `m`.
  static func shifted(_ m: Matrix, row: Int, by c: Double) -> Matrix {
    Matrix(rows: m.rows, cols: m.cols) { i, j in m[i, j] + (i == row ? c : 0) }
  }
}
