import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import struct Unit05.GRUCell

/// Seeded, non-symmetric inputs and test-local reference computations for the unit 05 tests.
/// The golden values in the tests were produced by the reference solution on exactly these.
enum Fixtures {
  /// `E = 3` inputs, `H = 4` hidden units, `B = 2` sequences (`E ≠ H ≠ B`).
  static let (inputSize, hiddenSize, batchSize) = (3, 4, 2)

  /// A GRU's fused parameters (`W` 12x3, `U` 12x4, `b` 1x12, gate order z, r, h̃), an input
  /// `x` 2x3, a previous state `h` 2x4 and an upstream gradient `dh` 2x4. No block is
  /// symmetric, and each gate's block has its own random values, so a swapped gate, a
  /// transposed weight or a misplaced reset gate changes the numbers.
  static func gru() -> (w: Matrix, u: Matrix, b: Matrix, x: Matrix, h: Matrix, dh: Matrix) {
    var rng = RandomSource(seed: 5005)
    let w = Matrix.gaussian(12, 3, std: 0.7, rng: &rng)
    let u = Matrix.gaussian(12, 4, std: 0.7, rng: &rng)
    let b = Matrix.gaussian(1, 12, std: 0.4, rng: &rng)
    let x = Matrix.gaussian(2, 3, rng: &rng)
    let h = Matrix.uniform(2, 4, low: -0.9, high: 0.9, rng: &rng)
    let dh = Matrix.gaussian(2, 4, rng: &rng)
    return (w, u, b, x, h, dh)
  }

  /// The fixtures' cell.
  static func cell() -> GRUCell {
    let f = gru()
    return GRUCell(inputWeight: f.w, recurrentWeight: f.u, bias: f.b)
  }

  /// A sequence of `T = 4` inputs (each 2x3), an initial state 2x4, and random weights for the
  /// test loss `L = Σ_t Σ R_t ⊙ h_t + Σ F ⊙ h_T` (`R_t` per step, `F` on the final state).
  static func sequence() -> (inputs: [Matrix], h0: Matrix, weights: [Matrix], final: Matrix) {
    var rng = RandomSource(seed: 5006)
    let inputs = (0..<4).map { _ in Matrix.gaussian(2, 3, rng: &rng) }
    let h0 = Matrix.uniform(2, 4, low: -0.8, high: 0.8, rng: &rng)
    let weights = (0..<4).map { _ in Matrix.gaussian(2, 4, rng: &rng) }
    let final = Matrix.gaussian(2, 4, rng: &rng)
    return (inputs, h0, weights, final)
  }

  static func sigmoid(_ a: Double) -> Double { 1 / (1 + exp(-a)) }

  /// One GRU step written out element by element, independent of exercise 05.1:
  ///
  ///     z[n, i] = σ(b[i] + Σ_j x[n, j] W[i, j] + Σ_j h[n, j] U[i, j])            (rows 0..<H)
  ///     r[n, i] = σ(b[H+i] + Σ_j x[n, j] W[H+i, j] + Σ_j h[n, j] U[H+i, j])      (rows H..<2H)
  ///     c[n, i] = tanh(b[2H+i] + Σ_j x[n, j] W[2H+i, j] + Σ_j r[n, j] h[n, j] U[2H+i, j])
  ///     h'[n, i] = z h + (1 - z) c
  static func referenceStep(
    x: Matrix, h: Matrix, w: Matrix, u: Matrix, b: Matrix
  ) -> (z: Matrix, r: Matrix, candidate: Matrix, h: Matrix) {
    let units = u.cols
    func affine(_ row: Int, _ n: Int, _ state: (Int) -> Double) -> Double {
      var s = b[0, row]
      for j in 0..<x.cols { s += x[n, j] * w[row, j] }
      for j in 0..<units { s += state(j) * u[row, j] }
      return s
    }
    let z = Matrix(rows: x.rows, cols: units) { n, i in sigmoid(affine(i, n) { h[n, $0] }) }
    let r = Matrix(rows: x.rows, cols: units) { n, i in
      sigmoid(affine(units + i, n) { h[n, $0] })
    }
    let candidate = Matrix(rows: x.rows, cols: units) { n, i in
      tanh(affine(2 * units + i, n) { r[n, $0] * h[n, $0] })
    }
    let next = Matrix(rows: x.rows, cols: units) { n, i in
      z[n, i] * h[n, i] + (1 - z[n, i]) * candidate[n, i]
    }
    return (z, r, candidate, next)
  }

