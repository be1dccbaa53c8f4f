import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import struct Unit02.ElmanCell
import struct Unit02.RNNLanguageModel
import enum Unit02.RecurrentActivation
import struct Unit02.SequenceForward

/// Seeded, non-symmetric inputs and test-local reference computations for the unit 03 tests.
/// Golden values in the tests were produced by the reference solution on exactly these.
enum Fixtures {
  /// An Elman step's parameters and inputs: `x` 2x3, `h` 2x4, `W_hh` 4x4, `W_hx` 4x3, `b` 1x4,
  /// and an upstream gradient `dh` 2x4. No weight is symmetric and `W_hx` is not square.
  static func elman() -> (x: Matrix, h: Matrix, whh: Matrix, whx: Matrix, b: Matrix, dh: Matrix) {
    var rng = RandomSource(seed: 3003)
    let x = Matrix.gaussian(2, 3, rng: &rng)
    let h = Matrix.uniform(2, 4, low: -0.9, high: 0.9, rng: &rng)
    let whh = Matrix.gaussian(4, 4, std: 0.7, rng: &rng)
    let whx = Matrix.gaussian(4, 3, std: 0.7, rng: &rng)
    let b = Matrix.gaussian(1, 4, std: 0.3, rng: &rng)
    let dh = Matrix.gaussian(2, 4, rng: &rng)
    return (x, h, whh, whx, b, dh)
  }

  /// The Elman step written out element by element (independent of exercise 02.1):
  /// `z[r, i] = b[i] + Σ_j x[r, j] W_hx[i, j] + Σ_j h[r, j] W_hh[i, j]`, `h_t = f(z)`.
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

  /// `∂g/∂m` by the five-point stencil `(8(g(m+h) - g(m-h)) - (g(m+2h) - g(m-2h))) / 12h`,
  /// whose error is `O(h⁴)`: with `h = 1e-3` about `1e-12`, far below every tolerance here.
  static func derivative(at m: Matrix, _ g: (Matrix) -> Double) -> Matrix {
    let h = 1e-3
    var out = Matrix.zeros(like: m)
    for k in 0..<m.count {
      func at(_ delta: Double) -> Double {
        var shifted = m
        shifted.storage[k] += delta
        return g(shifted)
      }
      out.storage[k] = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h)
    }
    return out
  }

  /// A small language model (`V = 5`, `E = 3`, `H = 4`) around the numerically differentiated
  /// test cell.
  static func languageModel() -> RNNLanguageModel<NumericElmanCell> {
    var rng = RandomSource(seed: 3004)
    let cell = NumericElmanCell(
      whh: .gaussian(4, 4, std: 0.8, rng: &rng), whx: .gaussian(4, 3, std: 0.8, rng: &rng),
      b: .gaussian(1, 4, std: 0.3, rng: &rng))
    return RNNLanguageModel(
      embedding: .gaussian(5, 3, rng: &rng), cell: cell,
      outputWeight: .gaussian(5, 4, rng: &rng), outputBias: .gaussian(1, 5, std: 0.5, rng: &rng))
  }

  /// Two sequences of four tokens (`B = 2`, `T = 4`), with repeated tokens.
  static let inputs = [[1, 4, 1, 3], [3, 0, 2, 2]]
  /// The tokens that follow them.
  static let targets = [[4, 1, 3, 0], [0, 2, 2, 1]]

  /// A non-zero initial state for two sequences.
  static func initialState() -> Matrix {
    Matrix([[0.3, -0.2, 0.5, 0.1], [-0.4, 0.25, 0.0, -0.6]])
  }

  /// The states `h_0 ... h_T` (`T + 1` matrices, the initial state first) of `model` on
  /// `inputs`, computed with the reference step.
  static func referenceStates<Cell: ReferenceSteppable>(
    _ model: RNNLanguageModel<Cell>, inputs: [[Int]], initialState: Matrix
  ) -> [Matrix] {
    var states = [initialState]
    for t in 0..<(inputs.first?.count ?? 0) {
      let x = model.embedding.gatherRows(inputs.map { $0[t] })
      states.append(model.cell.referenceForward(x, state: states[t]))
    }
    return states
  }

  /// The mean cross-entropy of `model` on the fixtures, computed without any exercise code.
  static func referenceLoss<Cell: ReferenceSteppable>(
    _ model: RNNLanguageModel<Cell>, initialState: Matrix, inputs: [[Int]] = inputs,
    targets: [[Int]] = targets
  ) -> Double {
    let states = referenceStates(model, inputs: inputs, initialState: initialState)
    var total = 0.0
    for t in 0..<(inputs.first?.count ?? 0) {
      let logits = states[t + 1].matmul(model.outputWeight, transposeOther: true)
        .adding(rowVector: model.outputBias)
      total += CrossEntropy.loss(logits: logits, targets: targets.map { $0[t] }, reduction: .sum)
    }
    return total / Double(inputs.count * (inputs.first?.count ?? 0))
  }

  /// The loss that truncated BPTT with window `k` differentiates: the loss of step `t` is
  /// recomputed from the state `h_{t-k}` of the *unperturbed* model `base` (a constant), through
  /// steps `t-k+1 ... t` with the perturbed parameters of `model`, or from the perturbed initial
  /// state `initialState` when the window reaches back to the start. Its gradient at
  /// `model == base` is the truncated gradient.
  static func truncatedLoss<Cell: ReferenceSteppable>(
    _ model: RNNLanguageModel<Cell>, base: RNNLanguageModel<Cell>, initialState: Matrix,
    baseInitialState: Matrix, window: Int
  ) -> Double {
    let baseStates = referenceStates(base, inputs: inputs, initialState: baseInitialState)
    let steps = inputs[0].count
    var total = 0.0
    for t in 0..<steps {
      let first = t - window + 1
      var h = first <= 0 ? initialState : baseStates[first]
      for j in max(first, 0)...t {
        let x = model.embedding.gatherRows(inputs.map { $0[j] })
        h = model.cell.referenceForward(x, state: h)
      }
      let logits = h.matmul(model.outputWeight, transposeOther: true)
        .adding(rowVector: model.outputBias)
      total += CrossEntropy.loss(logits: logits, targets: targets.map { $0[t] }, reduction: .sum)
    }
    return total / Double(inputs.count * steps)
  }

  /// A forward pass of `model` assembled by the test (independent of exercise 02.2).
  static func referenceForward(
    _ model: RNNLanguageModel<NumericElmanCell>, initialState: Matrix,
    inputs: [[Int]] = inputs
  ) -> SequenceForward<NumericElmanCell> {
    let states = referenceStates(model, inputs: inputs, initialState: initialState)
    let steps = inputs.first?.count ?? 0
    let caches = (0..<steps).map { t in
      NumericElmanCell.Cache(
        x: model.embedding.gatherRows(inputs.map { $0[t] }), previous: states[t])
    }
    let logits = (0..<steps).map { t in
      states[t + 1].matmul(model.outputWeight, transposeOther: true)
        .adding(rowVector: model.outputBias)
    }
    return SequenceForward(
      inputs: inputs, initialState: initialState, states: Array(states.dropFirst()),
      caches: caches, logits: logits)
  }

  /// `∂L/∂s_t` of the mean cross-entropy (the kit's own softmax gradient).
  static func logitGradients(_ logits: [Matrix], targets: [[Int]] = targets) -> [Matrix] {
    let count = Double(targets.count * logits.count)
    return logits.enumerated().map { t, stepLogits in
      CrossEntropy.lossAndGradient(
        logits: stepLogits, targets: targets.map { $0[t] }, reduction: .sum
      ).gradient / count
    }
  }
}

