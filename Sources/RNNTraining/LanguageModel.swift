import Foundation
import RNNCore

/// How well a language model predicts a token stream.
public struct LanguageModelScore: Equatable, Sendable, Codable {
  /// The mean cross-entropy in nats per predicted token: `-(1/N) Σ log p(w_i | w_<i)`.
  public var meanLoss: Double
  /// `exp(meanLoss)`: the model is as uncertain as a uniform choice among this many tokens.
  public var perplexity: Double
  /// How many tokens were predicted (`N`).
  public var tokens: Int

  /// Creates a score.
  public init(meanLoss: Double, perplexity: Double, tokens: Int) {
    self.meanLoss = meanLoss
    self.perplexity = perplexity
    self.tokens = tokens
  }

  /// The mean loss in bits per token (`meanLoss / ln 2`), the usual unit at character level.
  public var bitsPerToken: Double { meanLoss / M_LN2 }
}

/// A language model that can score a token stream.
public protocol LanguageModelEvaluating {
  /// Scores `tokens` as one stream read left to right: every token but the first is predicted
  /// from all the tokens before it. The stream is processed in pieces of `steps` tokens with
  /// the state carried from piece to piece, so the result does not depend on `steps` (up to
  /// rounding).
  func score(_ tokens: [Int], steps: Int) -> LanguageModelScore
}

/// A language model the ``LanguageModelTrainer`` can train: it scores streams and computes the
/// gradient of its loss on a chunk.
public protocol TrainableLanguageModel: LanguageModelEvaluating, Parameterized, Sendable {
  /// What the model carries from one chunk to the next (the recurrent state).
  associatedtype State

  /// The state before the first token of `batchSize` streams (all zeros for an RNN).
  func initialState(batchSize: Int) -> State

  /// The loss on one chunk and its gradient.
  ///
  /// - Parameters:
  ///   - chunk: `batch x steps` inputs and targets.
  ///   - initialState: the state to start from, a constant: no gradient flows into it (it is
  ///     the carried state of stateful truncated BPTT).
  ///   - truncation: if set, each step's loss is backpropagated through at most this many
  ///     steps (truncated BPTT with window `k`); `nil` backpropagates through the whole chunk.
  /// - Returns: the mean cross-entropy per predicted token (nats), its gradient with respect
  ///   to every parameter block (as a model value whose blocks hold the gradients), and the
  ///   state after the chunk.
  func lossAndGradients(
    _ chunk: TokenChunk, initialState: State, truncation: Int?
  ) -> (loss: Double, gradients: Self, finalState: State)
}
