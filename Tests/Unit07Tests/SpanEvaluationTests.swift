import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit07.SpanEvaluation

/// Exercise 07.10: `SpanEvaluation(gold:predicted:)`, exact-match span counts per type and the
/// token counts; precision, recall and F1 follow from the counts. The evaluation reads spans
/// with `BIO.spans`, so these tests also need exercise 07.9: the well-formed cases need little of
/// it, the malformed predictions and the CoNLL file need all of its rules.
final class SpanEvaluationTests: XCTestCase {
  let hint = SpanFixtures.hint("07.10", "SpanEvaluation(gold:predicted:)", section: 6)

  typealias Counts = SpanEvaluation.Counts

  func tags(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

  func evaluate(_ gold: [String], _ predicted: [String]) -> SpanEvaluation {
    SpanEvaluation(gold: gold.map(tags), predicted: predicted.map(tags))
  }

  func testIdenticalTagsScoreOne() throws {
    try exercise {
      let e = self.evaluate(
        ["B-PER I-PER O B-LOC", "O B-ORG"], ["B-PER I-PER O B-LOC", "O B-ORG"])
      assertEqual(
        e.byType,
        [
          "PER": Counts(gold: 1, predicted: 1, correct: 1),
          "LOC": Counts(gold: 1, predicted: 1, correct: 1),
          "ORG": Counts(gold: 1, predicted: 1, correct: 1),
        ], "counts per type. \(self.hint)")
      assertEqual(e.correctTags, 6, "correct tags. \(self.hint)")
      assertEqual(e.tokens, 6, "tokens. \(self.hint)")
      assertClose(e.overall.f1, 1, tolerance: 1e-12, "F1 of a perfect prediction. \(self.hint)")
    }
  }

  /// A span with a wrong boundary earns nothing, however much it overlaps.
  func testPartialOverlapEarnsNoCredit() throws {
    try exercise {
      let cases: [(String, String, String)] = [
        ("B-PER I-PER I-PER O", "B-PER I-PER O O", "same start, ends early"),
        ("O B-PER I-PER O", "O B-PER I-PER I-PER", "same start, ends late"),
        ("B-PER I-PER I-PER O", "O B-PER I-PER O", "same end, starts late"),
        ("O B-PER I-PER O", "B-PER I-PER I-PER O", "same end, starts early"),
        ("B-PER I-PER I-PER I-PER", "O B-PER I-PER O", "strictly inside"),
        ("B-PER I-PER I-PER O", "B-PER B-PER I-PER O", "split in two"),
      ]
      for (gold, predicted, what) in cases {
        let e = self.evaluate([gold], [predicted])
        let expectedPredicted = what == "split in two" ? 2 : 1
        assertEqual(
          e.byType, ["PER": Counts(gold: 1, predicted: expectedPredicted, correct: 0)],
          "gold \(gold), predicted \(predicted) (\(what)): no exact match. \(self.hint)")
      }
    }
  }

  func testTypeMismatchEarnsNoCreditAndCountsForBothTypes() throws {
    try exercise {
      let e = self.evaluate(["B-PER I-PER O B-LOC"], ["B-ORG I-ORG O B-LOC"])
      assertEqual(
        e.byType,
        [
          "PER": Counts(gold: 1, predicted: 0, correct: 0),
          "ORG": Counts(gold: 0, predicted: 1, correct: 0),
          "LOC": Counts(gold: 1, predicted: 1, correct: 1),
        ],
        "right boundaries with the wrong type count as a miss for PER and a false ORG. "
          + self.hint)
      assertEqual(e.correctTags, 2, "tags equal to the gold tag (O included). \(self.hint)")
    }
  }

  /// Malformed predictions are read as the CoNLL script reads them (exercise 07.9's rules).
  func testMalformedPredictionsAreReadLikeTheScript() throws {
    try exercise {
      let e = self.evaluate(
        ["O B-PER I-PER O", "B-LOC B-PER", "B-ORG I-ORG"],
        ["O I-PER I-PER O", "B-LOC I-PER", "I-ORG I-LOC"])
      assertEqual(
        e.byType,
        [
          "PER": Counts(gold: 2, predicted: 2, correct: 2),
          "LOC": Counts(gold: 1, predicted: 2, correct: 1),
          "ORG": Counts(gold: 1, predicted: 1, correct: 0),
        ],
        "O I-PER I-PER is the span PER[1..<3]; B-LOC I-PER is LOC[0..<1] and PER[1..<2]; "
          + "I-ORG I-LOC is ORG[0..<1] and LOC[1..<2]. \(self.hint)")
      assertEqual(e.correctTags, 4, "correct tags. \(self.hint)")
      assertEqual(e.tokens, 8, "tokens. \(self.hint)")
    }
  }

  func testNoPredictionsGiveZeroPrecisionNotNaN() throws {
    try exercise {
      let e = self.evaluate(["B-PER I-PER O B-LOC", "B-ORG"], ["O O O O", "O"])
      let overall = e.overall
      assertEqual(
        overall, Counts(gold: 3, predicted: 0, correct: 0), "overall counts. \(self.hint)")
      assertEqual(overall.precision, 0, accuracy: 0, "precision with nothing predicted")
      assertEqual(overall.recall, 0, accuracy: 0, "recall with nothing predicted")
      assertEqual(overall.f1, 0, accuracy: 0, "F1 with nothing predicted")
      assertEqual(e.correctTags, 1, "the O tag is still right. \(self.hint)")
      assertClose(e.accuracy, 1.0 / 5, tolerance: 1e-12, "token accuracy. \(self.hint)")
    }
  }

  func testNoGoldSpans() throws {
    try exercise {
      let e = self.evaluate(["O O O", "O"], ["O B-MISC O", "O"])
      assertEqual(
        e.byType, ["MISC": Counts(gold: 0, predicted: 1, correct: 0)],
        "a type seen only in the predictions has its own entry. \(self.hint)")
      assertEqual(e.overall.recall, 0, accuracy: 0, "recall with no gold spans")
      assertEqual(e.overall.precision, 0, accuracy: 0, "precision with no correct span")
      let none = self.evaluate(["O O"], ["O O"])
      assertEqual(none.byType, [:], "no types when there are no spans at all. \(self.hint)")
      assertEqual(none.overall.f1, 0, accuracy: 0, "F1 with no spans at all")
      assertClose(none.accuracy, 1, tolerance: 1e-12, "token accuracy with only O. \(self.hint)")
      let empty = SpanEvaluation(gold: [], predicted: [])
      assertEqual(empty.tokens, 0, "tokens of no sentences. \(self.hint)")
      assertEqual(empty.byType, [:], "types of no sentences. \(self.hint)")
    }
  }

  /// Sentences are evaluated one by one: a span never runs across a sentence boundary.
  func testSpansStopAtSentenceBoundaries() throws {
    try exercise {
      let e = self.evaluate(["O B-PER", "I-PER O"], ["O B-PER", "I-PER O"])
      assertEqual(
        e.byType, ["PER": Counts(gold: 2, predicted: 2, correct: 2)],
        "B-PER ending one sentence and I-PER starting the next are two spans. \(self.hint)")
      let shifted = self.evaluate(["B-LOC O", "O O"], ["O O", "B-LOC O"])
      assertEqual(
        shifted.byType, ["LOC": Counts(gold: 1, predicted: 1, correct: 0)],
        "the same span in another sentence is not a match. \(self.hint)")
    }
  }

  /// Overall scores sum the counts of all types before dividing (micro average), which differs
  /// from the mean of the per-type scores here.
  func testPerTypeAndMicroAveragedScores() throws {
    try exercise {
      let e = self.evaluate(
        ["B-PER I-PER O B-LOC O B-PER", "B-ORG I-ORG I-ORG O B-LOC I-LOC"],
        ["B-PER I-PER O B-LOC O O", "B-ORG I-ORG O O B-LOC I-LOC"])
      // PER: gold 2, predicted 1, correct 1; LOC: 2, 2, 2; ORG: 1, 1, 0.
      assertEqual(
        e.byType,
        [
          "PER": Counts(gold: 2, predicted: 1, correct: 1),
          "LOC": Counts(gold: 2, predicted: 2, correct: 2),
          "ORG": Counts(gold: 1, predicted: 1, correct: 0),
        ], "counts per type. \(self.hint)")
      // Micro: correct 3, predicted 4, gold 5: P = 3/4, R = 3/5, F1 = 2·3/(4+5) = 2/3.
      assertClose(e.overall.precision, 0.75, tolerance: 1e-12, "micro precision. \(self.hint)")
      assertClose(e.overall.recall, 0.6, tolerance: 1e-12, "micro recall. \(self.hint)")
      assertClose(e.overall.f1, 2.0 / 3, tolerance: 1e-12, "micro F1. \(self.hint)")
      assertClose(e.byType["PER"]?.f1 ?? -1, 2.0 / 3, tolerance: 1e-12, "PER F1. \(self.hint)")
      assertEqual(e.types, ["LOC", "ORG", "PER"], "types, sorted. \(self.hint)")
      // Tokens 12, correct tags: all but the last PER and the third ORG token.
      assertEqual(e.correctTags, 10, "correct tags. \(self.hint)")
      assertEqual(e.tokens, 12, "tokens. \(self.hint)")
    }
  }

  func testTokenAccuracyCountsEveryTag() throws {
    try exercise {
      // B-PER for I-PER is a wrong tag even where the spans agree (the first sentence); an O
      // predicted as O is a right one.
      let e = self.evaluate(["O I-PER", "O O O B-LOC"], ["O B-PER", "O I-LOC O B-LOC"])
      assertEqual(e.correctTags, 4, "tokens whose predicted tag equals the gold tag. \(self.hint)")
      assertEqual(e.tokens, 6, "every token of every sentence. \(self.hint)")
      assertClose(e.accuracy, 4.0 / 6, tolerance: 1e-12, "token accuracy. \(self.hint)")
    }
  }

  // A CoNLL file with columns `word gold predicted` and a blank line after each sentence. The
  // numbers `conlleval` prints for it, worked out by hand:
  //
  //   sentence 1  gold PER[0,2) LOC[3,5)                 predicted PER[0,2) LOC[3,4) LOC[4,5)
  //   sentence 2  gold ORG[1,3) LOC[4,5)                 predicted ORG[1,3) MISC[3,4) ORG[4,5)
  //   sentence 3  gold PER[0,1) PER[2,3) PER[3,4) LOC[5,6)
  //               predicted PER[0,1) (I-PER first) PER[2,4) (B-PER I-PER) LOC[5,6) (I-LOC after O)
  //   sentence 4  gold ORG[0,1)                          predicted none
  //   sentence 5  gold LOC[0,1)                          predicted none
  //
  //   processed 21 tokens with 10 phrases; found: 9 phrases; correct: 4.
  //   accuracy:  61.90%; precision:  44.44%; recall:  40.00%; FB1:  42.11   (13/21, 4/9, 4/10)
  //                LOC: precision:  33.33%; recall:  25.00%; FB1:  28.57  3   (1/3, 1/4)
  //               MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
  //                ORG: precision:  50.00%; recall:  50.00%; FB1:  50.00  2   (1/2, 1/2)
  //                PER: precision:  66.67%; recall:  50.00%; FB1:  57.14  3   (2/3, 2/4)
  static let conllFile = """
    John B-PER B-PER
    Smith I-PER I-PER
    visited O O
    New B-LOC B-LOC
    York I-LOC B-LOC
    . O O

    The O O
    European B-ORG B-ORG
    Union I-ORG I-ORG
    said O B-MISC
    Brussels B-LOC B-ORG

    Mary B-PER I-PER
    met O O
    Paul B-PER B-PER
    Anne B-PER I-PER
    in O O
    Paris B-LOC I-LOC

    Reuters B-ORG O
    reported O O

    Berlin B-LOC O
    . O O

    """

  /// The gold and predicted columns of a CoNLL file, sentence by sentence.
  static func readColumns(_ text: String) -> (gold: [[String]], predicted: [[String]]) {
    var gold: [[String]] = []
    var predicted: [[String]] = []
    var g: [String] = []
    var p: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      if fields.isEmpty {
        if !g.isEmpty {
          gold.append(g)
          predicted.append(p)
        }
        g = []
        p = []
      } else {
        g.append(String(fields[fields.count - 2]))
        p.append(String(fields[fields.count - 1]))
      }
    }
    if !g.isEmpty {
      gold.append(g)
      predicted.append(p)
    }
    return (gold, predicted)
  }

