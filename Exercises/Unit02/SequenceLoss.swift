import Foundation
import RNNCore

/// The language-model loss over a batch of sequences, and perplexity.
///
/// The loss is the cross-entropy of the predicted distributions against the tokens that
/// actually came next, averaged over every predicted token of every sequence:
///
///     L = -(1 / (B T)) Σ_b Σ_t log softmax(s_t[b])[w_{t+1}[b]]
///
/// in nats (natural logarithm). Perplexity is `exp(L)`; with `L` in bits it would be `2^L`,
/// the same number.
public enum SequenceLoss {
  /// The mean cross-entropy per predicted token, in nats.
  ///
  /// - Parameters:
  ///   - logits: `T` matrices of shape `B x V` (`logits[t][b, v]` scores token `v` as the
  ///     successor of the token sequence `b` read at step `t`).
  ///   - targets: `B x T` token ids: `targets[b][t]` is the token that really came next.
  /// - Returns: `L`, the mean over all `B T` predicted tokens; finite even for logits of ±1000.
  public static func meanCrossEntropy(logits: [Matrix], targets: [[Int]]) -> Double {
    shapePrecondition(
      targets.allSatisfy { $0.count == logits.count }
        && logits.allSatisfy { $0.rows == targets.count },
      "SequenceLoss.meanCrossEntropy: \(logits.count) steps of logits "
        + "\(logits.first?.shapeDescription ?? "-") for targets of shape "
        + "\(targets.count)x\(targets.first?.count ?? 0)")
    shapePrecondition(
      !targets.isEmpty && !logits.isEmpty,
      "SequenceLoss.meanCrossEntropy: no tokens to score")
    // Exercise 02.3: SequenceLoss.meanCrossEntropy.
    // Read Lectures/02-elman-rnn.md §5, then replace this stub with your code.
    notImplemented("02.3", "SequenceLoss.meanCrossEntropy", lecture: "Lectures/02-elman-rnn.md §5")
  }

  /// The perplexity `exp(L)` of a mean cross-entropy `L` in nats: the number of equally likely
  /// tokens that would leave a model as uncertain (a uniform guess over `V` tokens has
  /// perplexity `V`).
  public static func perplexity(meanCrossEntropy: Double) -> Double {
    // Exercise 02.4: SequenceLoss.perplexity.
    // Read Lectures/02-elman-rnn.md §5, then replace this stub with your code.
    notImplemented("02.4", "SequenceLoss.perplexity", lecture: "Lectures/02-elman-rnn.md §5")
  }

  /// The gradient of ``meanCrossEntropy(logits:targets:)`` with respect to each step's logits:
  /// `(softmax(s_t[b]) - onehot(w_{t+1}[b])) / (B T)` (the softmax cross-entropy gradient of
  /// unit 00, divided by the number of predicted tokens). `T` matrices of shape `B x V`.
  public static func logitGradients(logits: [Matrix], targets: [[Int]]) -> [Matrix] {
    let count = Double(targets.count * logits.count)
    return logits.enumerated().map { t, stepLogits in
      var gradient = CrossEntropy.lossAndGradient(
        logits: stepLogits, targets: targets.map { $0[t] }, reduction: .sum
      ).gradient
      gradient.scale(by: 1 / count)
      return gradient
    }
  }
}
