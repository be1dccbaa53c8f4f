import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit05.GRUCell

/// Hidden tests of unit 05 (the GRU). They check the step forward on a single sequence with a
/// wide input and on a batch of three with one input feature, against a reference step written
/// in the test, and two saturated cells: an update gate forced to 1 copies the state whatever
/// the other weights, and update and reset gates forced to 0 give `tanh(x W_hᵀ + b_h)`; the step
/// backward by centered differences on the same two shapes; and the sequence forward and
/// backward for one step and for one sequence of six steps.
///
/// As in the public tests, the backward tests run on caches built by the test's reference step,
/// and the sequence tests compare with the cell's own step (whatever it computes), so each
/// exercise is checked on its own.
final class Unit05HiddenTests: XCTestCase {
  func testStepForwardOnNewShapesAndWithSaturatedGates() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(5501))
      for (batch, inputs, hidden) in [(1, 5, 2), (3, 1, 4)] {
        let p = randomGRU(batch: batch, inputs: inputs, hidden: hidden, rng: &rng)
        let cell = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let (state, cache) = cell.forward(p.x, state: p.h)
        let reference = referenceStep(x: p.x, h: p.h, w: p.w, u: p.u, b: p.b)
        let label = "B = \(batch), E = \(inputs), H = \(hidden)"
        assertClose(state, reference.h, tolerance: 1e-12, "h_t (\(label))")
        assertClose(cache.update, reference.z, tolerance: 1e-12, "z_t (\(label))")
        assertClose(cache.reset, reference.r, tolerance: 1e-12, "r_t (\(label))")
        assertClose(cache.candidate, reference.candidate, tolerance: 1e-12, "h̃_t (\(label))")
        assertClose(cache.previous, p.h, tolerance: 0, "cache.previous (\(label))")
        assertClose(cache.input, p.x, tolerance: 0, "cache.input (\(label))")

        // b_z = +60: z = 1 to double precision, so h_t = h_{t-1} exactly.
        var closed = p.b
        for i in 0..<hidden { closed[0, i] = 60 }
        let copy = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: closed)
        assertClose(
          copy.forward(p.x, state: p.h).state, p.h, tolerance: 1e-15,
          "h_t with the update gate forced to 1 (\(label))")

        // b_z = b_r = -60: z = r = 0, so h_t = tanh(x W_hᵀ + b_h), whatever h_{t-1}.
        var open = p.b
        for i in 0..<(2 * hidden) { open[0, i] = -60 }
        let fresh = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: open)
        let expected = Matrix(rows: batch, cols: hidden) { n, i in
          var s = p.b[0, 2 * hidden + i]
          for j in 0..<inputs { s += p.x[n, j] * p.w[2 * hidden + i, j] }
          return tanh(s)
        }
        assertClose(
          fresh.forward(p.x, state: p.h).state, expected, tolerance: 1e-12,
          "h_t with update and reset gates forced to 0 (\(label))")
      }
    }
  }

  func testStepBackwardMatchesCenteredDifferencesOnNewShapes() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(5532))
      for (batch, inputs, hidden) in [(1, 5, 2), (3, 1, 4)] {
        let p = randomGRU(batch: batch, inputs: inputs, hidden: hidden, rng: &rng)
        let dh = Matrix.gaussian(batch, hidden, rng: &rng)
        let cell = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let result = cell.backward(
          referenceCache(x: p.x, h: p.h, w: p.w, u: p.u, b: p.b), stateGradient: dh)
        func loss(_ c: GRUCell, _ x: Matrix, _ h: Matrix) -> Double {
          referenceStep(x: x, h: h, w: c.inputWeight, u: c.recurrentWeight, b: c.bias).h.dot(dh)
        }
        let hint = "B = \(batch), E = \(inputs), H = \(hidden)"
        assertGradientsMatch(
          GradientCheck.check(parameters: cell, analytic: result.gradients) {
            loss($0, p.x, p.h)
          }, tolerance: 1e-7, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(input: p.x, named: "x_t", analytic: result.inputGradient) {
            loss(cell, $0, p.h)
          }, tolerance: 1e-7, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(
            input: p.h, named: "h_{t-1}", analytic: result.previousStateGradient
          ) { loss(cell, p.x, $0) }, tolerance: 1e-7, hint: hint)
      }
    }
  }

  func testSequenceForwardChainsOneStepAndSixSteps() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(5503))
      for (batch, steps) in [(3, 1), (1, 6)] {
        let p = randomGRU(batch: batch, inputs: 2, hidden: 3, rng: &rng)
        let cell = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        let inputs = (0..<steps).map { _ in Matrix.gaussian(batch, 2, rng: &rng) }
        let run = cell.forward(sequence: inputs, initialState: p.h)
        let label = "B = \(batch), T = \(steps)"
        assertEqual(run.states.count, steps, "\(label): one state per input")
        assertEqual(run.caches.count, steps, "\(label): one cache per input")
        guard run.states.count == steps, run.caches.count == steps else { continue }
        var h = p.h
        for t in 0..<steps {
          let step = cell.forward(inputs[t], state: h)
          assertClose(run.states[t], step.state, tolerance: 1e-12, "\(label): states[\(t)]")
          assertClose(run.caches[t].input, inputs[t], tolerance: 0, "\(label): caches[\(t)].input")
          // h_0 is the test's own matrix; later states are computed.
          assertClose(
            run.caches[t].previous, h, tolerance: t == 0 ? 0 : 1e-12,
            "\(label): caches[\(t)].previous")
          h = step.state
        }
      }
    }
  }

  func testSequenceBackwardForOneStepAndSixSteps() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(5504))
      for (batch, steps, useFinal) in [(3, 1, true), (1, 6, false), (1, 6, true)] {
        let p = randomGRU(batch: batch, inputs: 2, hidden: 3, rng: &rng)
        let cell = GRUCell(inputWeight: p.w, recurrentWeight: p.u, bias: p.b)
        var caches: [GRUCell.StepCache] = []
        var h = p.h
        for _ in 0..<steps {
          let cache = referenceCache(
            x: .gaussian(batch, 2, rng: &rng), h: h, w: p.w, u: p.u, b: p.b)
          caches.append(cache)
          h = cache.output
        }
        let direct = (0..<steps).map { _ in Matrix.gaussian(batch, 3, rng: &rng) }
        let final = Matrix.gaussian(batch, 3, rng: &rng)
        let result = cell.backward(
          sequence: caches, hiddenGradients: direct, finalStateGradient: useFinal ? final : nil)
        // The same walk with the cell's own step backward.
        var dNext = useFinal ? final : .zeros(batch, 3)
        var sum = cell.zerosLike()
        var inputGradients = [Matrix](repeating: .zeros(0, 0), count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
          let step = cell.backward(caches[t], stateGradient: dNext + direct[t])
          sum.accumulate(step.gradients)
          inputGradients[t] = step.inputGradient
          dNext = step.previousStateGradient
        }
        let label = "B = \(batch), T = \(steps), final gradient \(useFinal)"
        assertClose(result.initialStateGradient, dNext, tolerance: 1e-12, "\(label): ∂L/∂h_0")
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
}

