import Foundation
import RNNCore

extension LinearChainCRF {
  /// The posterior marginals `P(y_t = k | x)` of every position, by the forward-backward
  /// algorithm in log space (finite for long sentences and large scores).
  ///
  /// - Parameter emissions: `n x K`.
  /// - Returns: `n x K`; each row sums to 1 (`0 x K` for `n = 0`).
  public func marginals(emissions: Matrix) -> Matrix {
    checkEmissions(emissions, "marginals")
    // BEGIN SOLUTION 07.14 LinearChainCRF.marginals | Lectures/07-bidirectional-deep-rnns.md §8
    let n = emissions.rows
    let k = tagCount
    guard n > 0 else { return .zeros(0, k) }
    // alpha[t][j]: log-sum of exp(score) over prefixes y_0..y_t with y_t = j (emission t
    // included); beta[t][j]: over suffixes y_{t+1}..y_{n-1} after y_t = j (end included).
    var alpha = [[Double]](repeating: [], count: n)
    var beta = [[Double]](repeating: [], count: n)
    alpha[0] = (0..<k).map { j in start[0, j] + emissions[0, j] }
    for t in 1..<n {
      alpha[t] = (0..<k).map { j in
        Softmax.logSumExp((0..<k).map { i in alpha[t - 1][i] + transitions[i, j] })
          + emissions[t, j]
      }
    }
    beta[n - 1] = (0..<k).map { j in end[0, j] }
    for t in stride(from: n - 2, through: 0, by: -1) {
      beta[t] = (0..<k).map { i in
        Softmax.logSumExp(
          (0..<k).map { j in transitions[i, j] + emissions[t + 1, j] + beta[t + 1][j] })
      }
    }
    let logZ = Softmax.logSumExp((0..<k).map { j in alpha[n - 1][j] + end[0, j] })
    return Matrix(rows: n, cols: k) { t, j in exp(alpha[t][j] + beta[t][j] - logZ) }
    // END SOLUTION
  }

  /// The negative log-likelihood of one tagged sentence and its gradients, by the
  /// forward-backward algorithm.
  ///
  /// - Parameters:
  ///   - emissions: `n x K`.
  ///   - tags: the gold tags, `n` indices.
  /// - Returns: `loss = log Z - score(tags)` (0 for `n = 0`), its gradient with respect to
  ///   the emissions (`n x K`), and a CRF whose blocks hold its gradient with respect to
  ///   `transitions`, `start` and `end`.
  public func lossAndGradients(
    emissions: Matrix, tags: [Int]
  ) -> (loss: Double, emissionGradient: Matrix, gradients: LinearChainCRF) {
    checkEmissions(emissions, "lossAndGradients")
    checkTags(tags, emissions, "lossAndGradients")
    // BEGIN SOLUTION 07.15 LinearChainCRF.lossAndGradients | Lectures/07-bidirectional-deep-rnns.md §8
    let n = emissions.rows
    let k = tagCount
    var gradients = zerosLike()
    guard n > 0 else { return (0, emissions, gradients) }
    var alpha = [[Double]](repeating: [], count: n)
    var beta = [[Double]](repeating: [], count: n)
    alpha[0] = (0..<k).map { j in start[0, j] + emissions[0, j] }
    for t in 1..<n {
      alpha[t] = (0..<k).map { j in
        Softmax.logSumExp((0..<k).map { i in alpha[t - 1][i] + transitions[i, j] })
          + emissions[t, j]
      }
    }
    beta[n - 1] = (0..<k).map { j in end[0, j] }
    for t in stride(from: n - 2, through: 0, by: -1) {
      beta[t] = (0..<k).map { i in
        Softmax.logSumExp(
          (0..<k).map { j in transitions[i, j] + emissions[t + 1, j] + beta[t + 1][j] })
      }
    }
    let logZ = Softmax.logSumExp((0..<k).map { j in alpha[n - 1][j] + end[0, j] })
    // Each gradient is the expected count under the model minus the gold sequence's count.
    var emissionGradient = Matrix(rows: n, cols: k) { t, j in exp(alpha[t][j] + beta[t][j] - logZ) }
    for j in 0..<k {
      gradients.start[0, j] = emissionGradient[0, j]
      gradients.end[0, j] = emissionGradient[n - 1, j]
    }
    for t in 1..<n {
      for i in 0..<k {
        for j in 0..<k {
          gradients.transitions[i, j] += exp(
            alpha[t - 1][i] + transitions[i, j] + emissions[t, j] + beta[t][j] - logZ)
        }
      }
    }
    var gold = start[0, tags[0]] + end[0, tags[n - 1]]
    for (t, tag) in tags.enumerated() {
      gold += emissions[t, tag]
      emissionGradient[t, tag] -= 1
      if t > 0 {
        gold += transitions[tags[t - 1], tag]
        gradients.transitions[tags[t - 1], tag] -= 1
      }
    }
    gradients.start[0, tags[0]] -= 1
    gradients.end[0, tags[n - 1]] -= 1
    return (logZ - gold, emissionGradient, gradients)
    // END SOLUTION
  }
}
