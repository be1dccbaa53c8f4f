import CourseTestSupport
import Foundation
import RNNData
import XCTest

import struct Unit01.AddK
import struct Unit01.KatzBackoff
import struct Unit01.KneserNey
import struct Unit01.MaximumLikelihood
import struct Unit01.NGramCounts
import enum Unit01.NGramModel
import struct Unit01.NGramSettings
import enum Unit01.Smoothing
import struct Unit01.Tokenizer
import struct Unit01.Vocabulary

/// Integration test of exercises 01.3 to 01.13 (encoding, counting, every smoothing method and
/// evaluation) on the synthetic corpus, whose true entropy is known.
///
/// Setup: 20,000 training and 2,000 test sentences from `SyntheticCorpus` (seeds 1 and 2), the
/// source's closed vocabulary (no `<unk>` on either side, so the models are compared with the
/// source on equal terms), trigram models with add-one, Katz backoff (D = 0.75) and
/// Kneser-Ney (D = 0.75).
final class SyntheticCorpusPerplexityTests: XCTestCase {
  let hint =
    "hint: this integration test uses exercises 01.3-01.13 "
    + "(\(Fixtures.lecture) §4-§10); fix the unit tests of each exercise first."

  /// The reference solution's Kneser-Ney trigram reaches 1.60 times the optimum here; an
  /// n-gram model cannot reach 1 (the source's number agreement and topic reach further back
  /// than two words).
  static let factor = 1.75

  func testKneserNeyBeatsAddOneAndBackoffAndNearsTheOptimum() throws {
    try exercise {
      let train = SyntheticCorpus.generate(sentences: 20_000, seed: 1)
      let test = SyntheticCorpus.generate(sentences: 2_000, seed: 2)
      let vocabulary = Vocabulary(words: SyntheticCorpus.words)
      let trainIDs = train.sentences.map(vocabulary.encode)
      let testIDs = test.sentences.map(vocabulary.encode)
      let counts = NGramCounts(order: 3, vocabularySize: vocabulary.count, sentences: trainIDs)
      let optimum = test.sampleEntropy.perplexity
      let addOne = AddK(counts: counts, k: 1).evaluate(testIDs).perplexity
      let backoff = KatzBackoff(counts: counts, discount: 0.75).evaluate(testIDs).perplexity
      let kneserNey = KneserNey(counts: counts, discount: 0.75).evaluate(testIDs).perplexity
      // The labels name only numbers of the test's own data: the grader compares them.
      let optimumText = String(format: "%.2f", optimum)
      assertFalse(
        kneserNey.isNaN || addOne.isNaN || backoff.isNaN,
        "held-out perplexity of add-one, Katz backoff or Kneser-Ney is NaN. \(self.hint)")
      assertLess(
        kneserNey, addOne, "held-out perplexity of Kneser-Ney, below add-one's. \(self.hint)")
      assertLess(
        kneserNey, backoff,
        "held-out perplexity of Kneser-Ney, below Katz backoff's. \(self.hint)")
      assertLess(
        kneserNey, Self.factor * optimum,
        "held-out perplexity of Kneser-Ney, below \(Self.factor) times the true optimum "
          + "\(optimumText). \(self.hint)")
      assertGreaterOrEqual(
        kneserNey, 0.98 * optimum,
        "no model can beat the source itself by more than noise: held-out perplexity of "
          + "Kneser-Ney, at least 0.98 times the true optimum \(optimumText). \(self.hint)")
    }
  }

  func testMaximumLikelihoodIsInfiniteOnUnseenTextNotNaN() throws {
    try exercise {
      let train = SyntheticCorpus.generate(sentences: 2_000, seed: 1)
      let test = SyntheticCorpus.generate(sentences: 200, seed: 2)
      let vocabulary = Vocabulary(words: SyntheticCorpus.words)
      let counts = NGramCounts(
        order: 3, vocabularySize: vocabulary.count,
        sentences: train.sentences.map(vocabulary.encode))
      let report = MaximumLikelihood(counts: counts).evaluate(test.sentences.map(vocabulary.encode))
      assertEqual(
        report.perplexity, .infinity,
        "held-out text has trigrams training never saw, so MLE perplexity is infinite. "
          + self.hint)
    }
  }
}

/// Integration test of exercises 01.1 to 01.13: the lectures' word-order example. On a small
/// corpus of short English sentences, every model must prefer "the cat is small" to
/// "small the is cat".
final class WordOrderTests: XCTestCase {
  static let corpus = """
    the cat is small
    the dog is big
    the cat is black
    a small cat sleeps
    the small dog is old
    the old cat is small
    a dog is small
    """

  func testNaturalOrderIsMoreProbable() throws {
    try exercise {
      let sentences = Tokenizer().sentences(in: Self.corpus)
      let vocabulary = Vocabulary.build(from: sentences)
      let ids = sentences.map(vocabulary.encode)
      let good = vocabulary.encode(["the", "cat", "is", "small"])
      let bad = vocabulary.encode(["small", "the", "is", "cat"])
      for smoothing in Smoothing.allCases {
        let model = NGramModel.train(
          NGramSettings(order: 2, smoothing: smoothing, heldOutEvery: 3),
          sentences: ids, vocabularySize: vocabulary.count)
        let logGood = model.logProbability(ofSentence: good)
        let logBad = model.logProbability(ofSentence: bad)
        assertGreater(
          logGood, logBad,
          "\(smoothing.displayName) bigram: log p(the cat is small), above "
            + "log p(small the is cat). hint: exercises 01.1-01.13 "
            + "(\(Fixtures.lecture) §1-§10).")
      }
    }
  }
}
