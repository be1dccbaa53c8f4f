import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import struct Unit02.ElmanCell
import struct Unit02.RNNLanguageModel
import enum Unit02.RecurrentActivation
import struct Unit02.SequenceForward
import enum Unit03.JacobianAnalysis

/// Hidden tests of unit 03 (backpropagation through time). They check the Elman step backward
/// on a single sequence with a wide input and on a batch of four (so a gradient that takes one
/// row instead of the batch sum shows), for every activation; full BPTT for one sequence of six
/// steps with a final-state gradient and for three sequences of one step; truncated BPTT on one
/// sequence of five steps with windows of 2 and 4; and the state Jacobian with `E ≠ H` plus
/// the Jacobian product norms against products and spectral norms computed in the test.
///
/// As in the public tests, the sequence tests run on the test's own cell (forward and backward
/// written here) and the test's own forward pass, so they depend neither on unit 02 nor on
/// exercise 03.1; every reference gradient is a centered difference of a loss computed here.
final class Unit03HiddenTests: XCTestCase {
  func testCellBackwardOnOneWideInputAndOnABatchOfFour() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(3301))
      for (batch, inputs, hidden) in [(1, 5, 2), (4, 2, 3)] {
        let whh = Matrix.gaussian(hidden, hidden, std: 0.8, rng: &rng)
        let whx = Matrix.gaussian(hidden, inputs, std: 0.8, rng: &rng)
        let b = Matrix.gaussian(1, hidden, std: 0.4, rng: &rng)
        let x = Matrix.gaussian(batch, inputs, rng: &rng)
        let h = Matrix.uniform(batch, hidden, low: -0.9, high: 0.9, rng: &rng)
        let dh = Matrix.gaussian(batch, hidden, rng: &rng)
        for activation in RecurrentActivation.allCases {
          let cell = ElmanCell(
            recurrentWeight: whh, inputWeight: whx, bias: b, activation: activation)
          func loss(_ c: ElmanCell, _ x: Matrix, _ h: Matrix) -> Double {
            referenceStep(
              x: x, h: h, whh: c.recurrentWeight, whx: c.inputWeight, b: c.bias,
              activation: activation
            ).h.dot(dh)
          }
          let step = referenceStep(x: x, h: h, whh: whh, whx: whx, b: b, activation: activation)
          let cache = ElmanCell.StepCache(
            input: x, previous: h, preActivation: step.z, output: step.h)
          let result = cell.backward(cache, stateGradient: dh)
          let hint = "B = \(batch), E = \(inputs), H = \(hidden), \(activation)"
          assertGradientsMatch(
            GradientCheck.check(parameters: cell, analytic: result.gradients) { loss($0, x, h) },
            tolerance: 1e-7, hint: hint)
          assertGradientsMatch(
            GradientCheck.check(input: x, named: "x_t", analytic: result.inputGradient) {
              loss(cell, $0, h)
            }, tolerance: 1e-7, hint: hint)
          assertGradientsMatch(
            GradientCheck.check(
              input: h, named: "h_{t-1}", analytic: result.previousStateGradient
            ) { loss(cell, x, $0) }, tolerance: 1e-7, hint: hint)
        }
      }
    }
  }

  func testFullBPTTForOneLongSequenceAndForManyOneStepSequences() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(3302))
      let model = localModel(&rng)
      let cases: [(inputs: [[Int]], targets: [[Int]], final: Bool)] = [
        ([[5, 0, 2, 2, 4, 1]], [[0, 2, 2, 4, 1, 3]], true),
        ([[3], [0], [3]], [[1], [5], [5]], false),
      ]
      for (inputs, targets, useFinal) in cases {
        let h0 = Matrix.uniform(inputs.count, 3, low: -0.8, high: 0.8, rng: &rng)
        let g = Matrix.gaussian(inputs.count, 3, rng: &rng)
        let pass = referenceForward(model, inputs: inputs, initialState: h0)
        let (gradients, dh0) = model.backward(
          pass, logitGradients: logitGradients(pass.logits, targets: targets),
          finalStateGradient: useFinal ? g : nil)
        func loss(_ m: RNNLanguageModel<LocalElmanCell>, _ h: Matrix) -> Double {
          let states = referenceStates(m, inputs: inputs, initialState: h)
          let extra = useFinal ? (states.last ?? h).dot(g) : 0
          return meanLoss(m, states: states, targets: targets) + extra
        }
        let hint = "B = \(inputs.count), T = \(inputs[0].count), final gradient \(useFinal)"
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: gradients) { loss($0, h0) },
          tolerance: 1e-6, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(input: h0, named: "h_0", analytic: dh0) { loss(model, $0) },
          tolerance: 1e-6, hint: hint)
      }
    }
  }

  func testTruncatedBPTTOnOneSequenceOfFiveSteps() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(3303))
      let model = localModel(&rng)
      let inputs = [[4, 4, 1, 0, 3]]
      let targets = [[4, 1, 0, 3, 2]]
      let h0 = Matrix.uniform(1, 3, low: -0.8, high: 0.8, rng: &rng)
      let pass = referenceForward(model, inputs: inputs, initialState: h0)
      let base = referenceStates(model, inputs: inputs, initialState: h0)
      for window in [2, 4] {
        // The loss of step t recomputed from the constant state h_{t-k} (of the unperturbed
        // model) through the k steps t-k+1 ... t, or from h_0 when the window reaches it.
        func loss(_ m: RNNLanguageModel<LocalElmanCell>, _ initial: Matrix) -> Double {
          var total = 0.0
          for t in 0..<5 {
            let first = t - window + 1
            var h = first <= 0 ? initial : base[first]
            for j in max(first, 0)...t {
              h = m.cell.referenceForward(m.embedding.gatherRows([inputs[0][j]]), state: h)
            }
            total += crossEntropy(m, h: h, targets: [targets[0][t]])
          }
          return total / 5
        }
        let (gradients, dh0) = model.truncatedBackward(
          pass, logitGradients: logitGradients(pass.logits, targets: targets), window: window)
        let hint = "window \(window), T = 5, B = 1"
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: gradients) { loss($0, h0) },
          tolerance: 1e-6, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(input: h0, named: "h_0", analytic: dh0) { loss(model, $0) },
          tolerance: 1e-6, hint: hint)
      }
    }
  }

  func testStateJacobianWithWideInputAndProductNormsOfRandomJacobians() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(3304))
      let whh = Matrix.gaussian(3, 3, std: 0.9, rng: &rng)
      let whx = Matrix.gaussian(3, 5, std: 0.9, rng: &rng)
      let b = Matrix.gaussian(1, 3, std: 0.3, rng: &rng)
      let x = Matrix.gaussian(1, 5, rng: &rng)
      let h = Matrix.uniform(1, 3, low: -1, high: 1, rng: &rng)
      for activation in RecurrentActivation.allCases {
        let step = referenceStep(x: x, h: h, whh: whh, whx: whx, b: b, activation: activation)
        let cell = ElmanCell(
          recurrentWeight: whh, inputWeight: whx, bias: b, activation: activation)
        let jacobian = cell.stateJacobian(
          ElmanCell.StepCache(input: x, previous: h, preActivation: step.z, output: step.h))
        var expected = Matrix.zeros(3, 3)
        for i in 0..<3 {
          let row = GradientCheck.numericalGradient(at: h) {
            referenceStep(x: x, h: $0, whh: whh, whx: whx, b: b, activation: activation).h[0, i]
          }
          expected.setRow(i, row.row(0))
        }
        assertClose(jacobian, expected, tolerance: 1e-8, "∂h_t/∂h_{t-1} (\(activation))")
      }

      // Five random non-commuting 2x2 Jacobians: d = 1 ... 5 are the norms of J_5, J_5 J_4, ...
      let jacobians = (0..<5).map { _ in Matrix.gaussian(2, 2, std: 0.9, rng: &rng) }
      let norms = JacobianAnalysis.productNorms(jacobians)
      assertEqual(norms.count, 5, "one norm per distance d")
      var product = Matrix.identity(2)
      for d in 1...min(5, norms.count) {
        product = product.matmul(jacobians[5 - d])
        assertClose(
          norms[d - 1], spectralNorm2x2(product), tolerance: 1e-8, "‖∂h_5/∂h_\(5 - d)‖")
      }
      let single = JacobianAnalysis.productNorms([jacobians[2]])
      assertEqual(single.count, 1, "one Jacobian, one norm")
      if let first = single.first {
        assertClose(first, spectralNorm2x2(jacobians[2]), tolerance: 1e-8, "‖J_1‖")
      }
      assertEqual(JacobianAnalysis.productNorms([]), [], "no Jacobians, no norms")
    }
  }
}

