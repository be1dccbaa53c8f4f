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
    // BEGIN SOLUTION 00.3 SoftmaxCrossEntropy.loss | Lectures/00-warm-up.md §5
    var total = 0.0
    for i in 0..<logits.rows {
      let row = logits.row(i)
      let m = row.max() ?? 0
      var sum = 0.0
      for z in row { sum += exp(z - m) }
      let logSumExp = m + log(sum)
      total += logSumExp - row[targets[i]]
    }
    return total / Double(logits.rows)
    // END SOLUTION
  }

  /// The gradient of ``loss(logits:targets:)`` with respect to the logits (`batch x classes`,
  /// the shape of `logits`), including the factor that comes from averaging over the rows.
  /// Must stay finite for logits as large as ±1000. Derived in Lectures/00-warm-up.md §6.
  public static func gradient(logits: Matrix, targets: [Int]) -> Matrix {
    shapePrecondition(
      targets.count == logits.rows,
      "SoftmaxCrossEntropy.gradient: \(targets.count) targets for \(logits.shapeDescription) logits"
    )
    // BEGIN SOLUTION 00.4 SoftmaxCrossEntropy.gradient | Lectures/00-warm-up.md §6
    // Row i: (softmax(logits_i) - onehot(targets_i)) / batch.
    var grad = logits.softmaxRows()
    for i in 0..<logits.rows {
      grad[i, targets[i]] -= 1
    }
    return grad / Double(logits.rows)
    // END SOLUTION
  }
}
