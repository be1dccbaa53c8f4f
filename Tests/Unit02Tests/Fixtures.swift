import Foundation
import RNNCore

import protocol RNNTraining.RecurrentCell
import enum Unit02.RecurrentActivation

/// Seeded, non-symmetric inputs shared by the unit 02 tests. The golden values in the tests
/// were produced by the reference solution on exactly these inputs.
enum Fixtures {
  /// An Elman step's parameters and inputs: `x` 2x3, `h` 2x4, `W_hh` 4x4, `W_hx` 4x3, `b` 1x4.
  /// No weight is symmetric and `W_hx` is not square, so a transposed weight changes values
  /// or shapes.
  static func elman() -> (x: Matrix, h: Matrix, whh: Matrix, whx: Matrix, b: Matrix) {
    var rng = RandomSource(seed: 2002)
    let x = Matrix.gaussian(2, 3, rng: &rng)
    let h = Matrix.uniform(2, 4, low: -0.9, high: 0.9, rng: &rng)
    let whh = Matrix.gaussian(4, 4, std: 0.7, rng: &rng)
    let whx = Matrix.gaussian(4, 3, std: 0.7, rng: &rng)
    let b = Matrix.gaussian(1, 4, std: 0.3, rng: &rng)
    return (x, h, whh, whx, b)
  }

  /// The Elman step written out element by element, so tests of later exercises do not
  /// depend on exercise 02.1: `z[r, i] = b[i] + Σ_j x[r, j] W_hx[i, j] + Σ_j h[r, j] W_hh[i, j]`.
  static func referenceStep(
    x: Matrix, h: Matrix, whh: Matrix, whx: Matrix, b: Matrix,
    activation: RecurrentActivation = .tanh
  ) -> (z: Matrix, h: Matrix) {
    let z = Matrix(rows: x.rows, cols: whh.rows) { r, i in
      var s = b[0, i]
      for j in 0..<x.cols { s += x[r, j] * whx[i, j] }
      for j in 0..<h.cols { s += h[r, j] * whh[i, j] }
      return s
    }
    let out: Matrix
    switch activation {
    case .tanh: out = z.map { Foundation.tanh($0) }
    case .sigmoid: out = z.map { 1 / (1 + exp(-$0)) }
    case .relu: out = z.map { max(0, $0) }
    }
    return (z, out)
  }

  /// A language model's parameters for `V = 5`, `E = 3`, `H = 4`.
  static func languageModel() -> (
    embedding: Matrix, cell: ReferenceElmanCell, ws: Matrix, bs: Matrix
  ) {
    let (_, _, whh, whx, b) = elman()
    var rng = RandomSource(seed: 2003)
    let embedding = Matrix.gaussian(5, 3, rng: &rng)
    let ws = Matrix.gaussian(5, 4, rng: &rng)
    let bs = Matrix.gaussian(1, 5, std: 0.5, rng: &rng)
    return (embedding, ReferenceElmanCell(whh: whh, whx: whx, b: b), ws, bs)
  }

  /// Two sequences of three tokens (`B = 2`, `T = 3`, `B ≠ T`), with a repeated token.
  static let inputs = [[1, 4, 1], [3, 0, 2]]
  /// The tokens that follow them.
  static let targets = [[4, 1, 2], [0, 2, 2]]

  /// A non-zero initial state for two sequences.
  static func initialState() -> Matrix {
    Matrix([[0.3, -0.2, 0.5, 0.1], [-0.4, 0.25, 0.0, -0.6]])
  }
}

/// A test double for the Elman cell: the step is ``Fixtures/referenceStep``, so the language
/// model's tests do not depend on exercise 02.1. Its cache is the step's input `x_t`.
struct ReferenceElmanCell: RecurrentCell, Equatable {
  var whh: Matrix
  var whx: Matrix
  var b: Matrix

  var inputSize: Int { whx.cols }
  var hiddenSize: Int { whh.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_hh", &whh)
    try body("W_hx", &whx)
    try body("b", &b)
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: Matrix) {
    (Fixtures.referenceStep(x: input, h: state, whh: whh, whx: whx, b: b).h, input)
  }
}