/// The largest singular value of a 2x2 matrix in closed form:
/// `σ₁² = (F + sqrt(F² − 4 det²)) / 2` with `F` the squared Frobenius norm.
private func spectralNorm2x2(_ m: Matrix) -> Double {
  let f = m.squaredNorm()
  let det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
  return ((f + max(f * f - 4 * det * det, 0).squareRoot()) / 2).squareRoot()
}

/// The Elman step written out element by element (independent of exercise 02.1).
private func referenceStep(
  x: Matrix, h: Matrix, whh: Matrix, whx: Matrix, b: Matrix,
  activation: RecurrentActivation = .tanh
) -> (z: Matrix, h: Matrix) {
  let z = Matrix(rows: x.rows, cols: whh.rows) { r, i in
    var s = b[0, i]
    for j in 0..<x.cols { s += x[r, j] * whx[i, j] }
    for j in 0..<h.cols { s += h[r, j] * whh[i, j] }
    return s
  }
  switch activation {
  case .tanh: return (z, z.map { Foundation.tanh($0) })
  case .sigmoid: return (z, z.map { 1 / (1 + exp(-$0)) })
  case .relu: return (z, z.map { max(0, $0) })
  }
}

/// A tanh Elman cell with forward and backward written in the test, so the sequence tests
/// depend neither on exercise 02.1 nor on exercise 03.1.
private struct LocalElmanCell: BackpropagatingCell {
  struct Cache: Sendable {
    var x: Matrix
    var previous: Matrix
    var output: Matrix
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
    referenceStep(x: x, h: state, whh: whh, whx: whx, b: b).h
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: Cache) {
    let h = referenceForward(input, state: state)
    return (h, Cache(x: input, previous: state, output: h))
  }

