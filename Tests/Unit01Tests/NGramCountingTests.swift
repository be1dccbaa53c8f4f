import CourseTestSupport
import RNNCore
import XCTest

import struct Unit01.NGramCounts

/// Exercise 01.4: `NGramCounts.add(sentence:)`.
final class NGramCountingTests: XCTestCase {
  let hint = Fixtures.hint("01.4", "NGramCounts.add", section: 4)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c
  let bos = Fixtures.bos
  let eos = Fixtures.eos

  func testBigramCountsOfTheTinyCorpus() throws {
    try exercise {
      let counts = NGramCounts(order: 2, vocabularySize: 6, sentences: Fixtures.tinySentences)
      let expected: [([Int], Int)] = [
        ([self.bos, self.a], 2), ([self.bos, self.b], 1), ([self.a, self.b], 2),
        ([self.a, self.c], 1), ([self.b, self.eos], 2), ([self.b, self.b], 1),
        ([self.b, self.a], 1), ([self.c, self.eos], 1), ([self.c, self.a], 0),
        ([self.a], 3), ([self.b], 4), ([self.c], 1), ([self.eos], 3), ([self.bos], 0),
      ]
      for (ngram, count) in expected {
        assertEqual(counts.count(ngram), count, "c(\(ngram)). \(self.hint)")
      }
      assertEqual(
        counts.tokenCount, 11, "8 words and 3 </s> are predicted; <s> is not. \(self.hint)")
      assertEqual(counts.contextCount([self.b]), 4, "c(b •). \(self.hint)")
      assertEqual(counts.contextCount([self.bos]), 3, "c(<s> •). \(self.hint)")
      assertEqual(counts.distinctNGramsPerOrder, [4, 8], "distinct n-grams. \(self.hint)")
    }
  }

  func testEndMarkerIsCountedOncePerSentence() throws {
    try exercise {
      let counts = NGramCounts(order: 3, vocabularySize: 6, sentences: [[self.a], [], [self.a]])
      assertEqual(counts.count([self.eos]), 3, "one </s> per sentence. \(self.hint)")
      assertEqual(
        counts.count([self.bos, self.bos, self.eos]), 1,
        "an empty sentence is <s> <s> </s>. \(self.hint)")
      assertEqual(counts.count([self.bos, self.a, self.eos]), 2, "c(<s> a </s>). \(self.hint)")
    }
  }

  func testTrigramPaddingUsesTwoStartMarkers() throws {
    try exercise {
      let counts = NGramCounts(order: 3, vocabularySize: 6, sentences: Fixtures.tinySentences)
      assertEqual(
        counts.count([self.bos, self.bos, self.a]), 2,
        "with order 3, every sentence starts with two <s>. \(self.hint)")
      assertEqual(counts.count([self.bos, self.a, self.b]), 2, "c(<s> a b). \(self.hint)")
      assertEqual(counts.count([self.a, self.b, self.b]), 1, "c(a b b). \(self.hint)")
      assertEqual(counts.count([self.b, self.b, self.eos]), 1, "c(b b </s>). \(self.hint)")
      assertEqual(counts.count([self.bos, self.b]), 1, "c(<s> b). \(self.hint)")
      assertEqual(counts.contextCount([self.bos, self.bos]), 3, "c(<s> <s> •). \(self.hint)")
      assertEqual(
        counts.distinctNGramsPerOrder, [4, 8, 9], "distinct n-grams per order. \(self.hint)")
    }
  }

  func testMatchesANaiveCounterOnRandomSentences() throws {
    try exercise {
      var rng = RandomSource(seed: 5)
      let sentences = (0..<40).map { _ in
        (0..<rng.int(below: 7)).map { _ in 3 + rng.int(below: 5) }
      }
      for order in 1...4 {
        let counts = NGramCounts(order: order, vocabularySize: 8, sentences: sentences)
        let naive = Fixtures.naiveCounts(sentences, order: order)
        var totals: [[Int]: Int] = [:]
        var followers: [[Int]: Int] = [:]
        // In a fixed order, so that every run reports its checks in the same sequence.
        for (ngram, count) in naive.sorted(by: { Fixtures.lexicographic($0.key, $1.key) }) {
          assertEqual(counts.count(ngram), count, "order \(order): c(\(ngram)). \(self.hint)")
          totals[Array(ngram.dropLast()), default: 0] += count
          followers[Array(ngram.dropLast()), default: 0] += 1
        }
        for (context, total) in totals.sorted(by: { Fixtures.lexicographic($0.key, $1.key) }) {
          assertEqual(counts.contextCount(context), total, "c(\(context) •). \(self.hint)")
          let node = counts.node(forContext: context[...])
          assertEqual(
            node.map(counts.distinctFollowers(of:)), followers[context],
            "N1+(\(context) •). \(self.hint)")
        }
        assertEqual(
          counts.distinctNGramsPerOrder.reduce(0, +), naive.count,
          "order \(order): number of distinct n-grams. \(self.hint)")
      }
    }
  }
}
