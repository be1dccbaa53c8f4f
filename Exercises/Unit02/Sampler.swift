import RNNCore

/// Anything that predicts the next token one step at a time: the interface the sampler needs.
///
/// ``RNNLanguageModel`` conforms (with a batch of one sequence); tests use small models whose
/// distributions are known exactly.
public protocol TokenPredictor {
  /// What the predictor remembers about the tokens read so far.
  associatedtype State

  /// The state before any token has been read.
  func initialState() -> State

  /// Reads `token` in `state`.
  ///
  /// - Returns: the logits of the next token (`V` scores; the distribution is their softmax)
  ///   and the state after reading `token`.
  func nextTokenLogits(after token: Int, state: State) -> (logits: [Double], state: State)
}

/// How to sample.
public struct SamplingOptions: Equatable, Sendable {
  /// Divides the logits before the softmax: `p_i ∝ exp(s_i / T)`. `T = 1` samples the model's
  /// distribution; `T < 1` sharpens it (towards the most likely token), `T > 1` flattens it
  /// (towards uniform). Must be positive.
  public var temperature: Double
  /// The most tokens to generate.
  public var maximumLength: Int
  /// Generation stops when this token (`<eos>`) is drawn; it is not part of the output.
  public var endToken: Int?
  /// This token (`<unk>`) is never emitted: whenever it is drawn, draw again (so the other
  /// tokens keep their relative probabilities).
  public var unknownToken: Int?

  /// Creates options.
  public init(
    temperature: Double = 1, maximumLength: Int = 100, endToken: Int? = nil,
    unknownToken: Int? = nil
  ) {
    self.temperature = temperature
    self.maximumLength = maximumLength
    self.endToken = endToken
    self.unknownToken = unknownToken
  }
}

/// Samples novel sequences from a language model.
public enum Sampler {
  /// Generates tokens by drawing each one from the predictor's distribution and feeding it
  /// back as the next input.
  ///
  /// 1. Read the `prompt` tokens in order (at least one: for a word model usually `<eos>`,
  ///    which marks the start of a sentence).
  /// 2. Repeat: turn the last logits into probabilities with the temperature, draw a token with
  ///    `rng`, redraw while it is `unknownToken`, stop if it is `endToken` or once
  ///    `maximumLength` tokens were generated, otherwise append it and read it.
  ///
  /// Whether the last token is read once `maximumLength` is reached is left open: the output is
  /// the same either way, so the predictor is called `prompt.count + maximumLength - 1` or
  /// `prompt.count + maximumLength` times when the end token never comes.
  ///
  /// - Returns: the generated tokens, without the prompt and without the end token.
  public static func generate<P: TokenPredictor>(
    from predictor: P, prompt: [Int], options: SamplingOptions, rng: inout RandomSource
  ) -> [Int] {
    shapePrecondition(!prompt.isEmpty, "Sampler.generate: the prompt needs at least one token")
    shapePrecondition(
      options.temperature > 0 && options.temperature.isFinite,
      "Sampler.generate: the temperature must be positive, got \(options.temperature)")
    // Exercise 02.5: Sampler.generate.
    // Read Lectures/02-elman-rnn.md §6, then replace this stub with your code.
    notImplemented("02.5", "Sampler.generate", lecture: "Lectures/02-elman-rnn.md §6")
  }
}
