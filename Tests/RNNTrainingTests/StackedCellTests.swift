import Foundation
import RNNCore
import RNNTraining
import XCTest

// Two small cells for the stack to wrap (this target cannot see CourseTestSupport): a tanh cell
// whose state is a plain matrix, and a cell whose state has a second part the output layer never
// reads, like an LSTM's memory.

/// A state whose parts can be listed and rebuilt, so a test can perturb each of them.
private protocol ComponentState: RecurrentState {
  var components: [Matrix] { get }
  init(components: [Matrix])
}

extension Matrix: ComponentState {
  fileprivate var components: [Matrix] { [self] }
  fileprivate init(components: [Matrix]) { self = components[0] }
}

/// `h_t = tanh(x_t W_xᵀ + h_{t-1} W_hᵀ + b)`.
private struct TanhTestCell: BackpropagatingCell, Equatable {
  var inputWeight: Matrix
  var recurrentWeight: Matrix
  var bias: Matrix

  struct StepCache: Sendable {
    var input: Matrix
    var previous: Matrix
    var output: Matrix
  }

  init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource) {
    self.init(
      inputWeight: .gaussian(hiddenSize, inputSize, std: 0.6, rng: &rng),
      recurrentWeight: .gaussian(hiddenSize, hiddenSize, std: 0.6, rng: &rng),
      bias: .gaussian(1, hiddenSize, std: 0.3, rng: &rng))
  }

  var inputSize: Int { inputWeight.cols }
  var hiddenSize: Int { inputWeight.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_x", &inputWeight)
    try body("W_h", &recurrentWeight)
    try body("b", &bias)
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: StepCache) {
    let h =
      (input.matmul(inputWeight, transposeOther: true)
      + state.matmul(recurrentWeight, transposeOther: true)).adding(rowVector: bias).tanh()
    return (h, StepCache(input: input, previous: state, output: h))
  }

  func backward(
    _ cache: StepCache, stateGradient: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: TanhTestCell) {
    let da = stateGradient * cache.output.map { 1 - $0 * $0 }
    return (
      da.matmul(inputWeight), da.matmul(recurrentWeight),
      TanhTestCell(
        inputWeight: da.matmul(cache.input, transposeSelf: true),
        recurrentWeight: da.matmul(cache.previous, transposeSelf: true), bias: da.sumRows())
    )
  }
}

/// The hidden vectors and a memory that only the cell reads.
private struct MemoryState: ComponentState, Equatable {
  var hidden: Matrix
  var memory: Matrix

  init(hidden: Matrix, memory: Matrix) {
    self.hidden = hidden
    self.memory = memory
  }

  init(components: [Matrix]) { self.init(hidden: components[0], memory: components[1]) }

  var components: [Matrix] { [hidden, memory] }

  static func zeros(batchSize: Int, hiddenSize: Int) -> MemoryState {
    MemoryState(hidden: .zeros(batchSize, hiddenSize), memory: .zeros(batchSize, hiddenSize))
  }

  func addingToHidden(_ delta: Matrix) -> MemoryState {
    MemoryState(hidden: hidden + delta, memory: memory)
  }

  static func + (lhs: MemoryState, rhs: MemoryState) -> MemoryState {
    MemoryState(hidden: lhs.hidden + rhs.hidden, memory: lhs.memory + rhs.memory)
  }
}

/// `m_t = 0.5 m_{t-1} + tanh(x_t W_xᵀ + h_{t-1} W_hᵀ + b)`, `h_t = tanh(m_t)`.
private struct MemoryTestCell: BackpropagatingCell, Equatable {
  var inputWeight: Matrix
  var recurrentWeight: Matrix
  var bias: Matrix

  struct StepCache: Sendable {
    var input: Matrix
    var previous: MemoryState
    var drive: Matrix
    var output: Matrix
  }

