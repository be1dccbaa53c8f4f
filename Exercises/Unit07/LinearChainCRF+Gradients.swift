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
    // Exercise 07.14: LinearChainCRF.marginals.
    // Read Lectures/07-bidirectional-deep-rnns.md §8, then replace this stub with your code.
    notImplemented(
      "07.14", "LinearChainCRF.marginals", lecture: "Lectures/07-bidirectional-deep-rnns.md §8")
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
    // Exercise 07.15: LinearChainCRF.lossAndGradients.
    // Read Lectures/07-bidirectional-deep-rnns.md §8, then replace this stub with your code.
    notImplemented(
      "07.15", "LinearChainCRF.lossAndGradients",
      lecture: "Lectures/07-bidirectional-deep-rnns.md §8")
  }
}
