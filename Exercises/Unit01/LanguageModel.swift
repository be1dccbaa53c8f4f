import Foundation
import RNNCore
import RNNData

/// A model of `p(word | context)` over the ids of a ``Vocabulary``.
///
/// Conventions shared by every model of the unit:
/// - `context` holds the ids before the predicted one, most recent last. Sentences are padded
///   with `<s>` (see ``NGramCounts/add(sentence:)``), so it has at least ``order`` − 1 ids;
///   an n-gram model looks only at its last ``order`` − 1.
/// - `word` ranges over all ids. `p(<s> | context)` is 0, since `<s>` is never predicted, and
///   the probabilities of the other ``Vocabulary/predictableCount`` ids (words, `<unk>`,
///   `</s>`) sum to 1 for every context the model has an estimate for.
/// - Logarithms are natural: log-probabilities are in nats.
public protocol LanguageModel: Sendable {
  /// The n of the n-gram model: how many tokens an n-gram spans (the context has n − 1).
  var order: Int { get }
  /// The number of token ids, special tokens included (``Vocabulary/count``).
  var vocabularySize: Int { get }
  /// `p(word | context)`.
  func probability(of word: Int, given context: ArraySlice<Int>) -> Double
  /// The natural log of the probability of a whole sentence, `</s>` included.
  func logProbability(ofSentence ids: [Int]) -> Double
}

/// How well a model predicts a set of sentences.
///
/// Tokens are every word (`<unk>` included) plus one `</s>` per sentence; the `<s>` markers
/// are given, not predicted, and are not counted. If any token has probability 0,
/// ``logProbability`` is `-infinity` and both ``crossEntropy`` and ``perplexity`` are
/// `+infinity`, never NaN.
public struct PerplexityReport: Equatable, Sendable {
  /// The number of sentences scored.
  public var sentences: Int
  /// The number of predicted tokens: words plus one `</s>` per sentence.
  public var tokens: Int
  /// The total log-probability, in nats (natural log).
  public var logProbability: Double
  /// The mean negative log-probability per token, in nats: `-logProbability / tokens`.
  public var crossEntropy: Double
  /// `e^crossEntropy`, which is also `2^(cross-entropy in bits)`.
  public var perplexity: Double

  /// Creates a report from its fields (no checks).
  public init(
    sentences: Int, tokens: Int, logProbability: Double, crossEntropy: Double, perplexity: Double
  ) {
    self.sentences = sentences
    self.tokens = tokens
    self.logProbability = logProbability
    self.crossEntropy = crossEntropy
    self.perplexity = perplexity
  }

  /// The cross-entropy in bits per token.
  public var bitsPerToken: Double { crossEntropy / M_LN2 }

  /// The cross-entropy as an ``Entropy`` (nats, bits and perplexity in one value).
  public var entropy: Entropy { Entropy(nats: crossEntropy) }
}

extension LanguageModel {
  /// The natural log of the probability of a sentence (ids without markers).
  ///
  /// The sentence is padded as for counting, `<s>` × (order − 1), ids…, `</s>`, and the result
  /// is `Σ log p(token | the tokens before it)` over every id of the sentence **and the final
  /// `</s>`** (ending the sentence there is part of what the model predicts). The `<s>` are
  /// not scored. If any token has probability 0 the result is `-infinity`.
  public func logProbability(ofSentence ids: [Int]) -> Double {
    // Exercise 01.6: LanguageModel.logProbability.
    // Read Lectures/01-ngram-language-models.md §6, then replace this stub with your code.
    notImplemented(
      "01.6", "LanguageModel.logProbability", lecture: "Lectures/01-ngram-language-models.md §6")
  }

  /// Scores a set of sentences (ids without markers) with ``logProbability(ofSentence:)``.
  ///
  /// - Precondition: at least one sentence.
  /// - Returns: the totals, the cross-entropy `H = -(1/T) Σ log p` in nats per token over the
  ///   `T` predicted tokens (words and one `</s>` per sentence), and the perplexity `e^H`.
  public func evaluate(_ sentences: [[Int]]) -> PerplexityReport {
    precondition(!sentences.isEmpty, "evaluate: there are no sentences to score")
    // Exercise 01.7: LanguageModel.evaluate.
    // Read Lectures/01-ngram-language-models.md §6, then replace this stub with your code.
    notImplemented(
      "01.7", "LanguageModel.evaluate", lecture: "Lectures/01-ngram-language-models.md §6")
  }

  /// The whole conditional distribution `p(· | context)`, indexed by id (``vocabularySize``
  /// entries; the entry of `<s>` is 0).
  public func distribution(given context: ArraySlice<Int>) -> [Double] {
    (0..<vocabularySize).map { probability(of: $0, given: context) }
  }
}