  func testCoNLLFileMatchesTheScriptsNumbers() throws {
    try exercise {
      let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "unit07-span-evaluation-\(ProcessInfo.processInfo.processIdentifier).txt")
      try Self.conllFile.write(to: url, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: url) }
      let columns = Self.readColumns(try String(contentsOf: url, encoding: .utf8))
      assertEqual(columns.gold.count, 5, "sentences in the test's CoNLL file")
      let e = SpanEvaluation(gold: columns.gold, predicted: columns.predicted)

      assertEqual(e.tokens, 21, "processed 21 tokens. \(self.hint)")
      assertEqual(e.overall.gold, 10, "with 10 phrases. \(self.hint)")
      assertEqual(e.overall.predicted, 9, "found: 9 phrases. \(self.hint)")
      assertEqual(e.overall.correct, 4, "correct: 4. \(self.hint)")
      assertClose(e.accuracy, 13.0 / 21, tolerance: 1e-12, "accuracy 61.90%. \(self.hint)")
      assertClose(e.overall.precision, 4.0 / 9, tolerance: 1e-12, "precision 44.44%. \(self.hint)")
      assertClose(e.overall.recall, 4.0 / 10, tolerance: 1e-12, "recall 40.00%. \(self.hint)")
      assertClose(e.overall.f1, 8.0 / 19, tolerance: 1e-12, "FB1 42.11. \(self.hint)")
      assertEqual(e.types, ["LOC", "MISC", "ORG", "PER"], "types. \(self.hint)")

