import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell
import struct Unit06.LSTMState
import struct Unit06.PeepholeLSTMCell

/// Hidden tests of unit 06 (the LSTM). They check the step forward on a single sequence with a
/// wide input and on a batch of three with one input feature, against a reference step written
/// in the test, and two saturated cells: a forget gate at 1 with an input gate at 0 keeps `c`
/// (and the step backward then passes `∂L/∂c_t` straight through, plus the path through
/// `h_t`), a forget gate at 0 with an input gate at 1 replaces `c` by the candidate; the step
/// backward by centered differences on the same shapes; the sequence forward and backward for
/// one step and for one sequence of six steps, with and without a final-state gradient; and
/// the peephole cell forward and backward on new shapes.
///
/// As in the public tests, the backward tests run on caches built by the test's reference step,
/// and the sequence tests compare with the cell's own step (whatever it computes), so each
/// exercise is checked on its own (06.6 and 06.7 share a test, each part on its own inputs).
final class Unit06HiddenTests: XCTestCase {
  func testStepForwardOnNewShapesAndWithSaturatedGates() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(6601))
      for (batch, inputs, hidden) in [(1, 5, 2), (3, 1, 4)] {
        let p = randomLSTM(batch: batch, inputs: inputs, hidden: hidden, rng: &rng)
        let cell = LSTMCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let (state, cache) = cell.forward(p.x, state: LSTMState(hidden: p.h, cell: p.c))
        let reference = referenceStep(x: p.x, h: p.h, c: p.c, w: p.w, u: p.u, b: p.b)
        let label = "B = \(batch), E = \(inputs), H = \(hidden)"
        assertClose(state.hidden, reference.output, tolerance: 1e-12, "h_t (\(label))")
        assertClose(state.cell, reference.cell, tolerance: 1e-12, "c_t (\(label))")
        assertClose(cache.inputGate, reference.inputGate, tolerance: 1e-12, "i_t (\(label))")
        assertClose(cache.forgetGate, reference.forgetGate, tolerance: 1e-12, "f_t (\(label))")
        assertClose(cache.candidate, reference.candidate, tolerance: 1e-12, "g_t (\(label))")
        assertClose(cache.outputGate, reference.outputGate, tolerance: 1e-12, "o_t (\(label))")
        assertClose(cache.cellTanh, reference.cellTanh, tolerance: 1e-12, "tanh(c_t) (\(label))")
        assertClose(cache.previousCell, p.c, tolerance: 0, "cache.previousCell (\(label))")

        // b_i = -60, b_f = +60: i = 0 and f = 1 to double precision, so c_t = c_{t-1}.
        let keep = LSTMCell(
          inputWeight: p.w, recurrentWeight: p.u,
          bias: saturated(p.b, hidden: hidden, input: -60, forget: 60))
        let kept = keep.forward(p.x, state: LSTMState(hidden: p.h, cell: p.c)).state
        assertClose(kept.cell, p.c, tolerance: 1e-15, "c_t with f = 1, i = 0 (\(label))")
        let o = referenceStep(x: p.x, h: p.h, c: p.c, w: p.w, u: p.u, b: p.b).outputGate
        assertClose(
          kept.hidden, o * p.c.tanh(), tolerance: 1e-12, "h_t = o ⊙ tanh(c_{t-1}) (\(label))")

        // b_i = +60, b_f = -60: c_t = g_t, the candidate, whatever c_{t-1} was.
        let replace = LSTMCell(
          inputWeight: p.w, recurrentWeight: p.u,
          bias: saturated(p.b, hidden: hidden, input: 60, forget: -60))
        let replaced = replace.forward(p.x, state: LSTMState(hidden: p.h, cell: p.c)).state
        assertClose(
          replaced.cell, reference.candidate, tolerance: 1e-12,
          "c_t with f = 0, i = 1 (\(label))")
      }
    }
  }

  func testStepBackwardOnNewShapesAndThroughAnOpenMemory() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(6602))
      for (batch, inputs, hidden) in [(1, 5, 2), (3, 1, 4)] {
        let p = randomLSTM(batch: batch, inputs: inputs, hidden: hidden, rng: &rng)
        let dh = Matrix.gaussian(batch, hidden, rng: &rng)
        let dc = Matrix.gaussian(batch, hidden, rng: &rng)
        let cell = LSTMCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let cache = referenceStep(x: p.x, h: p.h, c: p.c, w: p.w, u: p.u, b: p.b)
        let result = cell.backward(cache, stateGradient: LSTMState(hidden: dh, cell: dc))
        func loss(_ m: LSTMCell, x: Matrix, h: Matrix, c: Matrix) -> Double {
          let step = referenceStep(
            x: x, h: h, c: c, w: m.inputWeight, u: m.recurrentWeight, b: m.bias)
          return step.output.dot(dh) + step.cell.dot(dc)
        }
        let hint = "B = \(batch), E = \(inputs), H = \(hidden)"
        assertGradientsMatch(
          GradientCheck.check(parameters: cell, analytic: result.gradients) {
            loss($0, x: p.x, h: p.h, c: p.c)
          }, tolerance: 1e-7, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(input: p.x, named: "x_t", analytic: result.inputGradient) {
            loss(cell, x: $0, h: p.h, c: p.c)
          }, tolerance: 1e-7, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(
            input: p.h, named: "h_{t-1}", analytic: result.previousStateGradient.hidden
          ) { loss(cell, x: p.x, h: $0, c: p.c) }, tolerance: 1e-7, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(
            input: p.c, named: "c_{t-1}", analytic: result.previousStateGradient.cell
          ) { loss(cell, x: p.x, h: p.h, c: $0) }, tolerance: 1e-7, hint: hint)

        // f = 1, i = 0: ∂L/∂c_{t-1} = dc + dh ⊙ o ⊙ (1 - tanh²(c_t)) with c_t = c_{t-1}.
        let open = saturated(p.b, hidden: hidden, input: -60, forget: 60)
        let keep = LSTMCell(inputWeight: p.w, recurrentWeight: p.u, bias: open)
        let openCache = referenceStep(x: p.x, h: p.h, c: p.c, w: p.w, u: p.u, b: open)
        let through = keep.backward(openCache, stateGradient: LSTMState(hidden: dh, cell: dc))
        let expected = dc + dh * openCache.outputGate * openCache.cellTanh.map { 1 - $0 * $0 }
        assertClose(
          through.previousStateGradient.cell, expected, tolerance: 1e-12,
          "∂L/∂c_{t-1} with f = 1, i = 0 (\(hint))")
      }
    }
  }

  func testSequenceForwardAndBackwardForOneStepAndSixSteps() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(6603))
      for (batch, steps, useFinal) in [(3, 1, true), (1, 6, false), (1, 6, true)] {
        let p = randomLSTM(batch: batch, inputs: 2, hidden: 3, rng: &rng)
        let cell = LSTMCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let initial = LSTMState(hidden: p.h, cell: p.c)
        let inputs = (0..<steps).map { _ in Matrix.gaussian(batch, 2, rng: &rng) }
        let label = "B = \(batch), T = \(steps), final gradient \(useFinal)"

        // 06.4: the run is the cell's own steps, chained.
        let run = cell.forward(sequence: inputs, initialState: initial)
        assertEqual(run.states.count, steps, "\(label): one state per input")
        assertEqual(run.caches.count, steps, "\(label): one cache per input")
        var state = initial
        for t in 0..<min(steps, run.states.count, run.caches.count) {
          let step = cell.forward(inputs[t], state: state)
          assertClose(
            run.states[t].hidden, step.state.hidden, tolerance: 1e-12, "\(label): h[\(t)]")
          assertClose(run.states[t].cell, step.state.cell, tolerance: 1e-12, "\(label): c[\(t)]")
          // c_0 is the test's own matrix; later memories are computed.
          assertClose(
            run.caches[t].previousCell, state.cell, tolerance: t == 0 ? 0 : 1e-12,
            "\(label): caches[\(t)] c")
          state = step.state
        }

        // 06.5: on caches of the reference step, the walk of the cell's own step backward.
        var caches: [LSTMCell.StepCache] = []
        var h = p.h
        var c = p.c
        for x in inputs {
          let cache = referenceStep(x: x, h: h, c: c, w: p.w, u: p.u, b: p.b)
          caches.append(cache)
          (h, c) = (cache.output, cache.cell)
        }
        let direct = (0..<steps).map { _ in Matrix.gaussian(batch, 3, rng: &rng) }
        let final = LSTMState(
          hidden: .gaussian(batch, 3, rng: &rng), cell: .gaussian(batch, 3, rng: &rng))
        let result = cell.backward(
          sequence: caches, hiddenGradients: direct, finalStateGradient: useFinal ? final : nil)
        var dNext = useFinal ? final : .zeros(batchSize: batch, hiddenSize: 3)
        var sum = cell.zerosLike()
        var inputGradients = [Matrix](repeating: .zeros(0, 0), count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
          let step = cell.backward(
            caches[t], stateGradient: LSTMState(hidden: dNext.hidden + direct[t], cell: dNext.cell))
          sum.accumulate(step.gradients)
          inputGradients[t] = step.inputGradient
          dNext = step.previousStateGradient
        }
        assertClose(
          result.initialStateGradient.hidden, dNext.hidden, tolerance: 1e-12, "\(label): ∂L/∂h_0")
        assertClose(
          result.initialStateGradient.cell, dNext.cell, tolerance: 1e-12, "\(label): ∂L/∂c_0")
        assertEqual(result.inputGradients.count, steps, "\(label): one ∂L/∂x_t per step")
        for t in 0..<min(steps, result.inputGradients.count) {
          assertClose(
            result.inputGradients[t], inputGradients[t], tolerance: 1e-12, "\(label): ∂L/∂x_\(t)")
        }
        for ((name, got), (_, expected)) in zip(
          result.gradients.namedParameters, sum.namedParameters)
        {
          assertClose(got, expected, tolerance: 1e-12, "\(label): ∂L/∂\(name)")
        }
      }
    }
  }

  func testPeepholeCellForwardAndBackwardOnNewShapes() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(6704))
      for (batch, inputs, hidden) in [(1, 3, 2), (3, 2, 3)] {
        let p = randomLSTM(batch: batch, inputs: inputs, hidden: hidden, rng: &rng)
        let peepholes = (
          pi: Matrix.gaussian(1, hidden, std: 0.8, rng: &rng),
          pf: Matrix.gaussian(1, hidden, std: 0.8, rng: &rng),
          po: Matrix.gaussian(1, hidden, std: 0.8, rng: &rng)
        )
        let cell = PeepholeLSTMCell(
          inputWeight: p.w, recurrentWeight: p.u, bias: p.b, inputPeephole: peepholes.pi,
          forgetPeephole: peepholes.pf, outputPeephole: peepholes.po)
        let label = "B = \(batch), E = \(inputs), H = \(hidden)"
        func step(_ m: PeepholeLSTMCell, x: Matrix, h: Matrix, c: Matrix) -> LSTMCell.StepCache {
          referenceStep(
            x: x, h: h, c: c, w: m.inputWeight, u: m.recurrentWeight, b: m.bias,
            peepholes: (m.inputPeephole, m.forgetPeephole, m.outputPeephole))
        }
        let reference = step(cell, x: p.x, h: p.h, c: p.c)

        // 06.6
        let (state, cache) = cell.forward(p.x, state: LSTMState(hidden: p.h, cell: p.c))
        assertClose(state.hidden, reference.output, tolerance: 1e-12, "peephole h_t (\(label))")
        assertClose(state.cell, reference.cell, tolerance: 1e-12, "peephole c_t (\(label))")
        assertClose(
          cache.outputGate, reference.outputGate, tolerance: 1e-12, "peephole o_t (\(label))")

        // 06.7, on the reference cache.
        let dh = Matrix.gaussian(batch, hidden, rng: &rng)
        let dc = Matrix.gaussian(batch, hidden, rng: &rng)
        let result = cell.backward(reference, stateGradient: LSTMState(hidden: dh, cell: dc))
        func loss(_ m: PeepholeLSTMCell, x: Matrix, h: Matrix, c: Matrix) -> Double {
          let s = step(m, x: x, h: h, c: c)
          return s.output.dot(dh) + s.cell.dot(dc)
        }
        assertGradientsMatch(
          GradientCheck.check(parameters: cell, analytic: result.gradients) {
            loss($0, x: p.x, h: p.h, c: p.c)
          }, tolerance: 1e-7, hint: label)
        assertGradientsMatch(
          GradientCheck.check(input: p.x, named: "x_t", analytic: result.inputGradient) {
            loss(cell, x: $0, h: p.h, c: p.c)
          }, tolerance: 1e-7, hint: label)
        assertGradientsMatch(
          GradientCheck.check(
            input: p.h, named: "h_{t-1}", analytic: result.previousStateGradient.hidden
          ) { loss(cell, x: p.x, h: $0, c: p.c) }, tolerance: 1e-7, hint: label)
        assertGradientsMatch(
          GradientCheck.check(
            input: p.c, named: "c_{t-1}", analytic: result.previousStateGradient.cell
          ) { loss(cell, x: p.x, h: p.h, c: $0) }, tolerance: 1e-7, hint: label)
      }
    }
  }
}

