import CourseTestSupport
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import struct Unit07.BidirectionalLayer

/// The two bidirectional layers of the tests: a tanh cell left to right (`H→ = 3`) with a leaky
/// cell right to left (`H← = 2`), and the other way round (`H→ = 2`, `H← = 3`), so both
/// directions carry a two-part state in one of them and a split at the wrong column shows.
enum BidirectionalFixtures {
  static func tanhLeaky() -> BidirectionalLayer<TanhCell, LeakyCell> {
    BidirectionalLayer(
      forward: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7011),
      backward: LayerFixtures.leakyCell(hiddenSize: 2, seed: 7012))
  }

  static func leakyTanh() -> BidirectionalLayer<LeakyCell, TanhCell> {
    BidirectionalLayer(
      forward: LayerFixtures.leakyCell(hiddenSize: 2, seed: 7013),
      backward: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7014))
  }

  /// Random initial states for both directions of `layer`.
  static func initialStates<F: BackpropagatingCell, B: BackpropagatingCell>(
    _ layer: BidirectionalLayer<F, B>, seed: UInt64
  ) -> (forward: F.State, backward: B.State) where F.State: StateParts, B.State: StateParts {
    (
      LayerFixtures.randomState(
        F.State.self, hiddenSize: layer.forwardCell.hiddenSize, seed: seed),
      LayerFixtures.randomState(
        B.State.self, hiddenSize: layer.backwardCell.hiddenSize, seed: seed + 1)
    )
  }
}

/// Exercise 07.4: `BidirectionalLayer.forward(_:lengths:initialStates:)`. The references run the
/// test's own cells and reversal. The reference solution reverses with exercise 07.1, so a
/// layer written that way also needs 07.1.
final class BidirectionalForwardTests: XCTestCase {
  let hint =
    "Check BidirectionalLayer.forward (exercise 07.4, \(LayerFixtures.lecture) §3)."

