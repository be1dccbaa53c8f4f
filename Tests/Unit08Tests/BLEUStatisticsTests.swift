import CourseTestSupport
import RNNCore
import XCTest

import enum Unit08.BLEU

/// Exercise 08.13: `BLEU.statistics`, the clipped n-gram matches, the n-gram totals and the two
/// lengths of one hypothesis. Every expected count below is worked by hand in a comment.
final class BLEUStatisticsTests: XCTestCase {
  let hint = "hint: check BLEU.statistics (exercise 08.13, Lectures/08-seq2seq.md §8)."

  func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

  func statistics(
    _ hypothesis: String, _ references: [String], maxOrder: Int = 4
  )
    -> BLEU.Statistics
  {
    BLEU.statistics(
      hypothesis: words(hypothesis), references: references.map(words), maxOrder: maxOrder)
  }

  /// The BLEU paper's first example: seven times "the" against two references. "the" occurs
  /// twice in the first reference and once in the second, so it matches twice (2/7); no bigram
  /// "the the" occurs anywhere. c = 7; the references have 6 and 7 tokens, so r = 7.
  func testBLEUPaperExampleClipsRepeatedWords() throws {
    try exercise {
      let s = self.statistics(
        "the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"])
      assertEqual(
        s.matches, [2, 0, 0, 0],
        "matches of \"the\" × 7 (clipped: at most as often as in one reference). \(self.hint)")
      assertEqual(
        s.totals, [7, 6, 5, 4], "n-gram totals of a 7-token hypothesis. \(self.hint)")
      assertEqual(s.hypothesisLength, 7, "c of the 7-token hypothesis. \(self.hint)")
      assertEqual(
        s.referenceLength, 7, "r when one reference has exactly c tokens. \(self.hint)")
    }
  }

  /// "the the the" against "the cat" and "the dog": each reference has one "the", so one match.
  /// Summing over the references would give 2; not clipping would give 3.
  func testClippingUsesTheSingleReferenceWhereTheNGramIsMostFrequent() throws {
    try exercise {
      let s = self.statistics("the the the", ["the cat", "the dog"])
      assertEqual(
        s.matches, [1, 0, 0, 0],
        "matches of \"the the the\" against \"the cat\" and \"the dog\": the maximum count in "
          + "one reference, not the sum over references. \(self.hint)")
      assertEqual(
        s.totals, [3, 2, 1, 0],
        "totals of a 3-token hypothesis: no 4-gram, and never a negative total. \(self.hint)")
      assertEqual(s.referenceLength, 2, "r when both references have 2 tokens. \(self.hint)")
    }
  }

  /// Hypothesis "a b a b a" (c = 5), references "a b c" (3 tokens) and "b a b a x y z" (7).
  ///
  ///     n  hypothesis n-grams       most in one reference     clipped
  ///     1  a ×3, b ×2               a: 2, b: 2 (second)        2 + 2 = 4
  ///     2  ab ×2, ba ×2             ab: 1, ba: 2 (second)      1 + 2 = 3
  ///     3  aba ×2, bab ×1           aba: 1, bab: 1 (second)    1 + 1 = 2
  ///     4  abab, baba               baba: 1 (second)           1
  ///
  /// The references are 2 tokens shorter and 2 longer than c: the tie goes to the shorter, r = 3.
  func testRepeatedNGramsAgainstTwoReferences() throws {
    try exercise {
      let s = self.statistics("a b a b a", ["a b c", "b a b a x y z"])
      assertEqual(s.matches, [4, 3, 2, 1], "matches of a b a b a (see the table). \(self.hint)")
      assertEqual(s.totals, [5, 4, 3, 2], "totals of a 5-token hypothesis. \(self.hint)")
      assertEqual(s.hypothesisLength, 5, "c of a b a b a. \(self.hint)")
      assertEqual(
        s.referenceLength, 3,
        "r when references of 3 and 7 tokens are equally close to c = 5 (the shorter wins). "
          + self.hint)
    }
  }

  /// Each n-gram is clipped on its own: "a b" occurs only in the first reference, "b c" only in
  /// the second, and both count. The trigram "a b c" occurs in neither.
  func testEachNGramIsClippedAgainstItsOwnBestReference() throws {
    try exercise {
      let s = self.statistics("a b c", ["a b", "b c"])
      assertEqual(
        s.matches, [3, 2, 0, 0],
        "matches of a b c against \"a b\" and \"b c\": different n-grams may match in "
          + "different references. \(self.hint)")
    }
  }

  /// n-grams are runs of consecutive tokens, compared case-sensitively: in "The cat sat"
  /// against "the cat on sat", "cat" and "sat" match, "The" does not, and the bigram "cat sat"
  /// does not (the reference has "cat on").
  func testNGramsAreContiguousAndCaseSensitive() throws {
    try exercise {
      let s = self.statistics("The cat sat", ["the cat on sat"])
      assertEqual(
        s.matches, [2, 0, 0, 0],
        "matches of \"The cat sat\" against \"the cat on sat\". \(self.hint)")
    }
  }

  func testClosestReferenceLengthTiesGoToTheShorter() throws {
    try exercise {
      let hypothesis = "u v w x y"
      func reference(_ n: Int) -> String {
        Array(repeating: "z", count: n).joined(separator: " ")
      }
      let cases: [(lengths: [Int], r: Int)] = [
        ([7, 3], 3), ([3, 7], 3), ([4, 6], 4), ([6, 4], 4), ([9, 6, 2], 6), ([8, 5, 1], 5),
        ([2], 2), ([1, 12], 1), ([10, 4, 6], 4),
      ]
      for (lengths, r) in cases {
        let s = self.statistics(hypothesis, lengths.map(reference))
        assertEqual(
          s.referenceLength, r,
          "r for c = 5 and references of \(lengths) tokens: the length closest to c, the "
            + "shorter on a tie. \(self.hint)")
      }
    }
  }

  func testEmptyAndShortHypotheses() throws {
    try exercise {
      let empty = BLEU.statistics(
        hypothesis: [], references: [self.words("a b c d"), self.words("a b c")])
      assertEqual(
        empty,
        BLEU.Statistics(
          matches: [0, 0, 0, 0], totals: [0, 0, 0, 0], hypothesisLength: 0, referenceLength: 3),
        "statistics of the empty hypothesis (r: the reference closest to 0 tokens). "
          + self.hint)
      let one = self.statistics("a", ["a b"])
      assertEqual(
        one,
        BLEU.Statistics(
          matches: [1, 0, 0, 0], totals: [1, 0, 0, 0], hypothesisLength: 1, referenceLength: 2),
        "statistics of a one-token hypothesis. \(self.hint)")
    }
  }

  func testMaxOrderSetsTheNumberOfOrders() throws {
    try exercise {
      let two = self.statistics("a b a b a", ["a b c", "b a b a x y z"], maxOrder: 2)
      assertEqual(two.matches, [4, 3], "matches with maxOrder 2. \(self.hint)")
      assertEqual(two.totals, [5, 4], "totals with maxOrder 2. \(self.hint)")
      let six = self.statistics("a b a b a", ["a b c", "b a b a x y z"], maxOrder: 6)
      assertEqual(six.matches, [4, 3, 2, 1, 0, 0], "matches with maxOrder 6. \(self.hint)")
      assertEqual(six.totals, [5, 4, 3, 2, 1, 0], "totals with maxOrder 6. \(self.hint)")
    }
  }

  /// The example of NLTK's documentation (from the BLEU paper), worked by hand:
  ///
  ///     hypothesis (18 tokens): It is a guide to action which ensures that the military
  ///                             always obeys the commands of the party
  ///     references: 16, 18 and 16 tokens, so r = 18.
  ///
  /// Unigrams: every token occurs in some reference except "obeys"; "the" occurs three times
  /// and the second and third references have four each, so all three count: 17 of 18.
  /// ("party" matches only the third reference: the others write "Party".)
  ///
  /// Bigrams (17): It is, is a, a guide, guide to, to action, ensures that, that the,
  /// the military, of the, the party match; action which, which ensures, military always,
  /// always obeys, obeys the, the commands, commands of do not: 10.
  ///
  /// Trigrams (16): It is a, is a guide, a guide to, guide to action, ensures that the,
  /// that the military, of the party: 7.
  ///
  /// 4-grams (15): It is a guide, is a guide to, a guide to action, ensures that the military:
  /// 4.
  func testNLTKDocumentationExample() throws {
    try exercise {
      let s = self.statistics(
        BLEUFixtures.nltkHypothesis, BLEUFixtures.nltkReferences)
      assertEqual(
        s,
        BLEU.Statistics(
          matches: [17, 10, 7, 4], totals: [18, 17, 16, 15], hypothesisLength: 18,
          referenceLength: 18),
        "statistics of NLTK's documentation example (see the comment). \(self.hint)")
    }
  }

  /// Properties on random sentences over a five-word vocabulary: a hypothesis that is its own
  /// reference matches every n-gram; the order of the references does not matter; another
  /// reference never lowers a match count; matches never exceed totals.
  func testPropertiesOnRandomSentences() throws {
    try exercise {
      var rng = RandomSource(seed: 8130)
      let vocabulary = ["a", "b", "c", "d", "e"]
      func sentence() -> [String] {
        (0..<rng.int(below: 9)).map { _ in vocabulary[rng.int(below: 5)] }
      }
      var selfMatch = true
      var orderFree = true
      var monotone = true
      var bounded = true
      for _ in 0..<200 {
        let hypothesis = sentence()
        let references = [sentence(), sentence(), sentence()]
        let own = BLEU.statistics(hypothesis: hypothesis, references: [hypothesis])
        selfMatch =
          selfMatch && own.matches == own.totals && own.referenceLength == hypothesis.count
        let s = BLEU.statistics(hypothesis: hypothesis, references: references)
        orderFree =
          orderFree
          && s == BLEU.statistics(hypothesis: hypothesis, references: references.reversed())
        let two = BLEU.statistics(hypothesis: hypothesis, references: Array(references.prefix(2)))
        monotone = monotone && zip(two.matches, s.matches).allSatisfy { $0 <= $1 }
        bounded =
          bounded && zip(s.matches, s.totals).allSatisfy { 0 <= $0 && $0 <= $1 }
          && s.matches.count == 4 && s.totals.count == 4
      }
      assertTrue(
        selfMatch, "a hypothesis against itself: every n-gram matches and r = c. \(self.hint)")
      assertTrue(orderFree, "the order of the references does not matter. \(self.hint)")
      assertTrue(
        monotone, "a third reference never lowers a clipped match count. \(self.hint)")
      assertTrue(bounded, "0 ≤ matches ≤ totals for every order. \(self.hint)")
    }
  }
}
