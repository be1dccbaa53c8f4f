import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit10.Interpolation

/// Exercise 10.9: `Interpolation` of a neural and an n-gram model.
final class InterpolationTests: XCTestCase {
  let hint = Unit10FFNNFixtures.hint("10.9", "Interpolation", section: 5)
  typealias F = Unit10FFNNFixtures

  func testMixtureMatchesTheDefinition() throws {
    try exercise {
      let neural = [log(0.5), log(0.01), log(0.2), log(0.9)]
      let ngram = [log(0.1), log(0.3), log(0.2), log(0.05)]
      for lambda in [0.0, 0.3, 0.5, 0.85, 1.0] {
        let mine = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: lambda)
        let want = zip(neural, ngram).map { log(lambda * exp($0) + (1 - lambda) * exp($1)) }
        assertClose(
          Matrix(row: mine), Matrix(row: want), tolerance: 1e-12,
          "log(λ p_neural + (1 - λ) p_ngram) at λ = \(lambda)",
          hint: "λ weighs the NEURAL model, 1 - λ the n-gram model. " + self.hint)
      }
    }
  }

  /// Both probabilities underflow (`e^-800`): the mixture's log must still be right.
  func testStableAtTinyProbabilities() throws {
    try exercise {
      let neural = [-800.0, -1000, -3]
      let ngram = [-805.0, -2, -1200]
      let mine = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: 0.4)
      let want = [
        -800 + log(0.4 + 0.6 * exp(-5)), -2 + log(0.6), -3 + log(0.4),
      ]
      assertFinite(Matrix(row: mine), "mixture log-probabilities of e^-800 and e^-1200")
      assertClose(
        Matrix(row: mine), Matrix(row: want), tolerance: 1e-12,
        "mixture log-probabilities of e^-800 and e^-1200",
        hint: "Work with logs: log(e^u + e^v) = m + log(e^(u-m) + e^(v-m)) with m the larger "
          + "of u = log λ + log p_neural and v = log(1 - λ) + log p_ngram. " + self.hint)
      assertClose(
        Interpolation.perplexity(neural: neural, ngram: ngram, lambda: 0.4),
        exp(-want.reduce(0, +) / 3), tolerance: 1e-12, "perplexity of tiny probabilities",
        hint: self.hint)
    }
  }

  /// At λ = 1 the mixture is the neural model even where the n-gram model gives probability
  /// zero, and at λ = 0 the n-gram model.
  func testEndpoints() throws {
    try exercise {
      let neural = [log(0.25), -.infinity, log(0.5)]
      let ngram = [-.infinity, log(0.125), log(0.5)]
      let one = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: 1)
      let zero = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: 0)
      assertClose(one[0], log(0.25), tolerance: 1e-12, "λ = 1, token 0", hint: self.hint)
      assertClose(one[2], log(0.5), tolerance: 1e-12, "λ = 1, token 2", hint: self.hint)
      assertTrue(one[1] == -.infinity, "λ = 1 on a token the neural model rules out: -∞")
      assertClose(zero[1], log(0.125), tolerance: 1e-12, "λ = 0, token 1", hint: self.hint)
      assertTrue(zero[0] == -.infinity, "λ = 0 on a token the n-gram model rules out: -∞")
      let half = Interpolation.logProbabilities(neural: neural, ngram: ngram, lambda: 0.5)
      assertClose(
        Matrix(row: half), Matrix(row: [log(0.125), log(0.0625), log(0.5)]), tolerance: 1e-12,
        "λ = 1/2 where one model rules the token out", hint: self.hint)
    }
  }

  func testPerplexity() throws {
    try exercise {
      let (neural, ngram) = F.twoModels(count: 50, seed: 1130)
      for lambda in [0.0, 0.2, 0.7, 1.0] {
        let want = exp(-F.logLikelihood(neural, ngram, lambda) / 50)
        assertClose(
          Interpolation.perplexity(neural: neural, ngram: ngram, lambda: lambda), want,
          tolerance: 1e-12, "perplexity of the mixture at λ = \(lambda)",
          hint: "exp of minus the MEAN log-probability of the mixture. " + self.hint)
      }
      assertClose(
        Interpolation.perplexity(neural: [], ngram: [], lambda: 0.5), 1, tolerance: 0,
        "perplexity of no tokens")
    }
  }

  /// Three tokens of kind A (p_neural, p_ngram) = (0.6, 0.1) and seven of kind B (0.1, 0.6):
  /// the derivative of the log-likelihood, `3 · 0.5 / (0.1 + 0.5λ) - 7 · 0.5 / (0.6 - 0.5λ)`,
  /// vanishes at `λ = 0.22`.
  func testTunedLambdaOnAKnownOptimum() throws {
    try exercise {
      let neural = [Double](repeating: log(0.6), count: 3) + .init(repeating: log(0.1), count: 7)
      let ngram = [Double](repeating: log(0.1), count: 3) + .init(repeating: log(0.6), count: 7)
      assertEqual(
        Interpolation.tuneLambda(neural: neural, ngram: ngram), 0.22, accuracy: 1e-6,
        "λ maximizing the likelihood of 3 tokens (0.6, 0.1) and 7 tokens (0.1, 0.6)")
      assertEqual(
        Interpolation.tuneLambda(neural: ngram, ngram: neural), 0.78, accuracy: 1e-6,
        "the same tokens with the two models swapped")
    }
  }

  /// Against a brute-force search on two imperfect models: a grid of step 1e-3 over [0, 1],
  /// then a grid of step 1e-6 around its best point.
  func testTunedLambdaMatchesAGrid() throws {
    try exercise {
      for (count, seed) in [(40, 1131), (200, 1132), (7, 1133)] as [(Int, UInt64)] {
        let (neural, ngram) = F.twoModels(count: count, seed: seed)
        var best = (lambda: 0.0, value: -Double.infinity)
        for i in 0...1_000 {
          let lambda = Double(i) / 1_000
          let value = F.logLikelihood(neural, ngram, lambda)
          if value > best.value { best = (lambda, value) }
        }
        let center = best.lambda
        for i in -1_000...1_000 {
          let lambda = min(1, max(0, center + Double(i) * 1e-6))
          let value = F.logLikelihood(neural, ngram, lambda)
          if value > best.value { best = (lambda, value) }
        }
        let tuned = Interpolation.tuneLambda(neural: neural, ngram: ngram)
        assertEqual(
          tuned, best.lambda, accuracy: 1e-5,
          "tuned λ against the best of a grid of step 1e-6 (\(count) tokens)")
        assertGreaterOrEqual(
          F.logLikelihood(neural, ngram, tuned), best.value - 1e-9,
          "log-likelihood at the tuned λ against the grid's best (\(count) tokens)")
      }
    }
  }

  /// The neural model is better on every token: the maximum is at λ = 1, and the other way
  /// round at λ = 0.
  func testTunedLambdaAtTheBoundary() throws {
    try exercise {
      let better = [log(0.5), log(0.4), log(0.8), log(0.3)]
      let worse = [log(0.1), log(0.2), log(0.1), log(0.05)]
      assertEqual(
        Interpolation.tuneLambda(neural: better, ngram: worse), 1, accuracy: 1e-6,
        "λ when the neural model is better on every token")
      assertEqual(
        Interpolation.tuneLambda(neural: worse, ngram: better), 0, accuracy: 1e-6,
        "λ when the n-gram model is better on every token")
    }
  }

  /// At the maximum-likelihood λ the mixture is never worse than either model on the same
  /// tokens (λ = 0 and λ = 1 are among the candidates), and here better than both.
  func testMixtureIsNeverWorseThanTheBetterModel() throws {
    try exercise {
      for seed in [1134, 1135, 1136] as [UInt64] {
        let (neural, ngram) = F.twoModels(count: 300, seed: seed)
        let tuned = Interpolation.tuneLambda(neural: neural, ngram: ngram)
        let mixed = Interpolation.perplexity(neural: neural, ngram: ngram, lambda: tuned)
        let alone = min(exp(-neural.reduce(0, +) / 300), exp(-ngram.reduce(0, +) / 300))
        assertLess(
          mixed, alone,
          "perplexity of the mixture at the tuned λ = \(tuned) against the better single model")
        assertEqual(
          mixed, exp(-F.logLikelihood(neural, ngram, tuned) / 300), accuracy: 1e-9 * mixed,
          "perplexity of the mixture at the tuned λ")
      }
    }
  }

  /// Tiny probabilities (logs near -900) must not make the tuning fail.
  func testTuningIsStableAtTinyProbabilities() throws {
    try exercise {
      let neural =
        [Double](repeating: -900.0 + log(0.6), count: 3)
        + .init(repeating: -900.0 + log(0.1), count: 7)
      let ngram =
        [Double](repeating: -900.0 + log(0.1), count: 3)
        + .init(repeating: -900.0 + log(0.6), count: 7)
      assertEqual(
        Interpolation.tuneLambda(neural: neural, ngram: ngram), 0.22, accuracy: 1e-6,
        "λ of the known-optimum case with every probability scaled by e^-900. " + self.hint)
    }
  }
}