/// Random fused LSTM weights for `E` inputs and `H` units, an input batch and a state `(h, c)`.
private func randomLSTM(
  batch: Int, inputs: Int, hidden: Int, rng: inout RandomSource
) -> (w: Matrix, u: Matrix, b: Matrix, x: Matrix, h: Matrix, c: Matrix) {
  let w = Matrix.gaussian(4 * hidden, inputs, std: 0.7, rng: &rng)
  let u = Matrix.gaussian(4 * hidden, hidden, std: 0.7, rng: &rng)
  let b = Matrix.gaussian(1, 4 * hidden, std: 0.4, rng: &rng)
  let x = Matrix.gaussian(batch, inputs, rng: &rng)
  let h = Matrix.uniform(batch, hidden, low: -0.9, high: 0.9, rng: &rng)
  let c = Matrix.gaussian(batch, hidden, std: 1.2, rng: &rng)
  return (w, u, b, x, h, c)
}

/// `b` with the input-gate block set to `input` and the forget-gate block set to `forget`.
private func saturated(_ b: Matrix, hidden: Int, input: Double, forget: Double) -> Matrix {
  var out = b
  for i in 0..<hidden {
    out[0, i] = input
    out[0, hidden + i] = forget
  }
  return out
}

/// One (peephole) LSTM step written out element by element, gate order i, f, g, o; the output
/// gate's peephole reads the new memory. Without peepholes it is the plain LSTM.
private func referenceStep(
  x: Matrix, h: Matrix, c: Matrix, w: Matrix, u: Matrix, b: Matrix,
  peepholes: (pi: Matrix, pf: Matrix, po: Matrix)? = nil
) -> LSTMCell.StepCache {
  let units = u.cols
  func sigmoid(_ a: Double) -> Double { 1 / (1 + exp(-a)) }
  func a(_ gate: Int, _ n: Int, _ i: Int) -> Double {
    let row = gate * units + i
    var s = b[0, row]
    for j in 0..<x.cols { s += x[n, j] * w[row, j] }
    for j in 0..<units { s += h[n, j] * u[row, j] }
    return s
  }
  let p = peepholes ?? (.zeros(1, units), .zeros(1, units), .zeros(1, units))
  let ig = Matrix(rows: x.rows, cols: units) { n, i in sigmoid(a(0, n, i) + p.pi[0, i] * c[n, i]) }
  let fg = Matrix(rows: x.rows, cols: units) { n, i in sigmoid(a(1, n, i) + p.pf[0, i] * c[n, i]) }
  let g = Matrix(rows: x.rows, cols: units) { n, i in tanh(a(2, n, i)) }
  let cell = Matrix(rows: x.rows, cols: units) { n, i in fg[n, i] * c[n, i] + ig[n, i] * g[n, i] }
  let og = Matrix(rows: x.rows, cols: units) { n, i in
    sigmoid(a(3, n, i) + p.po[0, i] * cell[n, i])
  }
  let cellTanh = cell.map { tanh($0) }
  let output = Matrix(rows: x.rows, cols: units) { n, i in og[n, i] * cellTanh[n, i] }
  return LSTMCell.StepCache(
    input: x, previousHidden: h, previousCell: c, inputGate: ig, forgetGate: fg, candidate: g,
    outputGate: og, cell: cell, cellTanh: cellTanh, output: output)
}
