/// Softmax cross-entropy with integer targets, the loss of every classifier and language model
/// in the kit.
///
/// For scores `z` (`batch x classes`) and targets `y` (one class index per row), the loss of row
/// `i` is `-log softmax(z_i)[y_i] = logSumExp(z_i) - z_i[y_i]`, computed through log-sum-exp so
/// it stays finite at scores of ±1000. Its gradient with respect to `z_i` is
/// `softmax(z_i) - onehot(y_i)`.
public enum CrossEntropy {
  /// How per-row losses are combined.
  public enum Reduction: Sendable {
    /// Average over rows (the default; gradients are divided by the batch size).
    case mean
    /// Sum over rows.
    case sum
  }

  /// The loss and the gradient with respect to `logits`.
  ///
  /// - Parameters:
  ///   - logits: `batch x classes` unnormalized scores.
  ///   - targets: `batch` class indices in `0..<classes`.
  /// - Returns: the reduced loss (natural log, nats) and `dLoss/dLogits` (`batch x classes`).
  public static func lossAndGradient(
    logits: Matrix, targets: [Int], reduction: Reduction = .mean
  ) -> (loss: Double, gradient: Matrix) {
    shapePrecondition(
      targets.count == logits.rows,
      "CrossEntropy: \(targets.count) targets for logits of shape \(logits.shapeDescription)")
    let width = logits.cols
    var gradient = [Double](repeating: 0, count: logits.count)
    var total = 0.0
    // One pass of `exp` per row gives both the softmax and the log-sum-exp.
    logits.storage.withUnsafeBufferPointer { source in
      gradient.withUnsafeMutableBufferPointer { target in
        for (i, label) in targets.enumerated() {
          shapePrecondition(
            label >= 0 && label < width,
            "CrossEntropy: target \(label) in row \(i) is outside 0..<\(width)")
          let lse = Softmax.probabilities(
            source.row(i, width: width),
            into: target.row(i, width: width))
          total += lse - source[i * width + label]
          target[i * width + label] -= 1
        }
      }
    }
    let scale = reduction == .mean && !targets.isEmpty ? 1 / Double(targets.count) : 1
    var result = Matrix(rows: logits.rows, cols: width, values: gradient)
    result.scale(by: scale)
    return (total * scale, result)
  }

  /// Just the loss; see ``lossAndGradient(logits:targets:reduction:)``.
  public static func loss(logits: Matrix, targets: [Int], reduction: Reduction = .mean) -> Double {
    shapePrecondition(
      targets.count == logits.rows,
      "CrossEntropy: \(targets.count) targets for logits of shape \(logits.shapeDescription)")
    let width = logits.cols
    var total = 0.0
    logits.storage.withUnsafeBufferPointer { source in
      for (i, target) in targets.enumerated() {
        shapePrecondition(
          target >= 0 && target < width,
          "CrossEntropy: target \(target) in row \(i) is outside 0..<\(width)")
        let row = source.row(i, width: width)
        total += Softmax.logSumExp(row) - row[target]
      }
    }
    return reduction == .mean && !targets.isEmpty ? total / Double(targets.count) : total
  }
}
