import CourseTestSupport
import Foundation
import XCTest

import protocol Unit01.LanguageModel

/// Exercise 01.6: `LanguageModel.logProbability(ofSentence:)`, on a fixed table model (no
/// smoothing exercise involved).
final class SentenceLogProbabilityTests: XCTestCase {
  let hint = Fixtures.hint("01.6", "LanguageModel.logProbability", section: 6)

  func testSumsNaturalLogsIncludingTheEndMarker() throws {
    try exercise {
      let model = TableModel.sample
      // <s> a b </s>: p(a | <s>) p(b | a) p(</s> | b) = 0.5 * 0.6 * 0.45
      assertClose(
        model.logProbability(ofSentence: [Fixtures.a, Fixtures.b]), log(0.5 * 0.6 * 0.45),
        "log p(a b)", hint: "natural log, and </s> is scored. \(self.hint)")
      // <s> c </s>: 0.15 * 0.5
      assertClose(
        model.logProbability(ofSentence: [Fixtures.c]), log(0.15 * 0.5), "log p(c)",
        hint: self.hint)
      // The empty sentence: only p(</s> | <s>) = 0, so log 0.
      assertEqual(
        model.logProbability(ofSentence: []), -.infinity,
        "an empty sentence still predicts </s>. \(self.hint)")
    }
  }

  func testUnknownTokensAreScoredLikeWords() throws {
    try exercise {
      // <s> <unk> c </s>: 0.05 * 0.15 * 0.5
      assertClose(
        TableModel.sample.logProbability(ofSentence: [Fixtures.unk, Fixtures.c]),
        log(0.05 * 0.15 * 0.5), "log p(<unk> c)", hint: self.hint)
    }
  }

  func testZeroProbabilityGivesMinusInfinityNotNaN() throws {
    try exercise {
      var model = TableModel.sample
      model.table[Fixtures.a][Fixtures.c] = 0
      model.table[Fixtures.a][Fixtures.b] += 0.1
      let logP = model.logProbability(ofSentence: [Fixtures.a, Fixtures.c, Fixtures.b])
      assertEqual(logP, -.infinity, "a token with p = 0 makes log p = -inf. \(self.hint)")
    }
  }
}

/// Exercise 01.7: `LanguageModel.evaluate(_:)`. The models here supply their own sentence
/// log-probabilities, so these tests do not depend on exercise 01.6.
final class PerplexityEvaluationTests: XCTestCase {
  let hint = Fixtures.hint("01.7", "LanguageModel.evaluate", section: 6)

  /// Every token, `</s>` included, has probability `1 / branching`.
  struct UniformModel: LanguageModel {
    var branching: Double
    var order: Int { 2 }
    var vocabularySize: Int { 6 }
    func probability(of word: Int, given context: ArraySlice<Int>) -> Double { 1 / branching }
    func logProbability(ofSentence ids: [Int]) -> Double {
      Double(ids.count + 1) * -log(branching)
    }
  }

  func testUniformModelHasPerplexityEqualToItsBranching() throws {
    try exercise {
      let report = UniformModel(branching: 4).evaluate([[3, 4], [5], []])
      assertEqual(report.sentences, 3, "number of sentences. \(self.hint)")
      assertEqual(
        report.tokens, 6, "3 words plus one </s> per sentence; <s> is not counted. \(self.hint)")
      assertClose(report.logProbability, -6 * log(4.0), "total log p (nats)", hint: self.hint)
      assertClose(report.crossEntropy, log(4.0), "cross-entropy (nats)", hint: self.hint)
      assertClose(report.perplexity, 4, "perplexity = e^H", hint: self.hint)
      assertClose(report.bitsPerToken, 2, "bits per token", hint: self.hint)
    }
  }

  func testPerplexityOfTheTableModel() throws {
    try exercise {
      struct Fixed: LanguageModel {
        var order: Int { 2 }
        var vocabularySize: Int { 6 }
        func probability(of word: Int, given context: ArraySlice<Int>) -> Double { 0 }
        func logProbability(ofSentence ids: [Int]) -> Double { ids.count == 2 ? -3 : -1.5 }
      }
      let report = Fixed().evaluate([[3, 4], [5]])
      // H = (3 + 1.5) / (3 + 2) = 0.9 nats, perplexity e^0.9.
      assertClose(report.crossEntropy, 0.9, "cross-entropy", hint: self.hint)
      assertClose(report.perplexity, exp(0.9), "perplexity", hint: self.hint)
    }
  }

  func testZeroProbabilityGivesInfinitePerplexityNotNaN() throws {
    try exercise {
      struct Impossible: LanguageModel {
        var order: Int { 2 }
        var vocabularySize: Int { 6 }
        func probability(of word: Int, given context: ArraySlice<Int>) -> Double { 0 }
        func logProbability(ofSentence ids: [Int]) -> Double { ids.isEmpty ? -1 : -.infinity }
      }
      let report = Impossible().evaluate([[], [3]])
      assertEqual(
        report.logProbability, -.infinity, "total log p with an impossible sentence. \(self.hint)")
      assertEqual(
        report.crossEntropy, .infinity, "cross-entropy must be +inf, not NaN. \(self.hint)")
      assertEqual(
        report.perplexity, .infinity, "perplexity must be +inf, not NaN. \(self.hint)")
    }
  }
}