/// A cell the fixtures can run forward without exercise code.
protocol ReferenceSteppable {
  func referenceForward(_ x: Matrix, state: Matrix) -> Matrix
}

/// A test double for the Elman cell (tanh): forward is ``Fixtures/referenceStep``, and backward
/// is computed *numerically* (five-point differences of `Σ dh ⊙ h_t`). Tests of the sequence
/// backward pass (exercises 03.2 and 03.3) use it, so they depend neither on exercise 02.1 nor
/// on exercise 03.1.
struct NumericElmanCell: BackpropagatingCell, ReferenceSteppable, Equatable {
  struct Cache: Sendable {
    var x: Matrix
    var previous: Matrix
  }

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

  func referenceForward(_ x: Matrix, state: Matrix) -> Matrix {
    Fixtures.referenceStep(x: x, h: state, whh: whh, whx: whx, b: b).h
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: Cache) {
    (referenceForward(input, state: state), Cache(x: input, previous: state))
  }

  func backward(
    _ cache: Cache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: NumericElmanCell) {
    func g(_ whh: Matrix, _ whx: Matrix, _ b: Matrix, _ x: Matrix, _ h: Matrix) -> Double {
      Fixtures.referenceStep(x: x, h: h, whh: whh, whx: whx, b: b).h.dot(dh)
    }
    let (x, h) = (cache.x, cache.previous)
    let gradients = NumericElmanCell(
      whh: Fixtures.derivative(at: whh) { g($0, whx, b, x, h) },
      whx: Fixtures.derivative(at: whx) { g(whh, $0, b, x, h) },
      b: Fixtures.derivative(at: b) { g(whh, whx, $0, x, h) })
    return (
      Fixtures.derivative(at: x) { g(whh, whx, b, $0, h) },
      Fixtures.derivative(at: h) { g(whh, whx, b, x, $0) }, gradients
    )
  }
}

/// The real Elman cell can be run forward by the fixtures too (integration tests compute the
/// loss they check against with the reference step, not with exercise 02.1).
extension ElmanCell: ReferenceSteppable {
  func referenceForward(_ x: Matrix, state: Matrix) -> Matrix {
    Fixtures.referenceStep(
      x: x, h: state, whh: recurrentWeight, whx: inputWeight, b: bias, activation: activation
    ).h
  }
}
