import CourseTestSupport
import RNNCore
import XCTest

import enum Unit07.BIO

/// Exercise 07.11: `BIO.iob2(fromIOB1:)`, rewriting CoNLL-2003's IOB1 tags in IOB2. The last
/// test is an integration test of exercises 07.9 and 07.11: the spans must not change.
final class IOB2ConversionTests: XCTestCase {
  let hint = SpanFixtures.hint("07.11", "BIO.iob2(fromIOB1:)", section: 6)

  func convert(_ text: String) -> String {
    BIO.iob2(fromIOB1: text.split(separator: " ").map(String.init)).joined(separator: " ")
  }

  /// The test's own conversion: an `I-X` that starts a span becomes `B-X`.
  static func referenceIOB2(_ tags: [String]) -> [String] {
    var out: [String] = []
    var previous = "O"
    for tag in tags {
      if SpanFixtures.split(tag).prefix == "I"
        && SpanFixtures.startsChunk(previous: previous, tag: tag)
      {
        out.append("B-" + tag.dropFirst(2))
      } else {
        out.append(tag)
      }
      previous = tag
    }
    return out
  }

  func testInsideTagAfterOutsideOrAtTheStartBecomesBeginning() throws {
    try exercise {
      assertEqual(
        self.convert("I-PER I-PER O I-LOC"), "B-PER I-PER O B-LOC",
        "an I-X that opens a span (first tag, or after O) becomes B-X. \(self.hint)")
      assertEqual(self.convert("O O I-ORG"), "O O B-ORG", "I-ORG after O. \(self.hint)")
      assertEqual(
        self.convert("I-PER O I-PER"), "B-PER O B-PER",
        "an O ends the span: the next I-PER opens a new one. \(self.hint)")
    }
  }

  func testInsideTagAfterAnotherTypeBecomesBeginning() throws {
    try exercise {
      assertEqual(
        self.convert("I-PER I-LOC I-LOC"), "B-PER B-LOC I-LOC",
        "I-LOC after I-PER opens a LOC span. \(self.hint)")
      assertEqual(
        self.convert("B-ORG I-MISC"), "B-ORG B-MISC", "I-MISC after B-ORG. \(self.hint)")
    }
  }

  func testBeginningAndContinuingTagsAreKept() throws {
    try exercise {
      assertEqual(
        self.convert("I-PER B-PER I-PER"), "B-PER B-PER I-PER",
        "IOB1's B-PER (a span right after another PER span) is kept, and so is the I-PER "
          + "that continues it. \(self.hint)")
      assertEqual(
        self.convert("I-X I-X I-X"), "B-X I-X I-X",
        "I-X I-X is one span: only its first tag changes. \(self.hint)")
      assertEqual(
        self.convert("B-PER I-PER O B-LOC"), "B-PER I-PER O B-LOC",
        "tags already in IOB2 do not change. \(self.hint)")
    }
  }

  func testEmptyAndAllOutside() throws {
    try exercise {
      assertEqual(BIO.iob2(fromIOB1: []), [], "an empty sentence. \(self.hint)")
      assertEqual(self.convert("O O O"), "O O O", "only O. \(self.hint)")
    }
  }

  /// Random IOB1 sentences and random tag soup against the test's own conversion; the result
  /// is valid IOB2 (every `I-X` continues an `X` span) and converting again changes nothing.
  func testRandomSentencesMatchTheReferenceConversion() throws {
    try exercise {
      var rng = RandomSource(seed: 7110)
      let types = ["PER", "LOC", "ORG"]
      for round in 0..<400 {
        let length = rng.int(below: 12)
        let tags =
          round % 2 == 0
          ? SpanFixtures.randomIOB1(length: length, types: types, rng: &rng)
          : SpanFixtures.randomTags(length: length, types: types, rng: &rng)
        let converted = BIO.iob2(fromIOB1: tags)
        let expected = Self.referenceIOB2(tags)
        if converted != expected {
          assertEqual(converted, expected, "IOB2 of \(tags). \(self.hint)")
          return
        }
        let again = BIO.iob2(fromIOB1: converted)
        if again != converted {
          assertEqual(again, converted, "converting \(converted) again. \(self.hint)")
          return
        }
      }
      assertTrue(true, "400 random sentences converted like the reference")
    }
  }

  /// Integration test of exercises 07.9 and 07.11: on many random sentences, IOB1 and
  /// tag soup alike, the spans read from the converted tags are the spans of the original tags.
  func testConversionKeepsTheSpans() throws {
    try exercise {
      var rng = RandomSource(seed: 7111)
      let types = ["PER", "LOC"]
      for round in 0..<400 {
        let length = 1 + rng.int(below: 12)
        let tags =
          round % 2 == 0
          ? SpanFixtures.randomIOB1(length: length, types: types, rng: &rng)
          : SpanFixtures.randomTags(length: length, types: types, rng: &rng)
        let before = BIO.spans(tags)
        let after = BIO.spans(BIO.iob2(fromIOB1: tags))
        if before != after {
          assertEqual(
            after, before,
            "spans of \(tags) after conversion (exercises 07.9 and 07.11). \(self.hint)")
          return
        }
      }
      assertTrue(true, "400 random sentences keep their spans")
    }
  }
}
