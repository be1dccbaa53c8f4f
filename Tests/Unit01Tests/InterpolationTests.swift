import CourseTestSupport
import Foundation
import XCTest

import struct Unit01.Interpolated

/// Exercise 01.9: `Interpolated.components(of:given:)` (and the provided mixture on top).
final class InterpolationComponentTests: XCTestCase {
  let hint = Fixtures.hint("01.9", "Interpolated.components", section: 8)
  let a = Fixtures.a
  let b = Fixtures.b

  func testComponentsOnTheTinyCorpus() throws {
    try exercise {
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 2)
      let model = Interpolated(counts: counts, weights: [0.2, 0.3, 0.5])
      let parts = model.components(of: self.b, given: [Fixtures.bos, self.a])
      assertEqual(parts.count, 3, "uniform, unigram, bigram. \(self.hint)")
      assertClose(parts[0], 1.0 / 5, "p̃₀ (uniform over 5 ids)", hint: self.hint)
      assertClose(parts[1], 4.0 / 11, "p̃₁(b) = c(b)/11", hint: self.hint)
      assertClose(parts[2], 2.0 / 3, "p̃₂(b | a) = c(a b)/c(a •)", hint: self.hint)
      assertClose(
        model.probability(of: self.b, given: [self.a]), 0.04 + 0.3 * 4 / 11 + 0.5 * 2 / 3,
        "p(b | a) = 0.2/5 + 0.3·4/11 + 0.5·2/3", hint: self.hint)
    }
  }

  func testUnseenContextFallsToTheOrderBelow() throws {
    try exercise {
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 3)
      let model = Interpolated(counts: counts, weights: [0.1, 0.2, 0.3, 0.4])
      // The trigram context (c, b) was never seen; the bigram context (b) was, 4 times.
      let parts = model.components(of: Fixtures.eos, given: [self.a, Fixtures.c, self.b])
      assertClose(parts[1], 3.0 / 11, "p̃₁(</s>)", hint: self.hint)
      assertClose(parts[2], 2.0 / 4, "p̃₂(</s> | b)", hint: self.hint)
      assertClose(
        parts[3], parts[2], "p̃₃(</s> | c b) with c b never seen must repeat p̃₂",
        hint: self.hint)
    }
  }

  func testEveryContextSumsToOne() throws {
    try exercise {
      let data = Fixtures.synthetic()
      let counts = Fixtures.counts(data.train, order: 3, vocabularySize: data.vocabulary.count)
      let model = Interpolated(counts: counts, weights: [0.1, 0.2, 0.3, 0.4])
      Fixtures.assertEveryContextSumsToOne(
        model, contexts: Fixtures.contexts(in: data.test, order: 3),
        "the worst sum of p(· | context) over the test contexts", hint: self.hint)
    }
  }

  func testLongContextsAndTheUnigramOrder() throws {
    try exercise {
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 3)
      let model = Interpolated(counts: counts, weights: [0.1, 0.2, 0.3, 0.4])
      // Only the last two ids count: c(a b •) = 2, c(a b b) = 1; c(b •) = 4, c(b b) = 1.
      let parts = model.components(of: self.b, given: [self.b, Fixtures.bos, self.a, self.b])
      assertEqual(parts.count, 4, "uniform and orders 1 to 3. \(self.hint)")
      assertClose(parts[2], 1.0 / 4, "p̃₂(b | b)", hint: self.hint)
      assertClose(parts[3], 1.0 / 2, "p̃₃(b | a b) with a longer context", hint: self.hint)
      let unigram = Interpolated(
        counts: Fixtures.counts(Fixtures.tinySentences, order: 1), weights: [0.25, 0.75])
      let unk = unigram.components(of: Fixtures.unk, given: [self.a])
      assertEqual(unk.count, 2, "order 1: uniform and unigram. \(self.hint)")
      assertClose(unk[0], 1.0 / 5, "order 1: p̃₀(<unk>)", hint: self.hint)
      assertClose(unk[1], 0, "order 1: p̃₁(<unk>), never seen", hint: self.hint)
    }
  }
}

