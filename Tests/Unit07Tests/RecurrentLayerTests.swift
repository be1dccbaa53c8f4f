import CourseTestSupport
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import struct Unit07.RecurrentLayer

/// Exercise 07.2: `RecurrentLayer.forward(sequence:lengths:)`. The references run the test's
/// own cells (``TanhCell``, ``LeakyCell``) step by step, so these tests need no other exercise.
final class RecurrentLayerForwardTests: XCTestCase {
  let hint =
    "Check RecurrentLayer.forward(sequence:lengths:) (exercise 07.2, "
    + "\(LayerFixtures.lecture) §2)."

  func testOutputsMatchGoldenValues() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002))
      let run = layer.forward(sequence: LayerFixtures.inputs(), lengths: LayerFixtures.lengths)
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], Matrix(rows: 4, cols: 3, values: Self.goldenOutputs[t]),
          tolerance: 1e-12, "output_\(t) for lengths \(LayerFixtures.lengths)", hint: self.hint)
      }
    }
  }

  func testEachRowIsTheCellRunOverThatSequenceAloneAndZeroAtPadding() throws {
    try exercise {
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      self.checkRows(LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002), inputs, lengths)
      self.checkRows(LayerFixtures.leakyCell(hiddenSize: 2, seed: 7003), inputs, lengths)
    }
  }

  func checkRows<Cell: BackpropagatingCell>(_ cell: Cell, _ inputs: [Matrix], _ lengths: [Int]) {
    let run = RecurrentLayer(cell: cell).forward(sequence: inputs, lengths: lengths)
    let name = String(describing: Cell.self)
    assertEqual(run.outputs.count, inputs.count, "\(name): one output per step. \(hint)")
    guard run.outputs.count == inputs.count else { return }
    for b in lengths.indices {
      let alone = LayerFixtures.rowAlone(
        cell, inputs, row: b, length: lengths[b], rightToLeft: false)
      for t in inputs.indices {
        let row = run.outputs[t].rowMatrix(b)
        if t < lengths[b] {
          assertClose(
            row, alone[t], tolerance: 1e-12,
            "\(name): row \(b) (length \(lengths[b])) of output_\(t)",
            hint: "Each step starts from the state the previous step returned (the whole "
              + "state, not only h), from zeros at t = 0. " + hint)
        } else {
          assertClose(
            row, .zeros(1, cell.hiddenSize), tolerance: 0,
            "\(name): row \(b) (length \(lengths[b])) of output_\(t), padding",
            hint: "Outputs at padding (t >= lengths[b]) are zero rows. " + hint)
        }
      }
    }
  }

  func testPaddingInputsChangeNoRealOutput() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.leakyCell(hiddenSize: 3, seed: 7004))
      let lengths = LayerFixtures.lengths
      let inputs = LayerFixtures.inputs()
      let other = LayerFixtures.withNewPadding(inputs, lengths: lengths, seed: 7005)
      let a = layer.forward(sequence: inputs, lengths: lengths).outputs
      let b = layer.forward(sequence: other, lengths: lengths).outputs
      assertEqual(b.count, a.count, "one output per step. \(self.hint)")
      for t in 0..<min(a.count, b.count) {
        assertClose(
          b[t], a[t], tolerance: 1e-12, "output_\(t) after changing only the padding inputs",
          hint: "Padding comes after a sequence's last token, so it reaches no real output. "
            + self.hint)
      }
    }
  }

  func testAnOutputDoesNotDependOnLaterInputs() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002))
      let lengths = LayerFixtures.lengths
      let inputs = LayerFixtures.inputs()
      let before = layer.forward(sequence: inputs, lengths: lengths).outputs
      for t in 0..<3 {
        var nudged = inputs
        nudged[t + 2] = nudged[t + 2] + 0.5
        let after = layer.forward(sequence: nudged, lengths: lengths).outputs
        guard after.count == 5, before.count == 5 else {
          fail("expected 5 outputs. \(self.hint)")
          return
        }
        for s in 0...(t + 1) {
          assertClose(
            after[s], before[s], tolerance: 1e-12, "output_\(s) after changing x_\(t + 2)",
            hint: "A left-to-right layer's output at step s reads x_0 ... x_s only. " + self.hint)
        }
        assertGreater(
          (after[t + 2] - before[t + 2]).maxAbs(), 1e-3,
          "change of output_\(t + 2) (row 0 is real there) after changing x_\(t + 2). "
            + self.hint)
      }
    }
  }

  func testTheCacheKeepsOneStepPerInputAndTheLengths() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002))
      let run = layer.forward(sequence: LayerFixtures.inputs(), lengths: LayerFixtures.lengths)
      assertEqual(run.cache.steps.count, 5, "cache.steps.count. \(self.hint)")
      assertEqual(run.cache.lengths, LayerFixtures.lengths, "cache.lengths. \(self.hint)")
      let reference = LayerFixtures.run(
        layer.cell, LayerFixtures.inputs(), from: .zeros(batchSize: 4, hiddenSize: 3)
      ).caches
      // Only the real rows: what a cache holds at padding is up to the layer.
      for t in 0..<min(5, run.cache.steps.count) {
        for b in 0..<4 where t < LayerFixtures.lengths[b] {
          assertClose(
            run.cache.steps[t].output.rowMatrix(b), reference[t].output.rowMatrix(b),
            tolerance: 1e-12, "row \(b) of cache.steps[\(t)].output",
            hint: "Keep one cache per step, padding steps included, in step order. " + self.hint)
        }
      }
    }
  }
}

