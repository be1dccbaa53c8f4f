import CourseTestSupport
import RNNCore
import XCTest

import protocol Unit01.LanguageModel

/// Exercise 01.14: `LanguageModel.sampleSentence(using:maxLength:)`, on a fixed table model.
final class SamplingTests: XCTestCase {
  let hint = Fixtures.hint("01.14", "LanguageModel.sampleSentence", section: 11)

  func testSamplesFollowTheModelsDistribution() throws {
    try exercise {
      let model = TableModel.sample
      var rng = RandomSource(seed: 2024)
      // first[w]: how often a sentence starts with w; next[v][w]: how often w follows v,
      // with w = </s> when the sentence ended after v.
      var first = [Int](repeating: 0, count: 6)
      var next = [[Int]](repeating: [Int](repeating: 0, count: 6), count: 6)
      for _ in 0..<4000 {
        let sentence = model.sampleSentence(using: &rng, maxLength: 200)
        guard let start = sentence.first else {
          fail("p(</s> | <s>) is 0 here, so no sentence can be empty. \(self.hint)")
          return
        }
        first[start] += 1
        for (v, w) in zip(sentence, sentence.dropFirst() + [Fixtures.eos]) { next[v][w] += 1 }
      }
      // Critical values at significance 0.001: 16.27 (3 degrees of freedom), 18.47 (4).
      let words = [Fixtures.unk, Fixtures.a, Fixtures.b, Fixtures.c]
      let outcomes = [Fixtures.unk, Fixtures.eos, Fixtures.a, Fixtures.b, Fixtures.c]
      assertFitsDistribution(
        words.map { first[$0] }, words.map { model.table[Fixtures.bos][$0] }, critical: 16.27,
        "first tokens (ids \(words)) do not follow p(· | <s>) = "
          + "\(words.map { model.table[Fixtures.bos][$0] }). \(self.hint)")
      for v in [Fixtures.a, Fixtures.b, Fixtures.c] {
        let expected = outcomes.map { model.table[v][$0] }
        assertFitsDistribution(
          outcomes.map { next[v][$0] }, expected, critical: 18.47,
          "tokens after id \(v) (ids \(outcomes)) do not follow p(· | \(v)) = \(expected); is "
            + "the context updated after each token? \(self.hint)")
      }
    }
  }

  func testSentencesHoldNoMarkersAndRespectMaxLength() throws {
    try exercise {
      var rng = RandomSource(seed: 1)
      for _ in 0..<200 {
        let sentence = TableModel.sample.sampleSentence(using: &rng, maxLength: 3)
        assertLessOrEqual(sentence.count, 3, "sentence length with maxLength 3. \(self.hint)")
        assertFalse(
          sentence.contains(Fixtures.bos) || sentence.contains(Fixtures.eos),
          "no <s> or </s> inside a sentence. \(self.hint)")
      }
      var neverEnds = TableModel.sample
      for v in 0..<6 {
        neverEnds.table[v][Fixtures.eos] = 0
        neverEnds.table[v][Fixtures.a] += TableModel.sample.table[v][Fixtures.eos]
      }
      assertEqual(
        neverEnds.sampleSentence(using: &rng, maxLength: 7).count, 7,
        "a model that never ends is cut at maxLength. \(self.hint)")
    }
  }

  func testSameSeedSameSentences() throws {
    try exercise {
      var first = RandomSource(seed: 9)
      var second = RandomSource(seed: 9)
      let x = (0..<5).map { _ in TableModel.sample.sampleSentence(using: &first) }
      let y = (0..<5).map { _ in TableModel.sample.sampleSentence(using: &second) }
      assertEqual(x, y, "sampling must draw only from the given generator. \(self.hint)")
    }
  }

  /// An order-3 model that is certain along `<s> <s> → 5 → 5 → 3 → </s>`: the two 5s are
  /// followed by different tokens, so both context words matter. A context of fewer than two
  /// ids predicts `</s>`.
  struct Chain: LanguageModel {
    var order: Int { 3 }
    var vocabularySize: Int { 6 }
    func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
      guard context.count >= 2 else { return word == Fixtures.eos ? 1 : 0 }
      let next: Int
      switch Array(context.suffix(2)) {
      case [Fixtures.bos, Fixtures.bos]: next = 5
      case [Fixtures.bos, 5]: next = 5
      case [5, 5]: next = 3
      default: next = Fixtures.eos
      }
      return word == next ? 1 : 0
    }
  }

  func testOrderThreeStartsWithTwoStartMarkersAndKeepsBothContextWords() throws {
    try exercise {
      var rng = RandomSource(seed: 4)
      assertEqual(
        Chain().sampleSentence(using: &rng), [5, 5, 3],
        "order 3: two <s> of padding, and the context is the last two tokens. \(self.hint)")
      assertEqual(
        Chain().sampleSentence(using: &rng, maxLength: 2), [5, 5],
        "order 3 with maxLength 2. \(self.hint)")
    }
  }

  func testMaxLengthZeroAndOne() throws {
    try exercise {
      var rng = RandomSource(seed: 3)
      assertEqual(
        TableModel.sample.sampleSentence(using: &rng, maxLength: 0), [],
        "maxLength 0 gives the empty sentence. \(self.hint)")
      for _ in 0..<20 {
        assertLessOrEqual(
          TableModel.sample.sampleSentence(using: &rng, maxLength: 1).count, 1,
          "sentence length with maxLength 1. \(self.hint)")
      }
    }
  }
}
