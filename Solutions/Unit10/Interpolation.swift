import Foundation
import RNNCore

/// Linear interpolation of two language models: for every token,
///
///     p(w_t) = λ p_neural(w_t) + (1 - λ) p_ngram(w_t),      0 ≤ λ ≤ 1
///
/// where `λ` is the weight of the **neural** model and `1 - λ` that of the n-gram model. Both
/// models are given by their per-token log-probabilities on the same token stream (natural
/// logarithms, any value in `[-∞, 0]`), so the mixture is a log-sum-exp of two terms and stays
/// finite when both probabilities underflow.
public enum Interpolation {
  /// The mixture's log-probability of every token, `log(λ e^{a_t} + (1 - λ) e^{b_t})` with
  /// `a_t = neural[t]` and `b_t = ngram[t]`, computed without forming `e^{a_t}` or `e^{b_t}`
  /// (finite for log-probabilities of -1000). `-∞` only where a model with non-zero weight is
  /// not there to rescue it (both terms zero).
  ///
  /// - Parameters:
  ///   - neural: `log p_neural` of each token.
  ///   - ngram: `log p_ngram` of the same tokens (same count).
  ///   - lambda: the weight of the neural model, in `[0, 1]`.
  public static func logProbabilities(
    neural: [Double], ngram: [Double], lambda: Double
  ) -> [Double] {
    precondition(
      neural.count == ngram.count,
      "Interpolation.logProbabilities: \(neural.count) neural and \(ngram.count) n-gram tokens")
    precondition(
      (0...1).contains(lambda), "Interpolation.logProbabilities: λ = \(lambda) is outside [0, 1]")
    // BEGIN SOLUTION 10.9 Interpolation.logProbabilities(neural:ngram:lambda:) | Lectures/10-large-vocabularies.md §5
    let logLambda = log(lambda)
    let logRest = log1p(-lambda)
    return zip(neural, ngram).map { a, b in
      let u = logLambda + a
      let v = logRest + b
      let m = Swift.max(u, v)
      // Both terms zero: the mixture gives the token probability zero.
      guard m > -.infinity else { return -.infinity }
      return m + log(exp(u - m) + exp(v - m))
    }
    // END SOLUTION
  }

  /// The mixture's perplexity on the tokens, `exp(-mean_t log p(w_t))` (1 for no tokens),
  /// from the log-probabilities of ``logProbabilities(neural:ngram:lambda:)``.
  public static func perplexity(neural: [Double], ngram: [Double], lambda: Double) -> Double {
    // BEGIN SOLUTION 10.9 Interpolation.perplexity(neural:ngram:lambda:) | Lectures/10-large-vocabularies.md §5
    let logP = logProbabilities(neural: neural, ngram: ngram, lambda: lambda)
    guard !logP.isEmpty else { return 1 }
    return exp(-logP.reduce(0, +) / Double(logP.count))
    // END SOLUTION
  }

  /// The maximum-likelihood weight `λ` of the neural model on (validation) tokens: the `λ` in
  /// `[0, 1]` that maximizes `Σ_t log(λ p_neural(w_t) + (1 - λ) p_ngram(w_t))`, to within
  /// `1e-6`.
  ///
  /// The reference runs expectation-maximization from `λ = 0.5` until `λ` moves by at most
  /// `tolerance` in one step (or `maxIterations` steps have been taken); any method that finds
  /// the maximum to `1e-6` is correct. The log-likelihood is concave in `λ`, so the maximum is
  /// unique unless the two models agree on every token (then every `λ` is a maximum). Tokens to
  /// which both models give probability zero do not depend on `λ` and are ignored.
  ///
  /// - Returns: `λ` in `[0, 1]` (0.5 for no tokens).
  public static func tuneLambda(
    neural: [Double], ngram: [Double], tolerance: Double = 1e-13, maxIterations: Int = 100_000
  ) -> Double {
    precondition(
      neural.count == ngram.count,
      "Interpolation.tuneLambda: \(neural.count) neural and \(ngram.count) n-gram tokens")
    // BEGIN SOLUTION 10.9 Interpolation.tuneLambda(neural:ngram:tolerance:maxIterations:) | Lectures/10-large-vocabularies.md §5
    let pairs = zip(neural, ngram).filter { Swift.max($0.0, $0.1) > -.infinity }
    guard !pairs.isEmpty else { return 0.5 }
    var lambda = 0.5
    for _ in 0..<maxIterations {
      // E step: the posterior that the neural model produced token t. M step: their mean.
      let logLambda = log(lambda)
      let logRest = log1p(-lambda)
      var total = 0.0
      for (a, b) in pairs {
        let u = logLambda + a
        let v = logRest + b
        let m = Swift.max(u, v)
        total += exp(u - m) / (exp(u - m) + exp(v - m))
      }
      let next = total / Double(pairs.count)
      let change = abs(next - lambda)
      lambda = next
      if change <= tolerance { break }
    }
    return lambda
    // END SOLUTION
  }
}
