import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import struct Unit06.LSTMCell
import struct Unit06.LSTMState
import struct Unit06.PeepholeLSTMCell

/// Seeded, non-symmetric inputs and test-local reference computations for the unit 06 tests.
/// The golden values in the tests were produced by the reference solution on exactly these.
enum Fixtures {
  /// An LSTM's fused parameters (`W` 16x3, `U` 16x4, `b` 1x16, gate order i, f, g, o), an input
  /// `x` 2x3, a previous state `(h, c)` (2x4 each) and upstream gradients `dh`, `dc` (2x4).
  /// Every block has its own random values, so a swapped gate, a transposed weight or a
  /// misplaced gate changes the numbers.
  static func lstm() -> (
    w: Matrix, u: Matrix, b: Matrix, x: Matrix, h: Matrix, c: Matrix, dh: Matrix, dc: Matrix
  ) {
    var rng = RandomSource(seed: 6006)
    let w = Matrix.gaussian(16, 3, std: 0.7, rng: &rng)
    let u = Matrix.gaussian(16, 4, std: 0.7, rng: &rng)
    let b = Matrix.gaussian(1, 16, std: 0.4, rng: &rng)
    let x = Matrix.gaussian(2, 3, rng: &rng)
    let h = Matrix.uniform(2, 4, low: -0.9, high: 0.9, rng: &rng)
    let c = Matrix.gaussian(2, 4, std: 1.2, rng: &rng)
    let dh = Matrix.gaussian(2, 4, rng: &rng)
    let dc = Matrix.gaussian(2, 4, rng: &rng)
    return (w, u, b, x, h, c, dh, dc)
  }

  /// The fixtures' cell.
  static func cell() -> LSTMCell {
    let f = lstm()
    return LSTMCell(inputWeight: f.w, recurrentWeight: f.u, bias: f.b)
  }

  /// Three `1x4` peephole vectors (`p_i`, `p_f`, `p_o`).
  static func peepholes() -> (pi: Matrix, pf: Matrix, po: Matrix) {
    var rng = RandomSource(seed: 6007)
    return (
      .gaussian(1, 4, std: 0.8, rng: &rng), .gaussian(1, 4, std: 0.8, rng: &rng),
      .gaussian(1, 4, std: 0.8, rng: &rng)
    )
  }

  /// The fixtures' peephole cell.
  static func peepholeCell() -> PeepholeLSTMCell {
    let f = lstm()
    let p = peepholes()
    return PeepholeLSTMCell(
      inputWeight: f.w, recurrentWeight: f.u, bias: f.b, inputPeephole: p.pi,
      forgetPeephole: p.pf, outputPeephole: p.po)
  }

  /// A sequence of `T = 4` inputs (2x3 each), an initial state `(h_0, c_0)`, and random weights
  /// for the test loss `L = Σ_t Σ R_t ⊙ h_t + Σ F_h ⊙ h_T + Σ F_c ⊙ c_T`.
  static func sequence() -> (
    inputs: [Matrix], initial: LSTMState, weights: [Matrix], final: LSTMState
  ) {
    var rng = RandomSource(seed: 6008)
    let inputs = (0..<4).map { _ in Matrix.gaussian(2, 3, rng: &rng) }
    let h0 = Matrix.uniform(2, 4, low: -0.8, high: 0.8, rng: &rng)
    let c0 = Matrix.gaussian(2, 4, rng: &rng)
    let weights = (0..<4).map { _ in Matrix.gaussian(2, 4, rng: &rng) }
    let final = LSTMState(
      hidden: .gaussian(2, 4, rng: &rng), cell: .gaussian(2, 4, rng: &rng))
    return (inputs, LSTMState(hidden: h0, cell: c0), weights, final)
  }

  static func sigmoid(_ a: Double) -> Double { 1 / (1 + exp(-a)) }

