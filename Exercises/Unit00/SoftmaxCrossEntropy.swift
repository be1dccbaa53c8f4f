import Foundation
import RNNCore

/// Softmax followed by cross-entropy, for a batch of score vectors ("logits").
///
/// Shapes: `logits` is `batch x classes`; `targets` holds one class index per row.
/// The loss is the mean over rows of `-log softmax(logits_i)[targets_i]`, in nats.
public enum SoftmaxCrossEntropy {
  /// The mean cross-entropy loss. Must stay finite for logits as large as ±1000.
  public static func loss(logits: Matrix, targets: [Int]) -> Double {
    shapePrecondition(
      targets.count == logits.rows,
      "SoftmaxCrossEntropy.loss: \(targets.count) targets for \(logits.shapeDescription) logits")
    // Exercise 00.3: SoftmaxCrossEntropy.loss.
    // Read Lectures/00-warm-up.md §5, then replace this stub with your code.
    notImplemented("00.3", "SoftmaxCrossEntropy.loss", lecture: "Lectures/00-warm-up.md §5")
  }

  /// The gradient of ``loss(logits:targets:)`` with respect to the logits (`batch x classes`,
  /// the shape of `logits`), including the factor that comes from averaging over the rows.
  /// Must stay finite for logits as large as ±1000. Derived in Lectures/00-warm-up.md §6.
  public static func gradient(logits: Matrix, targets: [Int]) -> Matrix {
    shapePrecondition(
      targets.count == logits.rows,
      "SoftmaxCrossEntropy.gradient: \(targets.count) targets for \(logits.shapeDescription) logits"
    )
    // Exercise 00.4: SoftmaxCrossEntropy.gradient.
    // Read Lectures/00-warm-up.md §6, then replace this stub with your code.
    notImplemented("00.4", "SoftmaxCrossEntropy.gradient", lecture: "Lectures/00-warm-up.md §6")
  }
}