/// Exercise 01.10: `Interpolated.fitWeights(components:iterations:)`, on fixed tables of
/// component probabilities (independent of exercise 01.9).
final class InterpolationWeightTests: XCTestCase {
  let hint = Fixtures.hint("01.10", "Interpolated.fitWeights", section: 8)
  /// Six held-out tokens, three components (uniform, a lower order, a higher order); each
  /// component is the best one for some token, so every weight ends up strictly positive.
  let table: [[Double]] = [
    [0.2, 0.50, 0.90], [0.2, 0.60, 0.00], [0.2, 0.40, 0.70], [0.2, 0.05, 0.00],
    [0.2, 0.30, 0.60], [0.2, 0.01, 0.01],
  ]

  func logLikelihood(_ weights: [Double]) -> Double {
    table.reduce(0) { total, row in total + log(zip(weights, row).reduce(0) { $0 + $1.0 * $1.1 }) }
  }

  func testOneIterationFromEqualWeights() throws {
    try exercise {
      // Each row's responsibilities r_k = p_k / Σ p (weights start equal), averaged.
      let rows = self.table.map { row in row.map { $0 / row.reduce(0, +) } }
      let expected = (0..<3).map { k in rows.reduce(0) { $0 + $1[k] } / 6 }
      let weights = Interpolated.fitWeights(components: self.table, iterations: 1)
      assertEqual(weights.count, 3, "number of weights. \(self.hint)")
      for k in 0..<3 {
        assertClose(weights[k], expected[k], "λ\(k) after one EM step", hint: self.hint)
      }
    }
  }

  func testConvergedWeightsMatchGoldenValues() throws {
    try exercise {
      let weights = Interpolated.fitWeights(components: self.table, iterations: 500)
      let golden = [0.51079778497, 0.27057969821, 0.21862251682]
      for k in 0..<3 {
        assertClose(weights[k], golden[k], tolerance: 1e-6, "λ\(k)", hint: self.hint)
      }
    }
  }

  func testWeightsAreADistributionThatMaximizesLikelihood() throws {
    try exercise {
      let weights = Interpolated.fitWeights(components: self.table, iterations: 500)
      assertClose(weights.reduce(0, +), 1, "Σ λ", hint: self.hint)
      assertTrue(weights.allSatisfy { $0 >= 0 }, "every weight is non-negative. \(self.hint)")
      let best = self.logLikelihood(weights)
      let equal = self.logLikelihood([1.0 / 3, 1.0 / 3, 1.0 / 3])
      assertGreater(best, equal, "EM must improve on equal weights. \(self.hint)")
      // Moving 0.02 of weight between any two components must not help.
      for i in 0..<3 {
        for j in 0..<3 where i != j && weights[i] >= 0.02 {
          var moved = weights
          moved[i] -= 0.02
          moved[j] += 0.02
          assertLessOrEqual(
            self.logLikelihood(moved), best + 1e-12,
            "moving weight from λ\(i) to λ\(j) raised the likelihood: not a maximum. \(self.hint)")
        }
      }
    }
  }

  func testZeroIterationsKeepEqualWeights() throws {
    try exercise {
      let weights = Interpolated.fitWeights(components: self.table, iterations: 0)
      assertEqual(weights.count, 3, "number of weights. \(self.hint)")
      for k in 0..<3 {
        assertClose(weights[k], 1.0 / 3, "λ\(k) after zero EM steps", hint: self.hint)
      }
    }
  }

  func testOneHeldOutTokenPutsTheWeightOnItsBestComponent() throws {
    try exercise {
      // With one token, the likelihood λ·p is largest with all weight on the largest p.
      let weights = Interpolated.fitWeights(components: [[0.2, 0.5, 0.1]], iterations: 2000)
      assertEqual(weights.count, 3, "number of weights. \(self.hint)")
      assertClose(weights[1], 1, tolerance: 1e-6, "λ1 for one token", hint: self.hint)
      assertClose(weights.reduce(0, +), 1, tolerance: 1e-12, "Σ λ for one token", hint: self.hint)
    }
  }
}