  /// One (peephole) LSTM step written out element by element, independent of the exercises.
  /// Block `k` of the fused weights (`k` = 0 i, 1 f, 2 g, 3 o) is rows `kH..<(k+1)H`:
  ///
  ///     a_k[n, i] = b[kH+i] + Σ_j x[n, j] W[kH+i, j] + Σ_j h[n, j] U[kH+i, j]
  ///     i = σ(a_0 + p_i c), f = σ(a_1 + p_f c), g = tanh(a_2), c' = f c + i g,
  ///     o = σ(a_3 + p_o c'), h' = o tanh(c')
  ///
  /// With no peepholes (`nil`) it is the plain LSTM.
  static func referenceStep(
    x: Matrix, h: Matrix, c: Matrix, w: Matrix, u: Matrix, b: Matrix,
    peepholes: (pi: Matrix, pf: Matrix, po: Matrix)? = nil
  ) -> LSTMCell.StepCache {
    let units = u.cols
    func a(_ gate: Int, _ n: Int, _ i: Int) -> Double {
      let row = gate * units + i
      var s = b[0, row]
      for j in 0..<x.cols { s += x[n, j] * w[row, j] }
      for j in 0..<units { s += h[n, j] * u[row, j] }
      return s
    }
    let p = peepholes ?? (.zeros(1, units), .zeros(1, units), .zeros(1, units))
    let shape = (rows: x.rows, cols: units)
    let ig = Matrix(rows: shape.rows, cols: shape.cols) { n, i in
      sigmoid(a(0, n, i) + p.pi[0, i] * c[n, i])
    }
    let fg = Matrix(rows: shape.rows, cols: shape.cols) { n, i in
      sigmoid(a(1, n, i) + p.pf[0, i] * c[n, i])
    }
    let g = Matrix(rows: shape.rows, cols: shape.cols) { n, i in tanh(a(2, n, i)) }
    let cell = Matrix(rows: shape.rows, cols: shape.cols) { n, i in
      fg[n, i] * c[n, i] + ig[n, i] * g[n, i]
    }
    let og = Matrix(rows: shape.rows, cols: shape.cols) { n, i in
      sigmoid(a(3, n, i) + p.po[0, i] * cell[n, i])
    }
    let cellTanh = cell.map { tanh($0) }
    let output = Matrix(rows: shape.rows, cols: shape.cols) { n, i in og[n, i] * cellTanh[n, i] }
    return LSTMCell.StepCache(
      input: x, previousHidden: h, previousCell: c, inputGate: ig, forgetGate: fg, candidate: g,
      outputGate: og, cell: cell, cellTanh: cellTanh, output: output)
  }

  /// The reference step of an `LSTMCell`.
  static func step(_ cell: LSTMCell, x: Matrix, state: LSTMState) -> LSTMCell.StepCache {
    referenceStep(
      x: x, h: state.hidden, c: state.cell, w: cell.inputWeight, u: cell.recurrentWeight,
      b: cell.bias)
  }

  /// The reference step of a `PeepholeLSTMCell`.
  static func step(
    _ cell: PeepholeLSTMCell, x: Matrix, state: LSTMState
  ) -> LSTMCell.StepCache {
    referenceStep(
      x: x, h: state.hidden, c: state.cell, w: cell.inputWeight, u: cell.recurrentWeight,
      b: cell.bias,
      peepholes: (cell.inputPeephole, cell.forgetPeephole, cell.outputPeephole))
  }

  /// The one-step test loss `Σ dh ⊙ h_t + Σ dc ⊙ c_t` of a cache.
  static func stepLoss(_ cache: LSTMCell.StepCache, dh: Matrix, dc: Matrix) -> Double {
    cache.output.dot(dh) + cache.cell.dot(dc)
  }

  /// The caches of a reference run of `cell`.
  static func referenceCaches(
    _ cell: LSTMCell, inputs: [Matrix], initial: LSTMState
  ) -> [LSTMCell.StepCache] {
    var caches: [LSTMCell.StepCache] = []
    var state = initial
    for x in inputs {
      let cache = step(cell, x: x, state: state)
      caches.append(cache)
      state = LSTMState(hidden: cache.output, cell: cache.cell)
    }
    return caches
  }

  /// The sequence test loss `Σ_t Σ R_t ⊙ h_t + Σ F_h ⊙ h_T + Σ F_c ⊙ c_T` of a reference run.
  static func sequenceLoss(
    _ cell: LSTMCell, inputs: [Matrix], initial: LSTMState, weights: [Matrix], final: LSTMState
  ) -> Double {
    let caches = referenceCaches(cell, inputs: inputs, initial: initial)
    var total = zip(caches, weights).reduce(0) { $0 + $1.0.output.dot($1.1) }
    if let last = caches.last {
      total += last.output.dot(final.hidden) + last.cell.dot(final.cell)
    }
    return total
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
