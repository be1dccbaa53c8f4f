import Foundation
import RNNCore
import RNNTraining
import Unit02

/// The vanishing/exploding-gradient analysis: how much of a gradient survives the trip from
/// step `t` back to step `k`.
///
/// By the chain rule, `∂h_t/∂h_k = Φ_t Φ_{t-1} ⋯ Φ_{k+1}` with `Φ_j = ∂h_j/∂h_{j-1}`, the
/// Jacobian of one step (``ElmanCell/stateJacobian(_:)``). Each factor is at most
/// `‖W_hh‖ · max|f'|` in norm, so `‖∂h_t/∂h_k‖ ≤ (‖W_hh‖ max|f'|)^(t-k)`: a product that
/// shrinks or grows exponentially in `t - k` unless every factor has norm close to 1.
public enum JacobianAnalysis {
  /// The spectral norms of the products of the last `d` Jacobians, for `d = 1 ... n`.
  ///
  /// Given `jacobians = [Φ_1, ..., Φ_n]` (`Φ_j = ∂h_j/∂h_{j-1}`, each `H x H`), entry `d - 1`
  /// of the result is
  ///
  ///     ‖∂h_n/∂h_{n-d}‖₂ = ‖Φ_n Φ_{n-1} ⋯ Φ_{n-d+1}‖₂
  ///
  /// the factor by which a gradient arriving at the last state `h_n` can grow or shrink on its
  /// way back `d` steps. Use ``RNNTraining/Matrix/spectralNorm(maxIterations:)`` for `‖·‖₂`.
  ///
  /// - Returns: `n` norms, for `d = 1, 2, ..., n`.
  public static func productNorms(_ jacobians: [Matrix]) -> [Double] {
    guard let first = jacobians.first else { return [] }
    shapePrecondition(
      jacobians.allSatisfy { $0.rows == first.rows && $0.cols == first.rows },
      "JacobianAnalysis.productNorms: every Jacobian must be HxH, got "
        + "\(jacobians.map(\.shapeDescription))")
    // BEGIN SOLUTION 03.5 JacobianAnalysis.productNorms | Lectures/03-bptt.md §6
    var product = Matrix.identity(first.rows)
    var norms: [Double] = []
    for j in stride(from: jacobians.count - 1, through: 0, by: -1) {
      product = product.matmul(jacobians[j])
      norms.append(product.spectralNorm())
    }
    return norms
    // END SOLUTION
  }

  /// Runs an Elman cell over random inputs and measures `‖∂h_n/∂h_{n-d}‖₂` for
  /// `d = 1 ... steps` (provided; it uses exercises 02.1, 03.4 and 03.5).
  ///
  /// The cell has `W_hh` = `spectralRadius` times a random orthogonal matrix (so every
  /// eigenvalue and singular value of `W_hh` has size `spectralRadius`), Gaussian `W_hx` with
  /// standard deviation `inputScale / sqrt(E)`, `b = 0`, and starts from `h_0 = 0`. The inputs
  /// are standard Gaussian. The norms are the geometric mean over `trials` independent runs
  /// (each with its own weights and inputs), so one unlucky draw does not dominate.
  public static func experiment(
    activation: RecurrentActivation, spectralRadius: Double, hiddenSize: Int = 32,
    inputSize: Int = 8, steps: Int = 50, inputScale: Double = 1, trials: Int = 4,
    seed: UInt64 = 3
  ) -> [Double] {
    var logSums = [Double](repeating: 0, count: steps)
    for trial in 0..<trials {
      var rng = RandomSource(seed: seed &+ UInt64(trial) &* 1_000_003)
      let cell = ElmanCell(
        recurrentWeight: .orthogonal(hiddenSize, hiddenSize, gain: spectralRadius, rng: &rng),
        inputWeight: .gaussian(
          hiddenSize, inputSize, std: inputScale / Double(inputSize).squareRoot(), rng: &rng),
        bias: .zeros(1, hiddenSize), activation: activation)
      var h = Matrix.zeros(1, hiddenSize)
      var jacobians: [Matrix] = []
      for _ in 0..<steps {
        let step = cell.forward(.gaussian(1, inputSize, rng: &rng), state: h)
        jacobians.append(cell.stateJacobian(step.cache))
        h = step.state
      }
      for (d, norm) in productNorms(jacobians).enumerated() {
        // A norm of exactly 0 (every ReLU unit off) would be -inf on a log scale; floor it.
        logSums[d] += log(max(norm, 1e-300))
      }
    }
    return logSums.map { exp($0 / Double(trials)) }
  }
}