  init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource) {
    self.init(
      inputWeight: .gaussian(hiddenSize, inputSize, std: 0.6, rng: &rng),
      recurrentWeight: .gaussian(hiddenSize, hiddenSize, std: 0.6, rng: &rng),
      bias: .gaussian(1, hiddenSize, std: 0.3, rng: &rng))
  }

  var inputSize: Int { inputWeight.cols }
  var hiddenSize: Int { inputWeight.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_x", &inputWeight)
    try body("W_h", &recurrentWeight)
    try body("b", &bias)
  }

  func forward(_ input: Matrix, state: MemoryState) -> (state: MemoryState, cache: StepCache) {
    let drive =
      (input.matmul(inputWeight, transposeOther: true)
      + state.hidden.matmul(recurrentWeight, transposeOther: true)).adding(rowVector: bias).tanh()
    let memory = 0.5 * state.memory + drive
    let h = memory.tanh()
    return (
      MemoryState(hidden: h, memory: memory),
      StepCache(input: input, previous: state, drive: drive, output: h)
    )
  }

  func backward(
    _ cache: StepCache, stateGradient: MemoryState
  ) -> (inputGradient: Matrix, previousStateGradient: MemoryState, gradients: MemoryTestCell) {
    let dm = stateGradient.memory + stateGradient.hidden * cache.output.map { 1 - $0 * $0 }
    let da = dm * cache.drive.map { 1 - $0 * $0 }
    return (
      da.matmul(inputWeight),
      MemoryState(hidden: da.matmul(recurrentWeight), memory: 0.5 * dm),
      MemoryTestCell(
        inputWeight: da.matmul(cache.input, transposeSelf: true),
        recurrentWeight: da.matmul(cache.previous.hidden, transposeSelf: true),
        bias: da.sumRows())
    )
  }
}

/// Builds a test cell of either kind.
private protocol SeededCell: BackpropagatingCell where State: ComponentState {
  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource)
}

extension TanhTestCell: SeededCell {}
extension MemoryTestCell: SeededCell {}

/// A stack of `depth` layers, `E` inputs, `H` hidden units.
private func makeStack<Layer: SeededCell>(
  _: Layer.Type, depth: Int, inputSize: Int = 2, hiddenSize: Int = 3, seed: UInt64 = 7
) -> StackedCell<Layer> {
  var rng = RandomSource(seed: seed)
  return StackedCell(
    layers: (0..<depth).map { l in
      Layer(inputSize: l == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize, rng: &rng)
    })
}

private func randomMatrices(_ count: Int, _ rows: Int, _ cols: Int, seed: UInt64) -> [Matrix] {
  var rng = RandomSource(seed: seed)
  return (0..<count).map { _ in .gaussian(rows, cols, rng: &rng) }
}

/// Every matrix of a (materialized) stacked state, layer by layer.
private func components<Part: ComponentState>(_ state: StackedState<Part>) -> [Matrix] {
  state.parts.flatMap(\.components)
}

/// A materialized stacked state of `depth` parts from its matrices, layer by layer.
private func stackedState<Part: ComponentState>(
  _ matrices: [Matrix], depth: Int
) -> StackedState<Part> {
  let perPart = matrices.count / depth
  return StackedState(
    parts: (0..<depth).map { l in
      Part(components: Array(matrices[(l * perPart)..<((l + 1) * perPart)]))
    })
}

/// Runs `cell` over `inputs` from `initial`: every state after a step, and every cache.
private func runSteps<Cell: RecurrentCell>(
  _ cell: Cell, _ inputs: [Matrix], from initial: Cell.State
) -> (states: [Cell.State], caches: [Cell.StepCache]) {
  var state = initial
  var states: [Cell.State] = []
  var caches: [Cell.StepCache] = []
  for x in inputs {
    let step = cell.forward(x, state: state)
    state = step.state
    states.append(state)
    caches.append(step.cache)
  }
  return (states, caches)
}

/// A sequence loss and its backpropagation through time for a stack.
///
/// `L = Σ_t (⟨R_t, h_t⟩ + ½‖h_t‖²) + Σ_k ⟨S_k, F_k⟩`, where `h_t` is the stack's hidden output
/// at step `t` and `F_k` are the matrices of the final state (every layer, every part), when
/// `finalWeights` is given.
private struct SequenceLoss<Layer: SeededCell> {
  var readout: [Matrix]
  var finalWeights: [Matrix]?

  func loss(
    _ cell: StackedCell<Layer>, _ inputs: [Matrix], from initial: StackedState<Layer.State>
  ) -> Double {
    let states = runSteps(cell, inputs, from: initial).states
    var total = 0.0
    for (h, r) in zip(states.map(\.hidden), readout) {
      total += (r * h).sum() + 0.5 * (h * h).sum()
    }
    if let weights = finalWeights, let final = states.last {
      for (w, f) in zip(weights, components(final)) { total += (w * f).sum() }
    }
    return total
  }

