import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit02.Sampler
import struct Unit02.SamplingOptions
import protocol Unit02.TokenPredictor

/// A bigram model: the logits of the next token depend only on the token just read.
struct BigramPredictor: TokenPredictor {
  var table: [[Double]]

  func initialState() -> Int { -1 }

  func nextTokenLogits(after token: Int, state: Int) -> (logits: [Double], state: Int) {
    (table[token], token)
  }

  /// The next-token probabilities after `token`.
  func probabilities(after token: Int) -> [Double] { Softmax.probabilities(table[token]) }
}

/// Counts the calls of a ``CountingPredictor`` (a class, so the sampler's copies share it).
final class CallCounter: @unchecked Sendable {
  var count = 0
}

/// Another predictor, counting how often the sampler asks it for the next logits.
struct CountingPredictor<Inner: TokenPredictor>: TokenPredictor {
  var inner: Inner
  var calls: CallCounter

  func initialState() -> Inner.State { inner.initialState() }

  func nextTokenLogits(
    after token: Int, state: Inner.State
  ) -> (
    logits: [Double], state: Inner.State
  ) {
    calls.count += 1
    return inner.nextTokenLogits(after: token, state: state)
  }
}

/// A model whose next token is certain and depends on everything read so far, in order: it
/// checks that the prompt is read in order and that the state is passed from call to call.
/// Its logits are ±1000, so a sampler must also stay finite at extreme logits.
struct HistoryPredictor: TokenPredictor {
  var vocabularySize: Int

  func initialState() -> [Int] { [] }

  func nextTokenLogits(after token: Int, state: [Int]) -> (logits: [Double], state: [Int]) {
    let history = state + [token]
    let next = Self.successor(of: history, vocabularySize: vocabularySize)
    let logits = (0..<vocabularySize).map { $0 == next ? 1000.0 : -1000.0 }
    return (logits, history)
  }

  static func successor(of history: [Int], vocabularySize: Int) -> Int {
    history.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element } % vocabularySize
  }
}

/// Exercise 02.5: `Sampler.generate`. The models are the tests' own predictors with known
/// distributions; the checks are chi-square goodness-of-fit tests at a fixed seed with a
/// significance level of 1e-4, so a correct sampler fails them only by a (fixed) 1-in-10,000
/// accident, while a wrong one fails by a wide margin.
final class SamplerTests: XCTestCase {
  let hint = "Check Sampler.generate (exercise 02.5, Lectures/02-elman-rnn.md §6)."

  /// Upper 1e-4 quantiles of the chi-square distribution, by degrees of freedom.
  static let critical: [Int: Double] = [
    3: 21.11, 4: 23.51, 5: 25.74, 6: 27.86, 12: 39.13,
  ]

  static let baseLogits = [1.0, 0.2, -0.5, 2.0, 0.0, -1.2]

  /// `Σ (observed - expected)² / expected` over the categories with positive probability (for the
  /// tests that add up several statistics or leave out a category; the others check their counts
  /// with `assertFitsDistribution`).
  static func chiSquare(_ counts: [Int], _ probabilities: [Double]) -> Double {
    let total = Double(counts.reduce(0, +))
    var statistic = 0.0
    for (count, p) in zip(counts, probabilities) where p > 0 {
      let expected = total * p
      statistic += (Double(count) - expected) * (Double(count) - expected) / expected
    }
    return statistic
  }

  /// Draws `n` first tokens, one `generate` call each, from a model that always predicts
  /// `logits`.
  func firstTokens(
    _ logits: [Double], n: Int, options: SamplingOptions, seed: UInt64
  ) -> [Int] {
    let model = BigramPredictor(table: [[Double]](repeating: logits, count: logits.count))
    var rng = RandomSource(seed: seed)
    var counts = [Int](repeating: 0, count: logits.count)
    var options = options
    options.maximumLength = 1
    for _ in 0..<n {
      for token in Sampler.generate(from: model, prompt: [0], options: options, rng: &rng) {
        counts[token] += 1
      }
    }
    return counts
  }

  func testFirstTokenFollowsTheModelsDistribution() throws {
    try exercise {
      let counts = self.firstTokens(Self.baseLogits, n: 6000, options: .init(), seed: 1)
      assertFitsDistribution(
        counts, Softmax.probabilities(Self.baseLogits), critical: Self.critical[5] ?? 0,
        "first tokens against softmax(logits) (5 degrees of freedom). \(self.hint)")
    }
  }

  func testTemperatureSharpensAndFlattensTheDistribution() throws {
    try exercise {
      for (temperature, seed) in [(0.5, UInt64(2)), (2.0, UInt64(3))] {
        let counts = self.firstTokens(
          Self.baseLogits, n: 6000, options: .init(temperature: temperature), seed: seed)
        let expected = Softmax.probabilities(Self.baseLogits.map { $0 / temperature })
        assertFitsDistribution(
          counts, expected, critical: Self.critical[5] ?? 0,
          "temperature \(temperature): first tokens against softmax(logits / T). Divide the "
            + "logits by T before the softmax. \(self.hint)")
      }
    }
  }

  func testTinyTemperatureAlwaysPicksTheMostLikelyToken() throws {
    try exercise {
      let counts = self.firstTokens(
        Self.baseLogits, n: 200, options: .init(temperature: 1e-3), seed: 4)
      assertEqual(
        counts, [0, 0, 0, 200, 0, 0],
        "at T = 0.001 every draw should be token 3, the most likely. \(self.hint)")
    }
  }

