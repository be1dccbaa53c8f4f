import Foundation
import RNNCore

/// One output of a decoder: the tokens it chose after `<s>` (ending with `</s>` when finished)
/// and the sum of their log-probabilities.
public struct DecodedSequence: Equatable, Sendable {
  /// The chosen target ids, without the start marker; the end marker is the last one when
  /// `finished`.
  public var tokens: [Int]
  /// `Σ_t log p(y_t | y_<t, x)` over `tokens` (natural log; `</s>` included when present).
  public var logProbability: Double
  /// Whether the sequence ended with the end token (rather than being cut at `maxLength`).
  public var finished: Bool

  public init(tokens: [Int], logProbability: Double, finished: Bool) {
    self.tokens = tokens
    self.logProbability = logProbability
    self.finished = finished
  }

  /// The length-normalized score `log p / |tokens|^α`, where `|tokens|` counts `</s>` when it
  /// is present. `α = 0` gives the plain log-probability; `α = 1` the mean log-probability per
  /// token. An empty sequence scores its log-probability.
  public func score(lengthPenalty alpha: Double) -> Double {
    guard alpha != 0, !tokens.isEmpty else { return logProbability }
    return logProbability / pow(Double(tokens.count), alpha)
  }
}

/// One step of a decoder: log-probabilities over the `V` target tokens (natural log, they
/// exponentiate to sum 1) for the token after `previous`, given `state`, and the next state
/// (the state after reading `previous`).
public typealias DecoderStepFunction<State> = (_ state: State, _ previous: Int) -> (
  logProbabilities: [Double], state: State
)

/// Greedy decoding: at every step, the single most probable next token.
///
/// The first step reads `startToken` from `initial`; every later step reads the token chosen
/// at the step before, from the state that step returned. Each step appends the token of the
/// highest log-probability (the lowest id among equal log-probabilities). Decoding stops right
/// after the end token is chosen (the end token is kept as the last token) or once `maxLength`
/// tokens have been chosen, whichever comes first; `step` is called once per chosen token.
///
/// - Parameters:
///   - initial: the decoder's state before the first step.
///   - startToken: the id of `<s>`, read at the first step.
///   - endToken: the id of `</s>`.
///   - maxLength: the most tokens to choose (`</s>` included), at least 1.
///   - step: the decoder's step function.
/// - Returns: the chosen tokens, the sum of their log-probabilities, and `finished` = whether
///   the last token is the end token.
public func greedyDecode<State>(
  initial: State, startToken: Int, endToken: Int, maxLength: Int,
  step: DecoderStepFunction<State>
) -> DecodedSequence {
  precondition(maxLength >= 1, "greedyDecode: maxLength is \(maxLength), it must be at least 1")
  // Exercise 08.11: greedyDecode.
  // Read Lectures/08-seq2seq.md §7, then replace this stub with your code.
  notImplemented("08.11", "greedyDecode", lecture: "Lectures/08-seq2seq.md §7")
}

/// Beam search: keeps the `width` most probable partial sequences at every step.
///
/// The beam starts with one live hypothesis, the empty sequence in state `initial`, which reads
/// `startToken`. At each step every live hypothesis is extended by every one of the `V` tokens
/// (one call of `step` per live hypothesis, reading its last token from its own state), and
/// the best extensions by log-probability (the sum along the sequence, not the normalized
/// score) survive, as many as the beam has room for. Ties are broken in favour of the
/// extension of the earlier hypothesis in the beam, then of the lower token id; the survivors
/// keep that order in the beam.
///
/// A survivor that ends with `endToken`, or that has `maxLength` tokens, is finished: it
/// leaves the beam, and the beam's room shrinks by one for good (so at most `width`
/// hypotheses ever finish). The search stops when no live hypothesis is left.
///
/// Width 1 gives greedy decoding's sequence; a width of at least `V^maxLength` prunes nothing,
/// so every possible sequence finishes and the first result is the best sequence of all.
///
/// - Parameters:
///   - initial: the decoder's state before the first step.
///   - startToken: the id of `<s>`, read at the first step.
///   - endToken: the id of `</s>`.
///   - maxLength: the most tokens in a hypothesis (`</s>` included), at least 1.
///   - width: the beam width, at least 1.
///   - lengthPenalty: `α ≥ 0` of ``DecodedSequence/score(lengthPenalty:)``, used only to rank
///     the finished hypotheses at the end.
///   - step: the decoder's step function.
/// - Returns: every finished hypothesis (`finished` = it ends with the end token), best first
///   by `score(lengthPenalty:)`; hypotheses of equal score stay in the order they finished
///   (earlier steps first, and within a step in beam order).
public func beamSearch<State>(
  initial: State, startToken: Int, endToken: Int, maxLength: Int, width: Int,
  lengthPenalty: Double, step: DecoderStepFunction<State>
) -> [DecodedSequence] {
  precondition(maxLength >= 1, "beamSearch: maxLength is \(maxLength), it must be at least 1")
  precondition(width >= 1, "beamSearch: width is \(width), it must be at least 1")
  precondition(
    lengthPenalty >= 0, "beamSearch: lengthPenalty is \(lengthPenalty), it must be at least 0")
  // Exercise 08.12: beamSearch.
  // Read Lectures/08-seq2seq.md §7, then replace this stub with your code.
  notImplemented("08.12", "beamSearch", lecture: "Lectures/08-seq2seq.md §7")
}
