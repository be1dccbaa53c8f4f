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

  /// An order-3 model whose probabilities depend on both context words (unlisted cases get
  /// 0.2). It is not normalized everywhere; only the scored tokens matter here.
  struct TrigramTable: LanguageModel {
    static let table: [[Int]: Double] = [
      [1, 1, 3]: 0.6, [1, 3, 4]: 0.7, [3, 4, 2]: 0.35, [1, 1, 2]: 0.05, [1, 3, 2]: 0.15,
      [1, 1, 5]: 0.25, [1, 5, 0]: 0.4, [5, 0, 2]: 0.9,
    ]
    var order: Int { 3 }
    var vocabularySize: Int { 6 }
    func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
      guard context.count >= 2 else { return 0 }
      return Self.table[Array(context.suffix(2)) + [word]] ?? 0.2
    }
  }

  /// An order-1 model: the context is ignored.
  struct UnigramTable: LanguageModel {
    var order: Int { 1 }
    var vocabularySize: Int { 6 }
    func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
      [0.1, 0, 0.3, 0.15, 0.25, 0.2][word]
    }
  }

  func testTrigramModelsGetTwoStartMarkers() throws {
    try exercise {
      let model = TrigramTable()
      // <s> <s> a b </s>: p(a | <s> <s>) p(b | <s> a) p(</s> | a b) = 0.6 * 0.7 * 0.35
      assertClose(
        model.logProbability(ofSentence: [Fixtures.a, Fixtures.b]), log(0.6 * 0.7 * 0.35),
        "order 3: log p(a b)", hint: "pad with order - 1 = 2 <s>. \(self.hint)")
      // <s> <s> c <unk> </s>: 0.25 * 0.4 * 0.9
      assertClose(
        model.logProbability(ofSentence: [Fixtures.c, Fixtures.unk]), log(0.25 * 0.4 * 0.9),
        "order 3: log p(c <unk>)", hint: self.hint)
      // <s> <s> a </s>: 0.6 * 0.15
      assertClose(
        model.logProbability(ofSentence: [Fixtures.a]), log(0.6 * 0.15), "order 3: log p(a)",
        hint: "a one-word sentence scores the word and </s>. \(self.hint)")
      // <s> <s> </s>: 0.05
      assertClose(
        model.logProbability(ofSentence: []), log(0.05), "order 3: log p of the empty sentence",
        hint: "the empty sentence scores only </s>. \(self.hint)")
    }
  }

  func testUnigramModelsGetNoStartMarker() throws {
    try exercise {
      let model = UnigramTable()
      // a b </s>: 0.15 * 0.25 * 0.3
      assertClose(
        model.logProbability(ofSentence: [Fixtures.a, Fixtures.b]), log(0.15 * 0.25 * 0.3),
        "order 1: log p(a b)", hint: "order 1 pads with no <s> at all. \(self.hint)")
      assertClose(
        model.logProbability(ofSentence: []), log(0.3), "order 1: log p of the empty sentence",
        hint: self.hint)
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

  func testUnknownWordsAreCountedAsTokens() throws {
    try exercise {
      // Ids 0 are <unk>: they are predicted like any word, so they count as tokens.
      let report = UniformModel(branching: 4).evaluate([[0, 3, 0], [0]])
      assertEqual(report.sentences, 2, "number of sentences with <unk>. \(self.hint)")
      assertEqual(
        report.tokens, 6, "4 words (3 of them <unk>) plus one </s> per sentence. \(self.hint)")
      assertClose(
        report.crossEntropy, log(4.0), "cross-entropy of text with <unk> (nats)", hint: self.hint)
      assertClose(report.perplexity, 4, "perplexity of text with <unk>", hint: self.hint)
    }
  }

  func testOneEmptySentenceIsOneToken() throws {
    try exercise {
      let report = UniformModel(branching: 5).evaluate([[]])
      assertEqual(report.sentences, 1, "one empty sentence. \(self.hint)")
      assertEqual(report.tokens, 1, "an empty sentence still predicts its </s>. \(self.hint)")
      assertClose(report.perplexity, 5, "perplexity of one </s>", hint: self.hint)
    }
  }

  func testLongTextKeepsAFinitePerplexity() throws {
    try exercise {
      // 1,000 tokens of probability 1/4: the product of the probabilities, 4^-1000, underflows,
      // so the perplexity must come from the mean log-probability.
      let sentences = [[Int]](repeating: [Int](repeating: 3, count: 99), count: 10)
      let report = UniformModel(branching: 4).evaluate(sentences)
      assertEqual(report.tokens, 1000, "tokens of 10 sentences of 99 words. \(self.hint)")
      assertClose(
        report.logProbability, -1000 * log(4.0), tolerance: 1e-12, "total log p of 1,000 tokens",
        hint: self.hint)
      assertClose(
        report.perplexity, 4, tolerance: 1e-12, "perplexity of 1,000 tokens",
        hint: "exp of the cross-entropy, never a product of probabilities. \(self.hint)")
    }
  }
}