  /// The analytic gradients with respect to the parameters, each input and the initial state.
  func gradients(
    _ cell: StackedCell<Layer>, _ inputs: [Matrix], from initial: StackedState<Layer.State>
  ) -> (
    parameters: StackedCell<Layer>, inputs: [Matrix], initial: StackedState<Layer.State>
  ) {
    let (states, caches) = runSteps(cell, inputs, from: initial)
    let batch = inputs[0].rows
    // The gradient reaching the final state: a lazy zero, plus the final-state term if any.
    var carried = StackedState<Layer.State>.zeros(batchSize: batch, hiddenSize: cell.hiddenSize)
    if let weights = finalWeights {
      carried = carried + stackedState(weights, depth: cell.layers.count)
    }
    var parameterGradients = cell.zerosLike()
    var inputGradients = inputs.map { Matrix.zeros(like: $0) }
    for t in inputs.indices.reversed() {
      let h = states[t].hidden
      let step = cell.backward(caches[t], stateGradient: carried.addingToHidden(readout[t] + h))
      parameterGradients.accumulate(step.gradients)
      inputGradients[t] = step.inputGradient
      carried = step.previousStateGradient
    }
    return (parameterGradients, inputGradients, carried)
  }
}

final class StackedCellTests: XCTestCase {
  let tolerance = 1e-7
  let batch = 2
  let steps = 4

  // MARK: - A one-layer stack is its layer

  private func assertOneLayerStackEqualsItsLayer<Layer: SeededCell & Equatable>(
    _ type: Layer.Type, file: StaticString = #filePath, line: UInt = #line
  ) {
    let stack = makeStack(type, depth: 1)
    let layer = stack.layers[0]
    let inputs = randomMatrices(steps, batch, 2, seed: 11)
    var rng = RandomSource(seed: 12)
    let h0 = Layer.State(
      components: Layer.State.zeros(batchSize: batch, hiddenSize: 3).components.map { _ in
        .gaussian(batch, 3, rng: &rng)
      })
    for (stackStart, layerStart) in [
      (StackedState(parts: [h0]), h0),
      (.zeros(batchSize: batch, hiddenSize: 3), Layer.State.zeros(batchSize: batch, hiddenSize: 3)),
    ] {
      let byStack = runSteps(stack, inputs, from: stackStart)
      let byLayer = runSteps(layer, inputs, from: layerStart)
      for t in 0..<steps {
        XCTAssertEqual(byStack.states[t].parts.count, 1, file: file, line: line)
        XCTAssertEqual(
          components(byStack.states[t]), byLayer.states[t].components, "step \(t)", file: file,
          line: line)
        XCTAssertEqual(byStack.states[t].hidden, byLayer.states[t].hidden, file: file, line: line)
      }
      let upstream = randomMatrices(steps, batch, 3, seed: 13)
      for t in 0..<steps {
        let layerGradient = Layer.State(
          components: Layer.State.zeros(batchSize: batch, hiddenSize: 3).components.map { _ in
            upstream[t]
          })
        let fromStack = stack.backward(
          byStack.caches[t], stateGradient: StackedState(parts: [layerGradient]))
        let fromLayer = layer.backward(byLayer.caches[t], stateGradient: layerGradient)
        XCTAssertEqual(fromStack.inputGradient, fromLayer.inputGradient, file: file, line: line)
        XCTAssertEqual(
          components(fromStack.previousStateGradient),
          fromLayer.previousStateGradient.components, file: file, line: line)
        XCTAssertEqual(fromStack.gradients.layers, [fromLayer.gradients], file: file, line: line)
      }
    }
  }

  func testAOneLayerStackEqualsItsLayerExactly() {
    assertOneLayerStackEqualsItsLayer(TanhTestCell.self)
    assertOneLayerStackEqualsItsLayer(MemoryTestCell.self)
  }

  // MARK: - Forward

  private func assertForwardEqualsTheLayersByHand<Layer: SeededCell>(
    _ type: Layer.Type, depth: Int, file: StaticString = #filePath, line: UInt = #line
  ) {
    let stack = makeStack(type, depth: depth, seed: UInt64(20 + depth))
    let inputs = randomMatrices(steps, batch, 2, seed: 21)
    let perPart = Layer.State.zeros(batchSize: batch, hiddenSize: 3).components.count
    let given: StackedState<Layer.State> = stackedState(
      randomMatrices(depth * perPart, batch, 3, seed: 22), depth: depth)
    for initial in [given, .zeros(batchSize: batch, hiddenSize: 3)] {
      let byStack = runSteps(stack, inputs, from: initial).states
      var states = initial.materialized(layerCount: depth).parts
      for t in 0..<steps {
        var below = inputs[t]
        for l in 0..<depth {
          states[l] = stack.layers[l].forward(below, state: states[l]).state
          below = states[l].hidden
        }
        XCTAssertEqual(
          components(byStack[t]), states.flatMap(\.components), "step \(t)", file: file,
          line: line)
        XCTAssertEqual(byStack[t].hidden, below, "the stack's output is the top layer's")
      }
    }
  }