/// Exercise 07.3: `RecurrentLayer.backward(sequence:outputGradients:)`. The cache's steps are
/// built from the test's own forward steps, so these tests do not need exercise 07.2.
final class RecurrentLayerBackwardTests: XCTestCase {
  let hint =
    "Check RecurrentLayer.backward(sequence:outputGradients:) (exercise 07.3, "
    + "\(LayerFixtures.lecture) §2)."

  /// A cache holding the test's reference steps.
  static func cache<Cell: BackpropagatingCell>(
    _ layer: RecurrentLayer<Cell>, _ inputs: [Matrix], _ lengths: [Int]
  ) -> RecurrentLayer<Cell>.Cache {
    RecurrentLayer<Cell>.Cache(
      steps: LayerFixtures.run(
        layer.cell, inputs,
        from: .zeros(batchSize: lengths.count, hiddenSize: layer.cell.hiddenSize)
      ).caches,
      lengths: lengths)
  }

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002))
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let weights = LayerFixtures.readout(width: 3, seed: 7006)
      let result = layer.backward(
        sequence: Self.cache(layer, inputs, lengths), outputGradients: weights)
      let expected: [String: (Int, Int, [Double])] = [
        "cell.W_x": (3, 3, Self.goldenWx), "cell.W_h": (3, 3, Self.goldenWh),
        "cell.b": (1, 3, Self.goldenB),
      ]
      for (name, block) in result.gradients.namedParameters {
        guard let (rows, cols, values) = expected[name] else { continue }
        assertClose(
          block, Matrix(rows: rows, cols: cols, values: values), tolerance: 1e-12,
          "∂L/∂\(name)", hint: self.hint)
      }
      assertEqual(result.inputGradients.count, 5, "one input gradient per step. \(self.hint)")
      if let first = result.inputGradients.first {
        assertClose(
          first, Matrix(rows: 4, cols: 3, values: Self.goldenX0), tolerance: 1e-12, "∂L/∂x_0",
          hint: self.hint)
      }
    }
  }

  func testMatchesTheCellsOwnStepsBackwardWithTheStateCarried() throws {
    try exercise {
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      self.checkAgainstSteps(LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002), inputs, lengths)
      self.checkAgainstSteps(LayerFixtures.leakyCell(hiddenSize: 2, seed: 7003), inputs, lengths)
    }
  }

  func checkAgainstSteps<Cell: BackpropagatingCell & Equatable>(
    _ cell: Cell, _ inputs: [Matrix], _ lengths: [Int]
  ) {
    let name = String(describing: Cell.self)
    let layer = RecurrentLayer(cell: cell)
    let weights = LayerFixtures.readout(width: cell.hiddenSize, seed: 7007)
    let cache = Self.cache(layer, inputs, lengths)
    let result = layer.backward(sequence: cache, outputGradients: weights)
    var next = Cell.State.zeros(batchSize: lengths.count, hiddenSize: cell.hiddenSize)
    var sum = cell.zerosLike()
    var inputGradients = [Matrix](repeating: .zeros(0, 0), count: inputs.count)
    for t in inputs.indices.reversed() {
      let direct = LayerFixtures.masked(weights[t], step: t, lengths: lengths)
      let step = cell.backward(cache.steps[t], stateGradient: next.addingToHidden(direct))
      sum.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      next = step.previousStateGradient
    }
    assertEqual(
      result.inputGradients.count, inputs.count, "\(name): one input gradient per step. \(hint)")
    for t in 0..<min(inputs.count, result.inputGradients.count) {
      assertClose(
        result.inputGradients[t], inputGradients[t], tolerance: 1e-12, "\(name): ∂L/∂x_\(t)",
        hint: "∂L/∂h_t is the output gradient at t (zero at padding) plus the whole state "
          + "gradient step t + 1 sends back. " + hint)
    }
    for (block, value) in result.gradients.namedParameters {
      let expected = sum.namedParameters.first { "cell." + $0.name == block }?.value
      assertClose(
        value, expected ?? .zeros(0, 0), tolerance: 1e-12, "\(name): ∂L/∂\(block)",
        hint: "The cell's weights serve every step: sum their gradients over all steps. "
          + hint)
    }
  }

  func testParameterAndInputGradientsMatchCenteredDifferences() throws {
    try exercise {
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      self.checkNumerically(LayerFixtures.tanhCell(hiddenSize: 3, seed: 7002), inputs, lengths)
      self.checkNumerically(LayerFixtures.leakyCell(hiddenSize: 2, seed: 7003), inputs, lengths)
    }
  }

  func checkNumerically<Cell: BackpropagatingCell>(
    _ cell: Cell, _ inputs: [Matrix], _ lengths: [Int]
  ) {
    let name = String(describing: Cell.self)
    let layer = RecurrentLayer(cell: cell)
    let weights = LayerFixtures.readout(width: cell.hiddenSize, seed: 7008)
    let result = layer.backward(
      sequence: Self.cache(layer, inputs, lengths), outputGradients: weights)
    func loss(_ cell: Cell, _ inputs: [Matrix]) -> Double {
      LayerFixtures.readoutLoss(
        LayerFixtures.recurrentOutputs(cell, inputs, lengths: lengths), weights)
    }
    let hint = "\(name), L = Σ_t Σ R_t ⊙ output_t with R_t nonzero at padding. " + self.hint
    assertGradientsMatch(
      GradientCheck.check(parameters: layer, analytic: result.gradients) {
        loss($0.cell, inputs)
      }, tolerance: 1e-6, hint: hint)
    guard result.inputGradients.count == inputs.count else {
      fail("\(name): expected \(inputs.count) input gradients. \(hint)")
      return
    }
    for t in inputs.indices {
      assertGradientsMatch(
        GradientCheck.check(
          input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t]
        ) { x in
          var changed = inputs
          changed[t] = x
          return loss(cell, changed)
        }, tolerance: 1e-6, hint: hint)
    }
  }

  func testPaddingGradientsAreIgnoredAndPaddingInputsGetNone() throws {
    try exercise {
      let layer = RecurrentLayer(cell: LayerFixtures.leakyCell(hiddenSize: 3, seed: 7004))
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let weights = LayerFixtures.readout(width: 3, seed: 7009)
      let otherWeights = LayerFixtures.withNewPadding(weights, lengths: lengths, seed: 7010)
      let cache = Self.cache(layer, inputs, lengths)
      let a = layer.backward(sequence: cache, outputGradients: weights)
      let b = layer.backward(sequence: cache, outputGradients: otherWeights)
      guard a.inputGradients.count == 5, b.inputGradients.count == 5 else {
        fail("expected 5 input gradients. \(self.hint)")
        return
      }
      for t in 0..<5 {
        assertClose(
          b.inputGradients[t], a.inputGradients[t], tolerance: 1e-12,
          "∂L/∂x_\(t) after changing only the padding rows of the output gradients",
          hint: "Outputs at padding are constant zeros: gradients arriving there are ignored. "
            + self.hint)
        for bRow in lengths.indices where t >= lengths[bRow] {
          assertClose(
            a.inputGradients[t].rowMatrix(bRow), .zeros(1, 3), tolerance: 0,
            "row \(bRow) (length \(lengths[bRow])) of ∂L/∂x_\(t), padding",
            hint: "Padding inputs reach no real output, so their gradient is zero. " + self.hint)
        }
      }
      for ((name, ga), (_, gb)) in zip(a.gradients.namedParameters, b.gradients.namedParameters) {
        assertClose(
          gb, ga, tolerance: 1e-12, "∂L/∂\(name) after changing only padding output gradients",
          hint: "Gradients arriving at padding outputs are ignored. " + self.hint)
      }
    }
  }
}
