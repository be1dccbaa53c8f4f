import Foundation
import RNNCore
import RNNData
import XCTest

final class SyntheticCorpusTests: XCTestCase {
  func testSameSeedGivesSameCorpus() {
    let a = SyntheticCorpus.generate(sentences: 50, seed: 7)
    let b = SyntheticCorpus.generate(sentences: 50, seed: 7)
    let c = SyntheticCorpus.generate(sentences: 50, seed: 8)
    XCTAssertEqual(a.sentences, b.sentences)
    XCTAssertEqual(a.logProbabilities, b.logProbabilities)
    XCTAssertNotEqual(a.sentences, c.sentences, "different seeds should give different corpora")
  }

  func testGoldenFirstSentences() {
    // Pins the generator: later units quote numbers measured on these corpora.
    let corpus = SyntheticCorpus.generate(sentences: 3, seed: 1)
    XCTAssertEqual(
      corpus.sentences.map { $0.joined(separator: " ") },
      [
        "the baker calls some pictures again",
        "some storms shade his hedges",
        "the truck crashes today",
      ])
  }

  func testWordIDsAreTheSameInEveryProcess() {
    // Neural models number words by their place in `words`; a list built in a dictionary's
    // order would change from one process to the next (Swift seeds its hashing per process),
    // and so would every trained model. Pins the ids of the first sentence and of a noun of
    // each number.
    let words = SyntheticCorpus.words
    let ids = ["the", "baker", "calls", "some", "pictures", "again", "storms", "cat"].map {
      words.firstIndex(of: $0) ?? -1
    }
    XCTAssertEqual(ids, [12, 68, 219, 5, 368, 414, 147, 50])
  }

  func testVocabularyIsAFewHundredDistinctWords() {
    let words = SyntheticCorpus.words
    XCTAssertEqual(Set(words).count, words.count, "words must be distinct")
    XCTAssertGreaterThanOrEqual(words.count, 300)
    XCTAssertLessThanOrEqual(words.count, 600)
    XCTAssertFalse(words.contains { $0.contains(" ") || $0.hasPrefix("<") })
  }

  func testEveryStateIsADistribution() {
    let grammar = SyntheticGrammar.standard
    for (state, arcs) in grammar.arcs.enumerated() {
      let total = arcs.reduce(0) { $0 + $1.probability }
      XCTAssertEqual(total, 1, accuracy: 1e-12, "state \(grammar.stateNames[state])")
    }
  }

  func testSentenceLogProbabilityMatchesTheSampler() {
    let corpus = SyntheticCorpus.generate(sentences: 200, seed: 3)
    for (sentence, logP) in zip(corpus.sentences, corpus.logProbabilities) {
      XCTAssertEqual(
        SyntheticGrammar.standard.logProbability(of: sentence), logP, accuracy: 1e-9,
        "sentence: \(sentence.joined(separator: " "))")
    }
  }

  func testImpossibleSentencesHaveZeroProbability() {
    let grammar = SyntheticGrammar.standard
    XCTAssertEqual(grammar.logProbability(of: ["the", "dog"]), -.infinity, "ends too early")
    XCTAssertEqual(grammar.logProbability(of: ["the", "dog", "chase"]), -.infinity, "agreement")
    XCTAssertEqual(grammar.logProbability(of: ["zebra"]), -.infinity, "unknown word")
  }

  /// The closed-form entropy rate must agree with the Monte Carlo average of `-log p` per
  /// token over a large sample (standard error about 0.005 nats at this size).
  func testEntropyRateMatchesMonteCarloEstimate() {
    let corpus = SyntheticCorpus.generate(sentences: 20_000, seed: 11)
    let exact = corpus.sourceEntropy.nats
    let estimate = corpus.sampleEntropy.nats
    XCTAssertEqual(
      estimate, exact, accuracy: 0.03,
      "closed form \(exact) nats vs sample \(estimate) nats per token")
    XCTAssertEqual(corpus.sourceEntropy.bits, exact / log(2), accuracy: 1e-12)
    XCTAssertEqual(corpus.sourceEntropy.perplexity, exp(exact), accuracy: 1e-9)
    let meanTokens = Double(corpus.tokenCount) / Double(corpus.sentences.count)
    XCTAssertEqual(
      meanTokens, SyntheticGrammar.standard.expectedTokensPerSentence, accuracy: 0.1,
      "average sentence length, </s> included")
  }

  func testTextIsOneSentencePerLine() {
    let corpus = SyntheticCorpus.generate(sentences: 4, seed: 5)
    let lines = corpus.text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    XCTAssertEqual(lines, corpus.sentences)
  }

  /// A hand-checkable source: from the start, "a" (0.5) or "b" (0.5); after "a" the sentence
  /// ends; after "b", "b" again (0.5) or the end (0.5). Sentences: "a" (1/2), "b"^k (1/2^(k+1)).
  func testEntropyOfATinySourceByHand() {
    typealias Arc = SyntheticGrammar.Arc
    let grammar = SyntheticGrammar(
      words: ["a", "b"], stateNames: ["start", "afterA", "afterB"],
      arcs: [
        [Arc(word: 0, probability: 0.5, target: 1), Arc(word: 1, probability: 0.5, target: 2)],
        [Arc(word: nil, probability: 1, target: nil)],
        [Arc(word: 1, probability: 0.5, target: 2), Arc(word: nil, probability: 0.5, target: nil)],
      ], start: 0)
    // Visits per sentence: start 1, afterA 0.5, afterB 1 (0.5 + 0.25 + ...). Each visit to start
    // or afterB carries ln 2 nats; afterA carries none. H = 2 ln 2 / 2.5 per token.
    let visits = grammar.expectedVisits()
    XCTAssertEqual(visits[0], 1, accuracy: 1e-12)
    XCTAssertEqual(visits[1], 0.5, accuracy: 1e-12)
    XCTAssertEqual(visits[2], 1, accuracy: 1e-12)
    XCTAssertEqual(grammar.entropyPerToken.nats, 2 * log(2) / 2.5, accuracy: 1e-12)
    XCTAssertEqual(grammar.logProbability(of: ["b", "b"]), log(0.125), accuracy: 1e-12)
  }
}
