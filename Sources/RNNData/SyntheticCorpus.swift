import Foundation
import RNNCore

/// Sentences drawn from a known source, together with how predictable that source is.
///
/// Because the source is known exactly (``SyntheticGrammar/standard`` unless you pass another),
/// a model's per-token cross-entropy on these sentences can be compared with the best any model
/// could do:
///
/// ```swift
/// let train = SyntheticCorpus.generate(sentences: 20_000, seed: 1)
/// let test = SyntheticCorpus.generate(sentences: 2_000, seed: 2)
/// print(test.sourceEntropy)   // the source's entropy rate (nats, bits, perplexity)
/// print(test.sampleEntropy)   // the source's own cross-entropy on exactly these sentences
/// ```
///
/// Conventions, the same as the course's language models: a sentence is a list of words
/// without markers; each sentence contributes its words **and one `</s>`** to the token count
/// (the `<s>` is given, never predicted); logarithms are natural (nats) unless a name says bits.
/// Every word of the source is in ``words``, so a model whose vocabulary is ``words`` has no
/// out-of-vocabulary tokens and is compared with the source on equal terms.
public struct SyntheticCorpus: Sendable {
  /// The sentences, each a list of words (no `<s>` or `</s>`).
  public var sentences: [[String]]
  /// The log-probability (nats) of each sentence under the source, its `</s>` included.
  public var logProbabilities: [Double]
  /// The entropy rate of the source, in expectation: the best per-token cross-entropy any model
  /// can reach on average.
  public var sourceEntropy: Entropy
  /// The source's own cross-entropy on these sentences, `-Σ log p(sentence) / tokenCount`. It
  /// differs from ``sourceEntropy`` only by sampling noise, and is the fair target for a model
  /// evaluated on exactly these sentences.
  public var sampleEntropy: Entropy

  /// The number of predicted tokens: all words plus one `</s>` per sentence.
  public var tokenCount: Int {
    sentences.reduce(0) { $0 + $1.count + 1 }
  }

  /// Every word the standard source can emit (a closed vocabulary).
  public static var words: [String] { SyntheticGrammar.standard.words }

  /// Draws `sentences` sentences from `grammar` with a seeded generator; equal seeds give equal
  /// corpora on every platform.
  ///
  /// - Parameters:
  ///   - sentences: how many sentences to draw (at least 1).
  ///   - seed: the random seed; use different seeds for training and test sets.
  ///   - grammar: the source (default: ``SyntheticGrammar/standard``).
  public static func generate(
    sentences: Int, seed: UInt64, grammar: SyntheticGrammar = .standard
  ) -> SyntheticCorpus {
    precondition(sentences >= 1, "SyntheticCorpus.generate: need at least 1 sentence")
    var rng = RandomSource(seed: seed)
    var drawn: [[String]] = []
    var logProbabilities: [Double] = []
    drawn.reserveCapacity(sentences)
    logProbabilities.reserveCapacity(sentences)
    for _ in 0..<sentences {
      let (words, logProbability) = grammar.sample(using: &rng)
      drawn.append(words)
      logProbabilities.append(logProbability)
    }
    let tokens = drawn.reduce(0) { $0 + $1.count + 1 }
    let total = logProbabilities.reduce(0, +)
    return SyntheticCorpus(
      sentences: drawn, logProbabilities: logProbabilities,
      sourceEntropy: grammar.entropyPerToken,
      sampleEntropy: Entropy(nats: -total / Double(tokens)))
  }

  /// The corpus as text: one sentence per line, words separated by single spaces.
  public var text: String {
    sentences.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n"
  }
}
