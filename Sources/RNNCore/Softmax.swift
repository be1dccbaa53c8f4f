import Foundation

/// Numerically stable softmax, log-softmax and log-sum-exp.
///
/// All three subtract the maximum before exponentiating:
/// `log Σ exp(x_i) = m + log Σ exp(x_i - m)` with `m = max_i x_i`, so the largest exponent is
/// `exp(0) = 1` and nothing overflows, even at inputs of ±1000.
public enum Softmax {
  /// `log Σ_i exp(x_i)`; `-inf` for an empty input or when every `x_i` is `-inf`.
  public static func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    var s = 0.0
    for v in x { s += exp(v - m) }
    return m + log(s)
  }

  /// The probabilities `exp(x_i) / Σ_j exp(x_j)`; they sum to 1.
  public static func probabilities(_ x: [Double]) -> [Double] {
    guard let m = x.max() else { return [] }
    if !m.isFinite {
      // All scores -inf: equal scores in the limit, so uniform. Some +inf: they share the mass.
      let winners = x.map { m == -.infinity || $0 == m ? 1.0 : 0.0 }
      let count = winners.reduce(0, +)
      return winners.map { $0 / count }
    }
    var e = x.map { exp($0 - m) }
    let s = e.reduce(0, +)
    for i in e.indices { e[i] /= s }
    return e
  }

  /// `log softmax(x)_i = x_i - logSumExp(x)`.
  public static func logProbabilities(_ x: [Double]) -> [Double] {
    let lse = logSumExp(x)
    return x.map { $0 - lse }
  }
}

extension Matrix {
  /// Softmax of each row (rows are score vectors, e.g. `batch x vocabulary`).
  public func softmaxRows() -> Matrix {
    var out = self
    for i in 0..<rows { out.setRow(i, Softmax.probabilities(row(i))) }
    return out
  }

  /// Log-softmax of each row.
  public func logSoftmaxRows() -> Matrix {
    var out = self
    for i in 0..<rows { out.setRow(i, Softmax.logProbabilities(row(i))) }
    return out
  }

  /// Log-sum-exp of each row, as a `rows x 1` column vector.
  public func logSumExpRows() -> Matrix {
    Matrix(column: (0..<rows).map { Softmax.logSumExp(row($0)) })
  }
}
