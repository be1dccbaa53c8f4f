import CourseTestSupport
import RNNCore
import XCTest

import enum Unit07.BIO
import struct Unit07.Span

/// Exercise 07.9: `BIO.spans`, the chunks of one sentence read the way CoNLL's evaluation
/// script reads them. Well-formed IOB2 first, then every malformed case the script accepts,
/// then random sequences against the test's own reading of the script's rules.
final class BIOSpanTests: XCTestCase {
  let hint = SpanFixtures.hint("07.9", "BIO.spans", section: 6)

  func spans(_ text: String) -> [Span] {
    BIO.spans(text.split(separator: " ").map(String.init))
  }

  func testWellFormedSpans() throws {
    try exercise {
      assertEqual(
        self.spans("B-PER I-PER O B-LOC O"),
        [Span(type: "PER", start: 0, end: 2), Span(type: "LOC", start: 3, end: 4)],
        "B-PER I-PER O B-LOC O. \(self.hint)")
      assertEqual(
        self.spans("B-PER I-PER"), [Span(type: "PER", start: 0, end: 2)],
        "B-PER I-PER is one span. \(self.hint)")
      assertEqual(
        self.spans("O B-ORG I-ORG I-ORG O"), [Span(type: "ORG", start: 1, end: 4)],
        "end is one past the last token of the span. \(self.hint)")
    }
  }

  func testSpanAtTheEndOfTheSentence() throws {
    try exercise {
      assertEqual(
        self.spans("O O B-ORG I-ORG"), [Span(type: "ORG", start: 2, end: 4)],
        "a span that runs to the last token ends with the sentence. \(self.hint)")
      assertEqual(
        self.spans("O B-LOC"), [Span(type: "LOC", start: 1, end: 2)],
        "a one-token span on the last token. \(self.hint)")
      assertEqual(
        self.spans("B-MISC"), [Span(type: "MISC", start: 0, end: 1)],
        "a sentence of one B- tag. \(self.hint)")
    }
  }

  func testEmptySentenceAndAllOutside() throws {
    try exercise {
      assertEqual(BIO.spans([]), [], "no spans in an empty sentence. \(self.hint)")
      assertEqual(self.spans("O O O"), [], "no spans when every tag is O. \(self.hint)")
      assertEqual(self.spans("O"), [], "no spans in the sentence O. \(self.hint)")
    }
  }

  func testBeginningTagAlwaysStartsANewSpan() throws {
    try exercise {
      assertEqual(
        self.spans("B-PER B-PER"),
        [Span(type: "PER", start: 0, end: 1), Span(type: "PER", start: 1, end: 2)],
        "B-PER B-PER is two spans. \(self.hint)")
      assertEqual(
        self.spans("B-PER I-PER B-PER I-PER O"),
        [Span(type: "PER", start: 0, end: 2), Span(type: "PER", start: 2, end: 4)],
        "a B- after I- of the same type ends the span and starts another. \(self.hint)")
      assertEqual(
        self.spans("B-PER B-LOC I-LOC"),
        [Span(type: "PER", start: 0, end: 1), Span(type: "LOC", start: 1, end: 3)],
        "B-PER B-LOC I-LOC. \(self.hint)")
    }
  }

  func testInsideTagAfterOutsideOrAtTheStartStartsASpan() throws {
    try exercise {
      assertEqual(
        self.spans("O I-PER I-PER O"), [Span(type: "PER", start: 1, end: 3)],
        "I-PER after O starts a span (the script does not drop it). \(self.hint)")
      assertEqual(
        self.spans("I-PER O"), [Span(type: "PER", start: 0, end: 1)],
        "I-PER at the start of the sentence starts a span. \(self.hint)")
      assertEqual(
        self.spans("I-PER I-PER B-PER"),
        [Span(type: "PER", start: 0, end: 2), Span(type: "PER", start: 2, end: 3)],
        "I-PER I-PER B-PER. \(self.hint)")
      assertEqual(
        self.spans("B-LOC O I-LOC"),
        [Span(type: "LOC", start: 0, end: 1), Span(type: "LOC", start: 2, end: 3)],
        "an O between two LOC tags separates two spans. \(self.hint)")
    }
  }

  func testTypeChangeEndsTheSpanAndStartsAnother() throws {
    try exercise {
      assertEqual(
        self.spans("B-LOC I-PER"),
        [Span(type: "LOC", start: 0, end: 1), Span(type: "PER", start: 1, end: 2)],
        "I-PER after B-LOC ends the LOC span and starts a PER span. \(self.hint)")
      assertEqual(
        self.spans("B-LOC I-LOC I-PER I-PER O"),
        [Span(type: "LOC", start: 0, end: 2), Span(type: "PER", start: 2, end: 4)],
        "I-PER after I-LOC. \(self.hint)")
      assertEqual(
        self.spans("O I-ORG I-MISC I-ORG"),
        [
          Span(type: "ORG", start: 1, end: 2), Span(type: "MISC", start: 2, end: 3),
          Span(type: "ORG", start: 3, end: 4),
        ], "every change of type is a new span. \(self.hint)")
    }
  }

  func testTypesWithHyphensAndLongNamesAreKept() throws {
    try exercise {
      assertEqual(
        self.spans("B-GPE-LOC I-GPE-LOC O B-WORK_OF_ART"),
        [Span(type: "GPE-LOC", start: 0, end: 2), Span(type: "WORK_OF_ART", start: 3, end: 4)],
        "the type is everything after the first hyphen. \(self.hint)")
    }
  }

  /// Random sentences over two types, most of them malformed, against the test's own reading of
  /// the script's rules.
  func testRandomSequencesMatchTheCoNLLRules() throws {
    try exercise {
      var rng = RandomSource(seed: 7090)
      for _ in 0..<400 {
        let tags = SpanFixtures.randomTags(
          length: rng.int(below: 11), types: ["PER", "LOC"], rng: &rng)
        let expected = SpanFixtures.referenceSpans(tags)
        let actual = BIO.spans(tags)
        if actual != expected {
          assertEqual(actual, expected, "spans of \(tags). \(self.hint)")
          return
        }
      }
      assertTrue(true, "400 random sentences read as the CoNLL script reads them")
    }
  }
}
