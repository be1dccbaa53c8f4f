import CourseTestSupport
import XCTest

import struct Unit01.Vocabulary

/// Exercise 01.2: `Vocabulary.build(from:minCount:maxWords:)`.
final class VocabularyBuildTests: XCTestCase {
  let hint = Fixtures.hint("01.2", "Vocabulary.build", section: 3)
  /// Counts: a 3, b 2, c 1, d 1 (and the markers, which are never words).
  let sentences = [["b", "a", "c", "a"], ["b", "d", "<unk>", "a", "<s>", "</s>"]]

  func testKeepsEveryWordByFrequencyThenAlphabet() throws {
    try exercise {
      let vocabulary = Vocabulary.build(from: self.sentences)
      assertEqual(
        vocabulary.tokens, ["<unk>", "<s>", "</s>", "a", "b", "c", "d"],
        "special tokens first, then words by count (ties alphabetical). \(self.hint)")
      assertEqual(
        vocabulary.predictableCount, 6, "predictable ids (every token but <s>). \(self.hint)")
    }
  }

  func testMinimumCountIsInclusive() throws {
    try exercise {
      assertEqual(
        Vocabulary.build(from: self.sentences, minCount: 2).tokens,
        ["<unk>", "<s>", "</s>", "a", "b"],
        "minCount 2 keeps words seen 2 or more times. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: self.sentences, minCount: 4).tokens, ["<unk>", "<s>", "</s>"],
        "minCount 4 keeps no word. \(self.hint)")
    }
  }

  func testTopKBreaksTiesAlphabetically() throws {
    try exercise {
      assertEqual(
        Vocabulary.build(from: self.sentences, maxWords: 3).tokens,
        ["<unk>", "<s>", "</s>", "a", "b", "c"],
        "the 3 most frequent words; c and d tie, c comes first. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: self.sentences, minCount: 2, maxWords: 10).count, 5,
        "size with minCount 2 and maxWords 10. \(self.hint)")
    }
  }

  func testCapitalizedWordsTieInStringOrder() throws {
    try exercise {
      // Counts: the 3; Zed, apple, Bob, b 2 each; ant 1. String order puts uppercase first.
      let sentences = [
        ["the", "apple", "Zed", "b", "Bob", "ant"], ["b", "the", "Zed", "apple", "the", "Bob"],
      ]
      assertEqual(
        Vocabulary.build(from: sentences).tokens,
        ["<unk>", "<s>", "</s>", "the", "Bob", "Zed", "apple", "b", "ant"],
        "ties broken by String order (<), so capitalized words first. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: sentences, maxWords: 3).tokens,
        ["<unk>", "<s>", "</s>", "the", "Bob", "Zed"],
        "maxWords 3 with a tie at the cut. \(self.hint)")
    }
  }

  func testEdgeCasesOfTheLimits() throws {
    try exercise {
      assertEqual(
        Vocabulary.build(from: self.sentences, maxWords: 0).tokens, ["<unk>", "<s>", "</s>"],
        "maxWords 0 keeps only the special tokens. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: self.sentences, maxWords: 4).tokens,
        ["<unk>", "<s>", "</s>", "a", "b", "c", "d"],
        "maxWords equal to the number of words keeps them all. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: self.sentences, minCount: 3).tokens, ["<unk>", "<s>", "</s>", "a"],
        "minCount equal to the largest count. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: []).tokens, ["<unk>", "<s>", "</s>"],
        "no sentences: only the special tokens. \(self.hint)")
      assertEqual(
        Vocabulary.build(from: [[], ["<unk>", "<unk>", "</s>"]]).tokens, ["<unk>", "<s>", "</s>"],
        "empty sentences and special tokens add no word. \(self.hint)")
    }
  }
}

/// Exercise 01.3: `Vocabulary.encode(_:)`. The vocabulary is built with the provided
/// initializer, so these tests do not depend on exercise 01.2.
final class VocabularyEncodeTests: XCTestCase {
  let hint = Fixtures.hint("01.3", "Vocabulary.encode", section: 3)

  func testUnknownWordsBecomeUnk() throws {
    try exercise {
      let vocabulary = Vocabulary(words: ["the", "cat"])
      assertEqual(
        vocabulary.encode(["the", "dog", "cat", "<unk>", "the"]), [3, 0, 4, 0, 3],
        "every word keeps its place; unknown words become <unk> (id 0). \(self.hint)")
    }
  }

  func testMarkersInTheTextAreNotMarkers() throws {
    try exercise {
      let vocabulary = Vocabulary(words: ["x"])
      assertEqual(
        vocabulary.encode(["<s>", "x", "</s>"]), [0, 3, 0],
        "the strings <s> and </s> in text are unknown words, not markers. \(self.hint)")
    }
  }

  func testOutOfVocabularyWordsAreNeverDropped() throws {
    try exercise {
      let vocabulary = Vocabulary(words: ["a"])
      let sentence = ["q", "r", "a", "s"]
      let ids = vocabulary.encode(sentence)
      assertEqual(
        ids.count, sentence.count,
        "dropping unknown words hides them from the perplexity. \(self.hint)")
      assertEqual(ids, [0, 0, 3, 0], "ids of q r a s. \(self.hint)")
    }
  }

  func testLookupIsCaseSensitiveAndAddsNoMarkers() throws {
    try exercise {
      let vocabulary = Vocabulary(words: ["the", "Zed"])
      assertEqual(
        vocabulary.encode(["zed", "Zed", "The", "the"]), [0, 4, 0, 3],
        "encoding is case-sensitive: zed and The are unknown. \(self.hint)")
      assertEqual(vocabulary.encode(["Zed"]), [4], "one word, one id, no markers. \(self.hint)")
      assertEqual(vocabulary.encode([]), [], "the empty sentence. \(self.hint)")
    }
  }
}