  /// The cache of one reference step, so the backward tests do not need exercise 05.1.
  static func referenceCache(
    x: Matrix, h: Matrix, w: Matrix, u: Matrix, b: Matrix
  ) -> GRUCell.StepCache {
    let step = referenceStep(x: x, h: h, w: w, u: u, b: b)
    return GRUCell.StepCache(
      input: x, previous: h, update: step.z, reset: step.r, candidate: step.candidate,
      output: step.h)
  }

  /// The states `h_1 ... h_T` of a reference run.
  static func referenceStates(
    _ cell: GRUCell, inputs: [Matrix], h0: Matrix
  ) -> [Matrix] {
    var states: [Matrix] = []
    var h = h0
    for x in inputs {
      h =
        referenceStep(
          x: x, h: h, w: cell.inputWeight, u: cell.recurrentWeight, b: cell.bias
        ).h
      states.append(h)
    }
    return states
  }

  /// The caches of a reference run.
  static func referenceCaches(
    _ cell: GRUCell, inputs: [Matrix], h0: Matrix
  ) -> [GRUCell.StepCache] {
    var caches: [GRUCell.StepCache] = []
    var h = h0
    for x in inputs {
      let cache = referenceCache(
        x: x, h: h, w: cell.inputWeight, u: cell.recurrentWeight, b: cell.bias)
      caches.append(cache)
      h = cache.output
    }
    return caches
  }

  /// The sequence test loss `Σ_t Σ R_t ⊙ h_t + Σ F ⊙ h_T`, computed with the reference step.
  static func sequenceLoss(
    _ cell: GRUCell, inputs: [Matrix], h0: Matrix, weights: [Matrix], final: Matrix
  ) -> Double {
    let states = referenceStates(cell, inputs: inputs, h0: h0)
    var total = zip(states, weights).reduce(0) { $0 + $1.0.dot($1.1) }
    if let last = states.last { total += last.dot(final) }
    return total
  }

  /// The GRU of the lectures that let `z` weigh the *candidate* instead:
  /// `h_t = z' ⊙ h̃_t + (1 - z') ⊙ h_{t-1}`, with `z' = σ(x W_z'ᵀ + h U_z'ᵀ + b_z')` and the
  /// same reset gate and candidate. Written out here so a test can show that it is the kit's
  /// cell with the update-gate blocks negated.
  static func candidateWeightedStep(
    x: Matrix, h: Matrix, w: Matrix, u: Matrix, b: Matrix
  ) -> Matrix {
    let step = referenceStep(x: x, h: h, w: w, u: u, b: b)
    // referenceStep's z is σ(the z' pre-activation) here: it weighs the candidate.
    return Matrix(rows: x.rows, cols: u.cols) { n, i in
      step.z[n, i] * step.candidate[n, i] + (1 - step.z[n, i]) * h[n, i]
    }
  }
}

/// A test-local Elman cell (`tanh`), forward and backward, for the long-range baseline, so the
/// comparison does not depend on the unit 02 and 03 exercises.
struct ReferenceElmanCell: BackpropagatingCell, Equatable {
  struct Cache: Sendable {
    var x: Matrix
    var previous: Matrix
    var output: Matrix
  }

  var whh: Matrix
  var whx: Matrix
  var b: Matrix

  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource) {
    whh = .orthogonal(hiddenSize, hiddenSize, rng: &rng)
    whx = .xavierUniform(hiddenSize, inputSize, rng: &rng)
    b = .zeros(1, hiddenSize)
  }

  var inputSize: Int { whx.cols }
  var hiddenSize: Int { whh.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_hh", &whh)
    try body("W_hx", &whx)
    try body("b", &b)
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: Cache) {
    let h = (input.matmul(whx, transposeOther: true) + state.matmul(whh, transposeOther: true))
      .adding(rowVector: b).tanh()
    return (h, Cache(x: input, previous: state, output: h))
  }

  func backward(
    _ cache: Cache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: ReferenceElmanCell) {
    let dz = dh * cache.output.map { 1 - $0 * $0 }
    var gradients = self
    gradients.whh = dz.matmul(cache.previous, transposeSelf: true)
    gradients.whx = dz.matmul(cache.x, transposeSelf: true)
    gradients.b = dz.sumRows()
    return (dz.matmul(whx), dz.matmul(whh), gradients)
  }
}