  func testEachSampledTokenIsFedBackAsTheNextInput() throws {
    try exercise {
      let model = BigramPredictor(table: [
        [2.0, 0.0, -1.0, 0.5],
        [-1.0, 1.5, 1.5, 0.0],
        [0.0, 0.0, 0.0, 3.0],
        [1.0, -2.0, 2.0, 0.0],
      ])
      var rng = RandomSource(seed: 5)
      let output = Sampler.generate(
        from: model, prompt: [0], options: .init(maximumLength: 4000), rng: &rng)
      assertEqual(output.count, 4000, "no end token: generate exactly maximumLength tokens")
      var transitions = [[Int]](repeating: [0, 0, 0, 0], count: 4)
      var previous = 0
      for token in output {
        transitions[previous][token] += 1
        previous = token
      }
      var statistic = 0.0
      for row in 0..<4 {
        statistic += Self.chiSquare(transitions[row], model.probabilities(after: row))
      }
      assertLess(
        statistic, Self.critical[12] ?? 0,
        "chi-square of the transitions against the bigram model (12 degrees of freedom): read "
          + "each sampled token to get the distribution of the next. \(self.hint)")
    }
  }

  func testReadsThePromptInOrderAndPassesTheStateAlong() throws {
    try exercise {
      let model = HistoryPredictor(vocabularySize: 7)
      var rng = RandomSource(seed: 6)
      let prompt = [3, 1, 4]
      let output = Sampler.generate(
        from: model, prompt: prompt, options: .init(maximumLength: 6), rng: &rng)
      var history = prompt
      var expected: [Int] = []
      for _ in 0..<6 {
        let next = HistoryPredictor.successor(of: history, vocabularySize: 7)
        expected.append(next)
        history.append(next)
      }
      assertEqual(
        output, expected,
        "read the prompt tokens in order, then each sampled token, always passing on the state "
          + "the predictor returned. \(self.hint)")
    }
  }

  func testUnknownTokenIsRedrawnSoTheOthersKeepTheirRatios() throws {
    try exercise {
      // Token 0 (<unk>) alone has probability about 0.45.
      let logits = [2.2, 1.0, 0.2, -0.5, 2.0, 0.0]
      let counts = self.firstTokens(logits, n: 6000, options: .init(unknownToken: 0), seed: 7)
      assertEqual(counts[0], 0, "times <unk> (token 0) was emitted. \(self.hint)")
      var renormalized = Softmax.probabilities(logits)
      renormalized[0] = 0
      let rest = renormalized.reduce(0, +)
      renormalized = renormalized.map { $0 / rest }
      let statistic = Self.chiSquare(counts, renormalized)
      assertLess(
        statistic, Self.critical[4] ?? 0,
        "with <unk> redrawn the other tokens keep their relative probabilities: chi-square of "
          + "the counts of tokens 1 ... 5 (4 degrees of freedom). \(self.hint)")
    }
  }

  func testStopsAtTheEndTokenWithoutEmittingIt() throws {
    try exercise {
      // Token 5 (<eos>) has probability 1/4 at every step, so the length L of a sample is
      // geometric: P(L = k) = (3/4)^k (1/4).
      let logits = [0, 0, 0, 0, 0, log(5.0 / 3)]  // e^s = 5/3 against five 1s: 1/4
      let model = BigramPredictor(table: [[Double]](repeating: logits, count: 6))
      var rng = RandomSource(seed: 8)
      var lengths = [Int](repeating: 0, count: 7)  // 0, 1, ..., 5, and 6 or more
      for _ in 0..<3000 {
        let sample = Sampler.generate(
          from: model, prompt: [5], options: .init(maximumLength: 100, endToken: 5), rng: &rng)
        assertFalse(sample.contains(5), "the end token is not part of the output. \(self.hint)")
        lengths[min(sample.count, 6)] += 1
      }
      var expected = (0..<6).map { pow(0.75, Double($0)) * 0.25 }
      expected.append(pow(0.75, 6))
      assertFitsDistribution(
        lengths, expected, critical: Self.critical[6] ?? 0,
        "sample lengths (0 ... 5, 6+) do not look geometric with P(<eos>) = 1/4: stop as soon "
          + "as the end token is drawn. \(self.hint)")
    }
  }

  func testReadsEveryTokenItGeneratesBeforeTheLast() throws {
    try exercise {
      // Either reading the last generated token or not is correct; nothing else is.
      let calls = CallCounter()
      let model = CountingPredictor(
        inner: BigramPredictor(table: [[Double]](repeating: Self.baseLogits, count: 6)),
        calls: calls)
      var rng = RandomSource(seed: 19)
      for (prompt, length) in [([2], 5), ([1, 4, 3], 1), ([0], 12)] {
        calls.count = 0
        let sample = Sampler.generate(
          from: model, prompt: prompt, options: .init(maximumLength: length), rng: &rng)
        assertEqual(sample.count, length, "tokens generated with maximumLength \(length)")
        let extra = calls.count - prompt.count - length
        assertTrue(
          extra == 0 || extra == -1,
          "the predictor reads the prompt and every generated token but the last (which it may "
            + "read or not). \(self.hint)")
      }
    }
  }

  func testStopsAfterTheMaximumLength() throws {
    try exercise {
      let model = BigramPredictor(table: [[Double]](repeating: Self.baseLogits, count: 6))
      var rng = RandomSource(seed: 9)
      for length in [0, 1, 17] {
        let sample = Sampler.generate(
          from: model, prompt: [2], options: .init(maximumLength: length), rng: &rng)
        assertEqual(sample.count, length, "maximumLength \(length). \(self.hint)")
      }
    }
  }
}
