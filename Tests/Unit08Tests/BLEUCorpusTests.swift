import CourseTestSupport
import Foundation
import XCTest

import enum Unit08.BLEU

/// Exercises 08.13 and 08.14 together, through the kit's sentence and corpus wrappers: an
/// integration test, so a failure here may come from either exercise (their own tests say
/// which).
final class BLEUCorpusTests: XCTestCase {
  let hint =
    "hint: check BLEU.statistics and BLEU.score (exercises 08.13 and 08.14, "
    + "Lectures/08-seq2seq.md §8)."

  func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

  /// NLTK's `sentence_bleu` documents 0.5045666840058485 for this example (no smoothing).
  func testNLTKDocumentationExample() throws {
    try exercise {
      let score = BLEU.sentence(
        hypothesis: self.words(BLEUFixtures.nltkHypothesis),
        references: BLEUFixtures.nltkReferences.map(self.words), smoothing: .none)
      assertClose(
        score, 0.5045666840058485, tolerance: 1e-12,
        "sentence BLEU of NLTK's documentation example", hint: self.hint)
    }
  }

  /// "a b x y z w" against "a b c d e f": unigrams a, b match (2 of 6), the bigram "a b"
  /// (1 of 5), nothing longer. Without smoothing the score is 0; the sentence wrapper smooths by
  /// default: (2/6 · 2/6 · 1/5 · 1/4)^(1/4) = (1/180)^(1/4), and c = r.
  func testSentenceBLEUIsSmoothedByDefault() throws {
    try exercise {
      let hypothesis = self.words("a b x y z w")
      let references = [self.words("a b c d e f")]
      assertEqual(
        BLEU.sentence(hypothesis: hypothesis, references: references, smoothing: .none), 0,
        accuracy: 0, "unsmoothed sentence BLEU without trigram matches. \(self.hint)")
      assertClose(
        BLEU.sentence(hypothesis: hypothesis, references: references), pow(1.0 / 180, 0.25),
        tolerance: 1e-12, "sentence BLEU with the default add-one smoothing", hint: self.hint)
    }
  }

  /// Two sentences: "a b c d" matches its reference exactly (sentence score 1) and
  /// "a b x y z w" scores 0 (above). The mean of the sentence scores is 0.5; corpus BLEU sums
  /// the counts, [4+2, 3+1, 2+0, 1+0] of [4+6, 3+5, 2+4, 1+3], and scores
  /// (6/10 · 4/8 · 2/6 · 1/4)^(1/4) = (1/40)^(1/4) = 0.3976.
  func testCorpusBLEUIsNotTheMeanOfSentenceScores() throws {
    try exercise {
      let hypotheses = [self.words("a b c d"), self.words("a b x y z w")]
      let references = [[self.words("a b c d")], [self.words("a b c d e f")]]
      assertClose(
        BLEU.corpus(hypotheses: hypotheses, references: references), pow(1.0 / 40, 0.25),
        tolerance: 1e-12, "corpus BLEU of two sentences (counts summed, then scored once)",
        hint: self.hint)
    }
  }

  /// The brevity penalty of a corpus compares the summed lengths: "a b c" is 2 tokens shorter
  /// than its reference and "p q r s t u v" 2 tokens longer, so c = r = 10 and there is no
  /// penalty. With N = 2: unigrams 3 + 5 of 3 + 7, bigrams 2 + 4 of 2 + 6, √(8/10 · 6/8).
  func testCorpusBrevityPenaltyUsesTotalLengths() throws {
    try exercise {
      let hypotheses = [self.words("a b c"), self.words("p q r s t u v")]
      let references = [[self.words("a b c d e")], [self.words("p q r s t")]]
      assertClose(
        BLEU.corpus(hypotheses: hypotheses, references: references, maxOrder: 2), 0.6.squareRoot(),
        tolerance: 1e-12, "corpus BLEU (N = 2) when a short and a long sentence balance",
        hint: self.hint)
    }
  }
}