  func testOutputsMatchGoldenValues() throws {
    try exercise {
      let layer = BidirectionalFixtures.tanhLeaky()
      let run = layer.forward(
        LayerFixtures.inputs(), lengths: LayerFixtures.lengths, initialStates: nil)
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], Matrix(rows: 4, cols: 5, values: Self.goldenOutputs[t]),
          tolerance: 1e-12, "output_\(t) for lengths \(LayerFixtures.lengths)", hint: self.hint)
      }
    }
  }

  func testEachRowIsBothCellsRunOverThatSequenceAlone() throws {
    try exercise {
      self.checkRows(BidirectionalFixtures.tanhLeaky())
      self.checkRows(BidirectionalFixtures.leakyTanh())
    }
  }

  func checkRows<F: BackpropagatingCell, B: BackpropagatingCell>(_ layer: BidirectionalLayer<F, B>)
  {
    let inputs = LayerFixtures.inputs()
    let lengths = LayerFixtures.lengths
    let name = "\(F.self)/\(B.self)"
    let run = layer.forward(inputs, lengths: lengths, initialStates: nil)
    assertEqual(run.outputs.count, inputs.count, "\(name): one output per step. \(hint)")
    guard run.outputs.count == inputs.count else { return }
    let split = layer.forwardCell.hiddenSize
    let width = layer.outputSize
    for b in lengths.indices {
      let left = LayerFixtures.rowAlone(
        layer.forwardCell, inputs, row: b, length: lengths[b], rightToLeft: false)
      let right = LayerFixtures.rowAlone(
        layer.backwardCell, inputs, row: b, length: lengths[b], rightToLeft: true)
      for t in inputs.indices {
        let row = run.outputs[t].rowMatrix(b)
        guard row.cols == width else {
          fail(
            "\(name): output_\(t) is \(run.outputs[t].shapeDescription), expected width \(width)")
          return
        }
        let label = "\(name): row \(b) (length \(lengths[b])) of output_\(t)"
        if t < lengths[b] {
          assertClose(
            row.columns(0..<split), left[t], tolerance: 1e-12, "\(label), columns of h→",
            hint: "Columns 0..<H→ hold the left-to-right cell's h→_t. " + hint)
          assertClose(
            row.columns(split..<width), right[t], tolerance: 1e-12, "\(label), columns of h←",
            hint: "Columns H→..<H→+H← hold h←_t, the right-to-left cell's state after it read "
              + "x_t, starting from the sequence's own last real token (never from padding), and "
              + "put back at position t. " + hint)
        } else {
          assertClose(
            row, .zeros(1, width), tolerance: 0, "\(label), padding",
            hint: "Outputs at padding are zero rows. " + hint)
        }
      }
    }
  }

  func testGivenInitialStatesStartBothDirections() throws {
    try exercise {
      self.checkInitialStates(BidirectionalFixtures.tanhLeaky())
      self.checkInitialStates(BidirectionalFixtures.leakyTanh())
    }
  }

  func checkInitialStates<F: BackpropagatingCell, B: BackpropagatingCell>(
    _ layer: BidirectionalLayer<F, B>
  ) where F.State: StateParts, B.State: StateParts {
    let inputs = LayerFixtures.inputs()
    let lengths = LayerFixtures.lengths
    let initial = BidirectionalFixtures.initialStates(layer, seed: 7015)
    let run = layer.forward(inputs, lengths: lengths, initialStates: initial)
    let expected = LayerFixtures.bidirectional(
      layer.forwardCell, layer.backwardCell, inputs, lengths: lengths, initial: initial
    ).outputs
    assertEqual(run.outputs.count, inputs.count, "one output per step. \(hint)")
    for t in 0..<min(inputs.count, run.outputs.count) {
      assertClose(
        run.outputs[t], expected[t], tolerance: 1e-12,
        "\(F.self)/\(B.self): output_\(t) from given initial states",
        hint: "h→_0 starts the left-to-right cell; h←_{n+1} is the state the right-to-left "
          + "cell starts from before it reads a sequence's last real token. " + hint)
    }
  }

  func testPaddingInputsChangeNoRealOutput() throws {
    try exercise {
      let layer = BidirectionalFixtures.leakyTanh()
      let lengths = LayerFixtures.lengths
      let inputs = LayerFixtures.inputs()
      let other = LayerFixtures.withNewPadding(inputs, lengths: lengths, seed: 7016)
      let a = layer.forward(inputs, lengths: lengths, initialStates: nil).outputs
      let b = layer.forward(other, lengths: lengths, initialStates: nil).outputs
      assertEqual(b.count, a.count, "one output per step. \(self.hint)")
      for t in 0..<min(a.count, b.count) {
        assertClose(
          b[t], a[t], tolerance: 1e-12, "output_\(t) after changing only the padding inputs",
          hint: "The right-to-left cell must start at each sequence's last real token: padding "
            + "may reach no real output in either direction. " + self.hint)
      }
    }
  }

  func testAnOutputDependsOnLaterInputsOnlyThroughTheBackwardHalf() throws {
    try exercise {
      let layer = BidirectionalFixtures.tanhLeaky()
      let lengths = LayerFixtures.lengths
      let inputs = LayerFixtures.inputs()
      let before = layer.forward(inputs, lengths: lengths, initialStates: nil).outputs
      for t in 0..<3 {
        var nudged = inputs
        nudged[t + 2] = nudged[t + 2] + 0.5
        let after = layer.forward(nudged, lengths: lengths, initialStates: nil).outputs
        guard after.count == 5, before.count == 5, after[t].cols == 5 else {
          fail("expected 5 outputs of width 5. \(self.hint)")
          return
        }
        assertClose(
          after[t].columns(0..<3), before[t].columns(0..<3), tolerance: 1e-12,
          "h→ columns of output_\(t) after changing x_\(t + 2)",
          hint: "The left-to-right half at step t reads x_0 ... x_t only. " + self.hint)
        assertGreater(
          (after[t].columns(3..<5) - before[t].columns(3..<5)).maxAbs(), 1e-4,
          "change of the h← columns of output_\(t) (row 0 has length 5) after changing "
            + "x_\(t + 2): the right-to-left half at step t reads x_t ... x_{n-1}. " + self.hint)
      }
    }
  }

  func testTheCacheKeepsTheBackwardStepsInTheOrderTheyRan() throws {
    try exercise {
      let layer = BidirectionalFixtures.tanhLeaky()
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let cache = layer.forward(inputs, lengths: lengths, initialStates: nil).cache
      assertEqual(cache.forwardSteps.count, 5, "cache.forwardSteps.count. \(self.hint)")
      assertEqual(cache.backwardSteps.count, 5, "cache.backwardSteps.count. \(self.hint)")
      assertEqual(cache.lengths, lengths, "cache.lengths. \(self.hint)")
      for k in 0..<min(5, cache.backwardSteps.count) {
        for b in lengths.indices where k < lengths[b] {
          assertClose(
            cache.backwardSteps[k].input.rowMatrix(b), inputs[lengths[b] - 1 - k].rowMatrix(b),
            tolerance: 0, "row \(b) of the input of cache.backwardSteps[\(k)]",
            hint: "backwardSteps[k] is the right-to-left cell's k-th step, which read position "
              + "lengths[b] - 1 - k of row b. " + self.hint)
        }
      }
      for t in 0..<min(5, cache.forwardSteps.count) {
        for b in lengths.indices where t < lengths[b] {
          assertClose(
            cache.forwardSteps[t].input.rowMatrix(b), inputs[t].rowMatrix(b), tolerance: 0,
            "row \(b) of the input of cache.forwardSteps[\(t)]", hint: self.hint)
        }
      }
    }
  }
}