      let expected: [(String, Counts, Double, Double, Double)] = [
        ("LOC", Counts(gold: 4, predicted: 3, correct: 1), 1.0 / 3, 0.25, 2.0 / 7),
        ("MISC", Counts(gold: 0, predicted: 1, correct: 0), 0, 0, 0),
        ("ORG", Counts(gold: 2, predicted: 2, correct: 1), 0.5, 0.5, 0.5),
        ("PER", Counts(gold: 4, predicted: 3, correct: 2), 2.0 / 3, 0.5, 4.0 / 7),
      ]
      for (type, counts, p, r, f) in expected {
        let c = e.byType[type] ?? Counts(gold: -1, predicted: -1, correct: -1)
        assertEqual(c, counts, "\(type) counts. \(self.hint)")
        assertClose(c.precision, p, tolerance: 1e-12, "\(type) precision. \(self.hint)")
        assertClose(c.recall, r, tolerance: 1e-12, "\(type) recall. \(self.hint)")
        assertClose(c.f1, f, tolerance: 1e-12, "\(type) FB1. \(self.hint)")
      }
    }
  }

  /// Random sentences (many of them malformed) against the test's own evaluation.
  func testRandomSentencesMatchTheReferenceCounts() throws {
    try exercise {
      var rng = RandomSource(seed: 7100)
      for round in 0..<60 {
        let lengths = (0..<(1 + rng.int(below: 4))).map { _ in rng.int(below: 9) }
        let types = ["PER", "LOC", "ORG"]
        let gold = lengths.map { SpanFixtures.randomTags(length: $0, types: types, rng: &rng) }
        let predicted = gold.map { sentence in
          sentence.map { tag in
            rng.int(below: 3) == 0
              ? SpanFixtures.randomTags(length: 1, types: types, rng: &rng)[0] : tag
          }
        }
        let e = SpanEvaluation(gold: gold, predicted: predicted)
        let reference = SpanFixtures.referenceCounts(gold: gold, predicted: predicted)
        let expected = reference.byType.mapValues {
          Counts(gold: $0[0], predicted: $0[1], correct: $0[2])
        }
        if e.byType != expected || e.correctTags != reference.correctTags
          || e.tokens != reference.tokens
        {
          assertEqual(
            e.byType, expected, "round \(round): gold \(gold), predicted \(predicted). \(self.hint)"
          )
          assertEqual(e.correctTags, reference.correctTags, "round \(round): correct tags")
          assertEqual(e.tokens, reference.tokens, "round \(round): tokens")
          return
        }
      }
      assertTrue(true, "60 random evaluations match the reference counts")
    }
  }
}