  func backward(
    _ cache: Cache, stateGradient dh: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: LocalElmanCell) {
    let dz = dh * cache.output.map { 1 - $0 * $0 }
    var gradients = self
    gradients.whh = dz.matmul(cache.previous, transposeSelf: true)
    gradients.whx = dz.matmul(cache.x, transposeSelf: true)
    gradients.b = dz.sumRows()
    return (dz.matmul(whx), dz.matmul(whh), gradients)
  }
}

/// A language model with `V = 6`, `E = 2`, `H = 3` around the test's cell.
private func localModel(_ rng: inout RandomSource) -> RNNLanguageModel<LocalElmanCell> {
  let cell = LocalElmanCell(
    whh: .gaussian(3, 3, std: 0.8, rng: &rng), whx: .gaussian(3, 2, std: 0.8, rng: &rng),
    b: .gaussian(1, 3, std: 0.3, rng: &rng))
  return RNNLanguageModel(
    embedding: .gaussian(6, 2, rng: &rng), cell: cell, outputWeight: .gaussian(6, 3, rng: &rng),
    outputBias: .gaussian(1, 6, std: 0.5, rng: &rng))
}

/// `h_0 ... h_T` (the initial state first), with the reference step.
private func referenceStates(
  _ model: RNNLanguageModel<LocalElmanCell>, inputs: [[Int]], initialState: Matrix
) -> [Matrix] {
  var states = [initialState]
  for t in 0..<inputs[0].count {
    let x = model.embedding.gatherRows(inputs.map { $0[t] })
    states.append(model.cell.referenceForward(x, state: states[t]))
  }
  return states
}

/// The summed cross-entropy of the logits `h W_sᵀ + b_s` against `targets`.
private func crossEntropy(
  _ model: RNNLanguageModel<LocalElmanCell>, h: Matrix, targets: [Int]
) -> Double {
  let logits = h.matmul(model.outputWeight, transposeOther: true)
    .adding(rowVector: model.outputBias)
  return CrossEntropy.loss(logits: logits, targets: targets, reduction: .sum)
}

/// The mean cross-entropy over every sequence and step, from the states `h_0 ... h_T`.
private func meanLoss(
  _ model: RNNLanguageModel<LocalElmanCell>, states: [Matrix], targets: [[Int]]
) -> Double {
  let steps = states.count - 1
  var total = 0.0
  for t in 0..<steps {
    total += crossEntropy(model, h: states[t + 1], targets: targets.map { $0[t] })
  }
  return total / Double(targets.count * steps)
}

/// A forward pass assembled by the test (independent of exercise 02.2).
private func referenceForward(
  _ model: RNNLanguageModel<LocalElmanCell>, inputs: [[Int]], initialState: Matrix
) -> SequenceForward<LocalElmanCell> {
  let states = referenceStates(model, inputs: inputs, initialState: initialState)
  let steps = inputs[0].count
  let caches = (0..<steps).map { t in
    LocalElmanCell.Cache(
      x: model.embedding.gatherRows(inputs.map { $0[t] }), previous: states[t],
      output: states[t + 1])
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
private func logitGradients(_ logits: [Matrix], targets: [[Int]]) -> [Matrix] {
  let count = Double(targets.count * logits.count)
  return logits.enumerated().map { t, step in
    CrossEntropy.lossAndGradient(logits: step, targets: targets.map { $0[t] }, reduction: .sum)
      .gradient / count
  }
}