/// Random fused GRU weights for `E` inputs and `H` units, an input batch and a state.
private func randomGRU(
  batch: Int, inputs: Int, hidden: Int, rng: inout RandomSource
) -> (w: Matrix, u: Matrix, b: Matrix, x: Matrix, h: Matrix) {
  let w = Matrix.gaussian(3 * hidden, inputs, std: 0.7, rng: &rng)
  let u = Matrix.gaussian(3 * hidden, hidden, std: 0.7, rng: &rng)
  let b = Matrix.gaussian(1, 3 * hidden, std: 0.4, rng: &rng)
  let x = Matrix.gaussian(batch, inputs, rng: &rng)
  let h = Matrix.uniform(batch, hidden, low: -0.9, high: 0.9, rng: &rng)
  return (w, u, b, x, h)
}

/// One GRU step written out element by element (gate order z, r, h̃; reset before `U_h`),
/// independent of exercise 05.1.
private func referenceStep(
  x: Matrix, h: Matrix, w: Matrix, u: Matrix, b: Matrix
) -> (z: Matrix, r: Matrix, candidate: Matrix, h: Matrix) {
  let units = u.cols
  func sigmoid(_ a: Double) -> Double { 1 / (1 + exp(-a)) }
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
private func referenceCache(
  x: Matrix, h: Matrix, w: Matrix, u: Matrix, b: Matrix
) -> GRUCell.StepCache {
  let step = referenceStep(x: x, h: h, w: w, u: u, b: b)
  return GRUCell.StepCache(
    input: x, previous: h, update: step.z, reset: step.r, candidate: step.candidate,
    output: step.h)
}