  func testForwardEqualsRunningTheLayersByHand() {
    for depth in [2, 3] {
      assertForwardEqualsTheLayersByHand(TanhTestCell.self, depth: depth)
      assertForwardEqualsTheLayersByHand(MemoryTestCell.self, depth: depth)
    }
  }

  func testSizesComeFromTheBottomLayerAndTheSharedHiddenSize() {
    let stack = makeStack(MemoryTestCell.self, depth: 3, inputSize: 5, hiddenSize: 4)
    XCTAssertEqual(stack.inputSize, 5)
    XCTAssertEqual(stack.hiddenSize, 4)
    XCTAssertEqual(stack.layers.map(\.inputSize), [5, 4, 4])
  }

  // MARK: - Gradients

  /// Checks the gradients of a sequence loss for every block, every input and every part of
  /// the initial state against centered differences.
  private func assertGradientsMatch<Layer: SeededCell>(
    _ stack: StackedCell<Layer>, from initial: StackedState<Layer.State>, readFinalState: Bool,
    _ label: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    let depth = stack.layers.count
    let inputs = randomMatrices(steps, batch, stack.inputSize, seed: 31)
    let perPart = Layer.State.zeros(batchSize: batch, hiddenSize: 3).components.count
    let objective = SequenceLoss<Layer>(
      readout: randomMatrices(steps, batch, stack.hiddenSize, seed: 32),
      finalWeights: readFinalState
        ? randomMatrices(depth * perPart, batch, stack.hiddenSize, seed: 33) : nil)
    let analytic = objective.gradients(stack, inputs, from: initial)

    var results: [GradientCheckResult] = []
    results.append(
      GradientCheck.check(parameters: stack, analytic: analytic.parameters) {
        objective.loss($0, inputs, from: initial)
      })
    XCTAssertEqual(
      results[0].blocks.map(\.name), stack.namedParameters.map(\.name), label, file: file,
      line: line)
    for t in inputs.indices {
      results.append(
        GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: analytic.inputs[t]) {
          var perturbed = inputs
          perturbed[t] = $0
          return objective.loss(stack, perturbed, from: initial)
        })
    }
    // The initial state: every matrix of every layer's part, perturbed one at a time in the
    // materialized form of `initial` (a lazy zero stands for exactly that state).
    let start = components(initial.materialized(layerCount: depth))
    XCTAssertEqual(
      objective.loss(stack, inputs, from: initial),
      objective.loss(stack, inputs, from: stackedState(start, depth: depth)), label, file: file,
      line: line)
    XCTAssertTrue(analytic.initial.isMaterialized, label, file: file, line: line)
    XCTAssertEqual(analytic.initial.parts.count, depth, label, file: file, line: line)
    let initialGradient = components(analytic.initial)
    for k in start.indices {
      results.append(
        GradientCheck.check(
          input: start[k], named: "state0[\(k / perPart)].\(k % perPart)",
          analytic: initialGradient[k]
        ) {
          var perturbed = start
          perturbed[k] = $0
          return objective.loss(stack, inputs, from: stackedState(perturbed, depth: depth))
        })
    }
    for result in results {
      XCTAssertLessThan(
        result.maxRelativeError, tolerance, "\(label)\n\(result)", file: file, line: line)
    }
  }

  private func assertGradientsMatch<Layer: SeededCell>(
    _ type: Layer.Type, file: StaticString = #filePath, line: UInt = #line
  ) {
    for depth in [1, 2, 3] {
      let stack = makeStack(type, depth: depth, seed: UInt64(40 + depth))
      let perPart = Layer.State.zeros(batchSize: batch, hiddenSize: 3).components.count
      let given: StackedState<Layer.State> = stackedState(
        randomMatrices(depth * perPart, batch, 3, seed: 41), depth: depth)
      let lazy = StackedState<Layer.State>.zeros(batchSize: batch, hiddenSize: 3)
      let bridge = lazy.addingToHidden(randomMatrices(1, batch, 3, seed: 42)[0])
      for readFinalState in [false, true] {
        for (name, initial) in [("given", given), ("lazy zero", lazy), ("bridge", bridge)] {
          assertGradientsMatch(
            stack, from: initial, readFinalState: readFinalState,
            "\(Layer.self), \(depth) layers, from the \(name) state, final state read: "
              + "\(readFinalState)", file: file, line: line)
        }
      }
    }
  }

  func testGradientsOfATanhStackMatchCenteredDifferences() {
    assertGradientsMatch(TanhTestCell.self)
  }

  func testGradientsOfATwoPartStateStackMatchCenteredDifferences() {
    assertGradientsMatch(MemoryTestCell.self)
  }

  /// Bridging into a zero initial state (an encoder's summary added with `addingToHidden`)
  /// reaches the top layer only; the gradient with respect to the summary is the top layer's.
  private func assertBridgeFeedsTheTopLayerOnly<Layer: SeededCell>(
    _ type: Layer.Type, file: StaticString = #filePath, line: UInt = #line
  ) {
    let depth = 3
    let stack = makeStack(type, depth: depth, seed: 51)
    let delta = randomMatrices(1, batch, 3, seed: 52)[0]
    let bridge = StackedState<Layer.State>.zeros(batchSize: batch, hiddenSize: 3)
      .addingToHidden(delta)
    XCTAssertFalse(bridge.isMaterialized, file: file, line: line)
    XCTAssertEqual(bridge.hidden, delta, file: file, line: line)
    let parts = bridge.materialized(layerCount: depth).parts
    let zero = Layer.State.zeros(batchSize: batch, hiddenSize: 3)
    for l in 0..<(depth - 1) {
      XCTAssertEqual(parts[l].components, zero.components, "layer \(l)", file: file, line: line)
    }
    XCTAssertEqual(
      parts[depth - 1].components, zero.addingToHidden(delta).components, file: file, line: line)

    let inputs = randomMatrices(steps, batch, 2, seed: 53)
    let objective = SequenceLoss<Layer>(
      readout: randomMatrices(steps, batch, 3, seed: 54), finalWeights: nil)
    let analytic = objective.gradients(stack, inputs, from: bridge).initial
    let result = GradientCheck.check(
      input: delta, named: "delta", analytic: analytic.parts[depth - 1].hidden
    ) {
      objective.loss(
        stack, inputs,
        from: StackedState<Layer.State>.zeros(batchSize: self.batch, hiddenSize: 3)
          .addingToHidden($0))
    }
    XCTAssertLessThan(result.maxRelativeError, tolerance, "\(result)", file: file, line: line)
  }

  func testABridgeIntoAZeroStateFeedsTheTopLayerOnly() {
    assertBridgeFeedsTheTopLayerOnly(TanhTestCell.self)
    assertBridgeFeedsTheTopLayerOnly(MemoryTestCell.self)
  }

  // MARK: - Lazy zeros

  func testALazyZeroIsTheZeroStateOfAnyDepth() {
    let lazy = StackedState<MemoryState>.zeros(batchSize: 2, hiddenSize: 3)
    XCTAssertFalse(lazy.isMaterialized)
    XCTAssertTrue(lazy.parts.isEmpty)
    XCTAssertEqual(lazy.hidden, .zeros(2, 3))
    for depth in [1, 4] {
      let parts = lazy.materialized(layerCount: depth).parts
      XCTAssertEqual(parts, Array(repeating: .zeros(batchSize: 2, hiddenSize: 3), count: depth))
    }
    let stack = makeStack(MemoryTestCell.self, depth: 2)
    let x = randomMatrices(1, 2, 2, seed: 61)[0]
    let fromLazy = stack.forward(x, state: lazy).state
    let fromZeros = stack.forward(
      x, state: StackedState(parts: Array(repeating: .zeros(batchSize: 2, hiddenSize: 3), count: 2))
    ).state
    XCTAssertTrue(fromLazy.isMaterialized)
    XCTAssertEqual(fromLazy.parts, fromZeros.parts)
  }

  func testSumsOfLazyAndMaterializedStates() {
    let m = randomMatrices(8, 2, 3, seed: 71)
    let a: StackedState<MemoryState> = stackedState(Array(m[0..<4]), depth: 2)
    let b: StackedState<MemoryState> = stackedState(Array(m[4..<8]), depth: 2)
    let (d1, d2) = (m[0] * 3, m[5] - m[2])
    let lazy = StackedState<MemoryState>.zeros(batchSize: 2, hiddenSize: 3)

    XCTAssertEqual((a + b).parts, [a.parts[0] + b.parts[0], a.parts[1] + b.parts[1]])
    XCTAssertEqual((a + lazy).parts, a.parts)
    XCTAssertEqual((lazy + a).parts, a.parts)
    let withDelta = lazy.addingToHidden(d1)
    let expected = [a.parts[0], a.parts[1].addingToHidden(d1)]
    XCTAssertEqual((a + withDelta).parts, expected, "the pending delta goes to the top part")
    XCTAssertEqual((withDelta + a).parts, expected)

    let both = withDelta + lazy.addingToHidden(d2)
    XCTAssertFalse(both.isMaterialized)
    XCTAssertEqual(both.hidden, d1 + d2)
    XCTAssertEqual(
      both.materialized(layerCount: 2).parts,
      [
        .zeros(batchSize: 2, hiddenSize: 3),
        MemoryState.zeros(batchSize: 2, hiddenSize: 3)
          .addingToHidden(d1 + d2),
      ])
    XCTAssertFalse((lazy + lazy).isMaterialized)
    XCTAssertEqual((lazy + lazy).hidden, .zeros(2, 3))
    XCTAssertEqual((withDelta + lazy).hidden, d1)

    // Adding to a materialized state's hidden part touches the top layer only.
    let added = a.addingToHidden(d2)
    XCTAssertEqual(added.parts, [a.parts[0], a.parts[1].addingToHidden(d2)])
    XCTAssertEqual(added.hidden, a.hidden + d2)
  }

  // MARK: - Parameters

  func testParameterBlocksAreNamedByLayerAndSurviveACheckpoint() throws {
    let stack = makeStack(TanhTestCell.self, depth: 3)
    XCTAssertEqual(
      stack.namedParameters.map(\.name),
      [
        "layer0.W_x", "layer0.W_h", "layer0.b", "layer1.W_x", "layer1.W_h", "layer1.b",
        "layer2.W_x", "layer2.W_h", "layer2.b",
      ])
    XCTAssertEqual(
      stack.namedParameters.map(\.value.shapeDescription).prefix(4),
      [
        "3x2", "3x3", "1x3", "3x3",
      ])
    let checkpoint = Checkpoint(
      model: "stacked-tanh", settings: ["layers": "3"],
      vocabulary: TokenVocabulary.characters(from: "ab"), parameters: stack)
    let read = try Checkpoint.decode(checkpoint.jsonData(), path: "stack.json")
    var restored = makeStack(TanhTestCell.self, depth: 3, seed: 99)
    XCTAssertNotEqual(restored.layers, stack.layers)
    try read.load(into: &restored)
    XCTAssertEqual(restored.layers, stack.layers)
  }

  // MARK: - Preconditions

  func testLayersThatDoNotFitAreRefusedWithBothShapes() {
    var rng = RandomSource(seed: 81)
    let bottom = TanhTestCell(inputSize: 2, hiddenSize: 3, rng: &rng)
    let wide = TanhTestCell(inputSize: 5, hiddenSize: 3, rng: &rng)
    let other = TanhTestCell(inputSize: 3, hiddenSize: 4, rng: &rng)
    assertPreconditionFails(containing: ["layer 1 reads 5 inputs", "layer 0 writes 3"]) {
      _ = StackedCell(layers: [bottom, wide])
    }
    assertPreconditionFails(containing: ["layer 1 has hidden size 4", "layer 0 has 3"]) {
      _ = StackedCell(layers: [bottom, other])
    }
    let stack = StackedCell(layers: [bottom, TanhTestCell(inputSize: 3, hiddenSize: 3, rng: &rng)])
    let one = StackedState(parts: [Matrix.zeros(2, 3)])
    assertPreconditionFails(containing: ["a state of 1 layers for a stack of 2"]) {
      _ = stack.forward(.zeros(2, 2), state: one)
    }
  }
}

/// Runs `body` on its own thread under an ``ExerciseGate`` and fails unless it breaks a kit
/// precondition whose message contains every string in `fragments`. The thread of a broken
/// precondition is parked for good, so the suite does this only a few times.
private func assertPreconditionFails(
  containing fragments: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: @escaping @Sendable () -> Void
) {
  let gate = ExerciseGate()
  let thread = Thread {
    gate.install()
    body()
    gate.finish(.completed)
  }
  thread.start()
  guard case .preconditionFailed(let message, _, _) = gate.wait() else {
    XCTFail("expected a precondition failure, but the body ran to the end", file: file, line: line)
    return
  }
  for fragment in fragments where !message.contains(fragment) {
    XCTFail("message \"\(message)\" does not mention \"\(fragment)\"", file: file, line: line)
  }
}