/// Exercise 07.5: `BidirectionalLayer.backward(_:outputGradients:)`. The cache's steps are
/// built from the test's own forward steps, so these tests do not need exercise 07.4.
final class BidirectionalBackwardTests: XCTestCase {
  let hint =
    "Check BidirectionalLayer.backward (exercise 07.5, \(LayerFixtures.lecture) §3)."

  /// A cache holding the test's reference steps.
  static func cache<F: BackpropagatingCell, B: BackpropagatingCell>(
    _ layer: BidirectionalLayer<F, B>, _ inputs: [Matrix], _ lengths: [Int],
    initial: (forward: F.State, backward: B.State)?
  ) -> BidirectionalLayer<F, B>.Cache {
    let reference = LayerFixtures.bidirectional(
      layer.forwardCell, layer.backwardCell, inputs, lengths: lengths, initial: initial)
    return BidirectionalLayer<F, B>.Cache(
      forwardSteps: reference.forwardCaches, backwardSteps: reference.backwardCaches,
      lengths: lengths)
  }

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let layer = BidirectionalFixtures.tanhLeaky()
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let initial = BidirectionalFixtures.initialStates(layer, seed: 7015)
      let weights = LayerFixtures.readout(width: 5, seed: 7017)
      let result = layer.backward(
        Self.cache(layer, inputs, lengths, initial: initial), outputGradients: weights)
      let expected: [String: (Int, Int, [Double])] = [
        "forward.W_x": (3, 3, Self.goldenForwardWx), "backward.W_x": (2, 3, Self.goldenBackwardWx),
        "backward.W_h": (2, 2, Self.goldenBackwardWh),
      ]
      for (name, block) in result.gradients.namedParameters {
        guard let (rows, cols, values) = expected[name] else { continue }
        assertClose(
          block, Matrix(rows: rows, cols: cols, values: values), tolerance: 1e-12,
          "∂L/∂\(name)", hint: self.hint)
      }
      assertEqual(result.inputGradients.count, 5, "one input gradient per step. \(self.hint)")
      if result.inputGradients.count == 5 {
        assertClose(
          result.inputGradients[1], Matrix(rows: 4, cols: 3, values: Self.goldenX1),
          tolerance: 1e-12, "∂L/∂x_1", hint: self.hint)
      }
      let (forward, backward) = result.initialStateGradients
      assertClose(
        forward, Matrix(rows: 4, cols: 3, values: Self.goldenForwardH0), tolerance: 1e-12,
        "∂L/∂h→_0", hint: self.hint)
      assertClose(
        backward.hidden, Matrix(rows: 4, cols: 2, values: Self.goldenBackwardH), tolerance: 1e-12,
        "∂L/∂h←_{n+1}", hint: self.hint)
      assertClose(
        backward.memory, Matrix(rows: 4, cols: 2, values: Self.goldenBackwardM), tolerance: 1e-12,
        "∂L/∂m←_{n+1}", hint: self.hint)
    }
  }

  func testEveryGradientMatchesCenteredDifferences() throws {
    try exercise {
      self.checkNumerically(BidirectionalFixtures.tanhLeaky())
      self.checkNumerically(BidirectionalFixtures.leakyTanh())
    }
  }

  func checkNumerically<F: BackpropagatingCell, B: BackpropagatingCell>(
    _ layer: BidirectionalLayer<F, B>
  ) where F.State: StateParts, B.State: StateParts {
    let inputs = LayerFixtures.inputs()
    let lengths = LayerFixtures.lengths
    let initial = BidirectionalFixtures.initialStates(layer, seed: 7018)
    let weights = LayerFixtures.readout(width: layer.outputSize, seed: 7019)
    let result = layer.backward(
      Self.cache(layer, inputs, lengths, initial: initial), outputGradients: weights)
    func loss(
      _ l: BidirectionalLayer<F, B>, _ inputs: [Matrix],
      _ initial: (forward: F.State, backward: B.State)
    ) -> Double {
      LayerFixtures.readoutLoss(
        LayerFixtures.bidirectional(
          l.forwardCell, l.backwardCell, inputs, lengths: lengths, initial: initial
        ).outputs, weights)
    }
    let hint =
      "\(F.self)/\(B.self), L = Σ_t Σ R_t ⊙ output_t with R_t nonzero at padding. " + self.hint
    assertGradientsMatch(
      GradientCheck.check(parameters: layer, analytic: result.gradients) {
        loss($0, inputs, initial)
      }, tolerance: 1e-6, hint: hint)
    guard result.inputGradients.count == inputs.count else {
      fail("expected \(inputs.count) input gradients. \(hint)")
      return
    }
    for t in inputs.indices {
      assertGradientsMatch(
        GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t]) {
          x in
          var changed = inputs
          changed[t] = x
          return loss(layer, changed, initial)
        }, tolerance: 1e-6,
        hint: "Both directions read x_t: add what each sends back. " + hint)
    }
    let (forward, backward) = result.initialStateGradients
    for (k, part) in F.State.partNames.enumerated() {
      assertGradientsMatch(
        GradientCheck.check(
          input: initial.forward.parts[k], named: "\(part)→_0", analytic: forward.parts[k]
        ) { s in
          loss(layer, inputs, (initial.forward.replacingPart(k, with: s), initial.backward))
        }, tolerance: 1e-6,
        hint: "The whole state gradient flows back to the initial state. " + hint)
    }
    for (k, part) in B.State.partNames.enumerated() {
      assertGradientsMatch(
        GradientCheck.check(
          input: initial.backward.parts[k], named: "\(part)←_{n+1}", analytic: backward.parts[k]
        ) { s in
          loss(layer, inputs, (initial.forward, initial.backward.replacingPart(k, with: s)))
        }, tolerance: 1e-6,
        hint: "The right-to-left cell's initial state feeds its first step, the one that read "
          + "each sequence's last real token. " + hint)
    }
  }

  func testPaddingGradientsAreIgnoredAndPaddingInputsGetNone() throws {
    try exercise {
      let layer = BidirectionalFixtures.leakyTanh()
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let weights = LayerFixtures.readout(width: 5, seed: 7020)
      let otherWeights = LayerFixtures.withNewPadding(weights, lengths: lengths, seed: 7021)
      let cache = Self.cache(layer, inputs, lengths, initial: nil)
      let a = layer.backward(cache, outputGradients: weights)
      let b = layer.backward(cache, outputGradients: otherWeights)
      guard a.inputGradients.count == 5, b.inputGradients.count == 5 else {
        fail("expected 5 input gradients. \(self.hint)")
        return
      }
      for t in 0..<5 {
        assertClose(
          b.inputGradients[t], a.inputGradients[t], tolerance: 1e-12,
          "∂L/∂x_\(t) after changing only the padding rows of the output gradients",
          hint: "Outputs at padding are constant zeros: gradients arriving there are ignored "
            + "in both directions. " + self.hint)
        for row in lengths.indices where t >= lengths[row] {
          assertClose(
            a.inputGradients[t].rowMatrix(row), .zeros(1, 3), tolerance: 0,
            "row \(row) (length \(lengths[row])) of ∂L/∂x_\(t), padding",
            hint: "Padding inputs reach no real output, so their gradient is zero. " + self.hint)
        }
      }
      for ((name, ga), (_, gb)) in zip(a.gradients.namedParameters, b.gradients.namedParameters) {
        assertClose(
          gb, ga, tolerance: 1e-12, "∂L/∂\(name) after changing only padding output gradients",
          hint: self.hint)
      }
      assertClose(
        b.initialStateGradients.backward, a.initialStateGradients.backward, tolerance: 1e-12,
        "∂L/∂h←_{n+1} after changing only padding output gradients", hint: self.hint)
      assertClose(
        a.initialStateGradients.backward.rowMatrix(3), .zeros(1, 3), tolerance: 0,
        "row 3 (length 0) of ∂L/∂h←_{n+1}",
        hint: "An empty sequence reads nothing, so its initial states get no gradient. "
          + self.hint)
    }
  }
}
