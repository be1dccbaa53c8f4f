import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.FeedForwardLM
import enum Unit10.Interpolation

/// Hidden tests of the feed-forward language model and interpolation (10.7-10.9). Vocabularies,
/// widths, context lengths, batches, weights and token log-probabilities are drawn from the
/// grading seed; expected values come from references written here (a softmax of logits built
/// word by word, a direct sum of two probabilities, a scan over λ) and from centered
/// differences, never from stored numbers.
final class FeedForwardHiddenTests: XCTestCase {
  /// `-mean log softmax(y)[target]` with the logits built from the contract, one context at a
  /// time; the softmax normalizer is shifted by the largest logit.
  static func loss(_ model: FeedForwardLM, _ contexts: [[Int]], _ targets: [Int]) -> Double {
    guard !targets.isEmpty else { return 0 }
    var total = 0.0
    for (context, target) in zip(contexts, targets) {
      var x: [Double] = []
      for word in context { x += model.embedding.row(word) }
      var a: [Double] = []
      for i in 0..<model.hiddenWeight.rows {
        var z = model.hiddenBias[0, i]
        for j in x.indices { z += model.hiddenWeight[i, j] * x[j] }
        a.append(tanh(z))
      }
      var y: [Double] = []
      for w in 0..<model.outputBias.cols {
        var value = model.outputBias[0, w]
        for i in a.indices { value += a[i] * model.outputWeight[w, i] }
        if let direct = model.directWeight {
          for j in x.indices { value += x[j] * direct[w, j] }
        }
        y.append(value)
      }
      let m = y.max() ?? 0
      total += m + log(y.reduce(0) { $0 + exp($1 - m) }) - y[target]
    }
    return total / Double(targets.count)
  }

  func testFeedForwardOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10701))
      for round in 0..<5 {
        let v = 2 + rng.int(below: 9)
        let e = 1 + rng.int(below: 4)
        let n1 = 1 + rng.int(below: 4)
        let hidden = 1 + rng.int(below: 6)
        let batch = 1 + rng.int(below: 5)
        let direct = round % 2 == 1
        let model = FeedForwardLM(
          embedding: .gaussian(v, e, rng: &rng),
          hiddenWeight: .gaussian(hidden, n1 * e, std: 0.8, rng: &rng),
          hiddenBias: .gaussian(1, hidden, std: 0.5, rng: &rng),
          outputWeight: .gaussian(v, hidden, rng: &rng),
          outputBias: .gaussian(1, v, std: round == 4 ? 600 : 0.5, rng: &rng),
          directWeight: direct ? .gaussian(v, n1 * e, std: 0.5, rng: &rng) : nil)
        var contexts = (0..<batch).map { _ in (0..<n1).map { _ in rng.int(below: v) } }
        // A word repeated inside a context.
        if n1 >= 2 { contexts[0][n1 - 1] = contexts[0][0] }
        let targets = (0..<batch).map { _ in rng.int(below: v) }
        let label = "(V \(v), E \(e), n-1 \(n1), hidden \(hidden), B \(batch), direct \(direct))"
        let (loss, cache) = model.lossAndCache(contexts: contexts, targets: targets)
        assertClose(
          loss, Self.loss(model, contexts, targets), tolerance: 1e-11, "10.7 loss \(label)")
        let total = (0..<v).reduce(0.0) { sum, w in
          sum + exp(-model.lossAndCache(contexts: [contexts[0]], targets: [w]).loss)
        }
        assertClose(total, 1, tolerance: 1e-12, "10.7 Σ_w p(w | context 0) \(label)")
        let gradients = model.backward(cache)
        assertTrue(
          (gradients.directWeight != nil) == direct, "10.8 a directWeight gradient iff direct")
        if round == 4 {
          for (name, block) in gradients.namedParameters {
            assertFinite(block, "10.8 ∂L/∂\(name) with logits in the hundreds \(label)")
          }
        }
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: gradients) {
            Self.loss($0, contexts, targets)
          }, tolerance: round == 4 ? 1e-6 : 1e-7, hint: "10.8 \(label)")
      }
    }
  }

  func testInterpolationOnNewTokens() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(10901))
      for round in 0..<4 {
        let count = 5 + rng.int(below: 60)
        let shift = round == 3 ? -800.0 : 0
        let neural = (0..<count).map { _ in log(rng.uniform(0.001, 0.7)) + shift }
        let ngram = (0..<count).map { _ in log(rng.uniform(0.001, 0.7)) + shift }
        let lambda = rng.uniform()
        let mixed = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: lambda)
        // Written around the shift, so the expected values stay finite at e^-800.
        let want = zip(neural, ngram).map {
          shift + log(lambda * exp($0 - shift) + (1 - lambda) * exp($1 - shift))
        }
        let label = "(\(count) tokens, λ \(lambda), log-probabilities shifted by \(shift))"
        assertClose(
          Matrix(row: mixed), Matrix(row: want), tolerance: 1e-12, "10.9 mixture \(label)")
        // exp(800) overflows: the perplexity is checked on the unshifted rounds.
        if shift == 0 {
          assertClose(
            Interpolation.perplexity(neural: neural, ngram: ngram, lambda: lambda),
            exp(-want.reduce(0, +) / Double(count)), tolerance: 1e-12,
            "10.9 perplexity \(label)")
        }
        // The log-likelihood is concave in λ: its maximum on [0, 1] by ternary search.
        func likelihood(_ l: Double) -> Double {
          zip(neural, ngram).reduce(0) {
            $0 + shift + log(l * exp($1.0 - shift) + (1 - l) * exp($1.1 - shift))
          }
        }
        var (low, high) = (0.0, 1.0)
        for _ in 0..<200 {
          let a = low + (high - low) / 3
          let b = high - (high - low) / 3
          if likelihood(a) < likelihood(b) { low = a } else { high = b }
        }
        let tuned = Interpolation.tuneLambda(neural: neural, ngram: ngram)
        assertEqual(tuned, (low + high) / 2, accuracy: 1e-5, "10.9 tuned λ \(label)")
        assertGreaterOrEqual(
          likelihood(tuned), likelihood((low + high) / 2) - 1e-8,
          "10.9 log-likelihood at the tuned λ \(label)")
      }
    }
  }
}
