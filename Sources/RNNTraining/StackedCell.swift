import RNNCore

/// The state of a ``StackedCell``: one state per layer, bottom first.
///
/// ## Why a state can be a *lazy zero*
///
/// ``RecurrentState/zeros(batchSize:hiddenSize:)`` is static: the language model, trainer and
/// sampler call `State.zeros(batchSize:hiddenSize:)` for the initial state `h_0` (and for the
/// gradient of a state that nothing reads) without knowing how many layers the cell has. So
/// `zeros` cannot build one part per layer. Instead it returns a *lazy zero*: a state with no
/// parts yet that remembers the batch size and the hidden size `H` and stands for "every layer's
/// state is zero".
///
/// A lazy zero behaves like the all-zero state of any depth:
///
/// - its ``hidden`` is the `batch x H` zero matrix (the top layer's hidden vectors are zero);
/// - ``addingToHidden(_:)`` records the delta for the top layer, which is what the output layer
///   reads (backpropagation adds `∂L/∂h_t` to a zero gradient that way, and a bridge from an
///   encoder adds a summary to a zero initial state);
/// - `+` with a materialized state adds the pending delta to that state's top part and leaves
///   the other parts as they are; two lazy zeros sum to a lazy zero whose deltas are summed;
/// - ``StackedCell``'s forward and backward passes *materialize* it with
///   ``materialized(layerCount:)``: one `Part.zeros(batchSize:hiddenSize:)` per layer, the
///   pending delta added to the top one, before they use it.
///
/// Every state a stack returns (new states, previous-state gradients) is materialized.
public struct StackedState<Part: RecurrentState>: RecurrentState {
  /// The layers' states, bottom first; empty for a lazy zero (see ``isMaterialized``).
  public private(set) var parts: [Part]
  /// The shape of ``hidden``: `batch x H`.
  fileprivate let batchSize: Int
  fileprivate let hiddenSize: Int
  /// A lazy zero's delta for the top layer's hidden part (`nil` when none was added).
  private let pendingTopDelta: Matrix?

  /// A materialized state: `parts[l]` is layer `l`'s state, bottom first (at least one).
  public init(parts: [Part]) {
    shapePrecondition(!parts.isEmpty, "StackedState: a materialized state needs at least one part")
    let top = parts[parts.count - 1].hidden
    self.parts = parts
    self.batchSize = top.rows
    self.hiddenSize = top.cols
    self.pendingTopDelta = nil
  }

  private init(lazyBatchSize batchSize: Int, hiddenSize: Int, pendingTopDelta: Matrix?) {
    self.parts = []
    self.batchSize = batchSize
    self.hiddenSize = hiddenSize
    self.pendingTopDelta = pendingTopDelta
  }

  /// Whether the state has one part per layer (`false` for a lazy zero from
  /// ``zeros(batchSize:hiddenSize:)``).
  public var isMaterialized: Bool { !parts.isEmpty }

  /// The top layer's hidden vectors (`batch x H`): the top part's, or for a lazy zero the zero
  /// matrix plus its pending delta.
  public var hidden: Matrix {
    if let top = parts.last { return top.hidden }
    return pendingTopDelta ?? Matrix.zeros(batchSize, hiddenSize)
  }

  /// A lazy zero of `batchSize x hiddenSize` hidden vectors, for a stack of any depth.
  public static func zeros(batchSize: Int, hiddenSize: Int) -> StackedState {
    StackedState(lazyBatchSize: batchSize, hiddenSize: hiddenSize, pendingTopDelta: nil)
  }

  /// The same state with `delta` (`batch x H`) added to the top layer's hidden part; the
  /// other layers' parts are unchanged. A lazy zero stays lazy and records the delta.
  public func addingToHidden(_ delta: Matrix) -> StackedState {
    if isMaterialized {
      var parts = self.parts
      parts[parts.count - 1] = parts[parts.count - 1].addingToHidden(delta)
      return StackedState(parts: parts)
    }
    shapePrecondition(
      delta.rows == batchSize && delta.cols == hiddenSize,
      "StackedState.addingToHidden: a delta of \(delta.shapeDescription) for a state of "
        + "\(batchSize)x\(hiddenSize)")
    return StackedState(
      lazyBatchSize: batchSize, hiddenSize: hiddenSize,
      pendingTopDelta: pendingTopDelta.map { $0 + delta } ?? delta)
  }

  /// The state with one part per layer for a stack of `layerCount` layers: a materialized state
  /// as it is (it must have `layerCount` parts), a lazy zero as `layerCount` parts
  /// `Part.zeros(batchSize:hiddenSize:)` with the pending delta added to the top one.
  public func materialized(layerCount: Int) -> StackedState {
    shapePrecondition(layerCount > 0, "StackedState: a stack of \(layerCount) layers")
    if isMaterialized {
      shapePrecondition(
        parts.count == layerCount,
        "StackedState: a state of \(parts.count) layers for a stack of \(layerCount)")
      return self
    }
    var parts = (0..<layerCount).map { _ in
      Part.zeros(batchSize: batchSize, hiddenSize: hiddenSize)
    }
    if let delta = pendingTopDelta {
      parts[layerCount - 1] = parts[layerCount - 1].addingToHidden(delta)
    }
    return StackedState(parts: parts)
  }

  /// Part-by-part sum. A lazy zero counts as zero in every part plus its pending top delta.
  public static func + (lhs: StackedState, rhs: StackedState) -> StackedState {
    shapePrecondition(
      lhs.batchSize == rhs.batchSize && lhs.hiddenSize == rhs.hiddenSize,
      "StackedState +: hidden parts of \(lhs.batchSize)x\(lhs.hiddenSize) and "
        + "\(rhs.batchSize)x\(rhs.hiddenSize)")
    switch (lhs.isMaterialized, rhs.isMaterialized) {
    case (true, true):
      shapePrecondition(
        lhs.parts.count == rhs.parts.count,
        "StackedState +: states of \(lhs.parts.count) and \(rhs.parts.count) layers")
      return StackedState(parts: zip(lhs.parts, rhs.parts).map { $0 + $1 })
    case (true, false):
      return rhs.pendingTopDelta.map { lhs.addingToHidden($0) } ?? lhs
    case (false, true):
      return lhs.pendingTopDelta.map { rhs.addingToHidden($0) } ?? rhs
    case (false, false):
      return rhs.pendingTopDelta.map { lhs.addingToHidden($0) } ?? lhs
    }
  }
}

/// A deep recurrent cell: `L` cells of the same kind stacked *within each time step*.
///
/// At step `t`, layer 0 reads the input `x_t` and its own previous state; layer `l > 0` reads
/// the new hidden vectors `h^{l-1}_t` of the layer below and its own previous state. The stack's
/// hidden vectors are the top layer's, so an output layer, language model, trainer or sampler
/// that works with one cell works with a stack of them unchanged. Every layer has the same
/// hidden size `H`, so layer `l > 0` reads `H` inputs.
///
/// The state is a ``StackedState``: one state per layer, bottom first. `State.zeros` cannot
/// know the depth, so it returns a *lazy zero* that ``forward(_:state:)`` and
/// ``backward(_:stateGradient:)`` expand to one zero state per layer before they use it (see
/// ``StackedState``).
///
/// Parameter blocks: layer `l`'s blocks prefixed with `layer<l>.` (`layer0.W_xh`,
/// `layer1.W_xh`, ...), in layer order. The names depend only on the depth and the layers'
/// own names, so a checkpoint of a stack loads into a stack of the same depth.
public struct StackedCell<Layer: BackpropagatingCell>: BackpropagatingCell, Sendable {
  public typealias State = StackedState<Layer.State>

  /// The layers, bottom (reading the inputs) first.
  public var layers: [Layer]

  /// What one forward step keeps for the backward pass: each layer's cache, bottom first.
  public struct StepCache: Sendable {
    /// `layers[l]` is what layer `l`'s forward step returned.
    public var layers: [Layer.StepCache]
  }

  /// A stack of at least one layer, all of one hidden size `H`, every layer above the bottom
  /// reading `H` inputs.
  public init(layers: [Layer]) {
    shapePrecondition(!layers.isEmpty, "StackedCell: a stack needs at least one layer")
    let hiddenSize = layers[0].hiddenSize
    for l in layers.indices.dropFirst() {
      shapePrecondition(
        layers[l].hiddenSize == hiddenSize,
        "StackedCell: layer \(l) has hidden size \(layers[l].hiddenSize) but layer 0 has "
          + "\(hiddenSize)")
      shapePrecondition(
        layers[l].inputSize == hiddenSize,
        "StackedCell: layer \(l) reads \(layers[l].inputSize) inputs but layer \(l - 1) "
          + "writes \(hiddenSize)")
    }
    self.layers = layers
  }

  /// The bottom layer's input width.
  public var inputSize: Int { layers[0].inputSize }
  /// The hidden size `H` shared by every layer.
  public var hiddenSize: Int { layers[0].hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    for l in layers.indices {
      try layers[l].visitParameters { name, m in try body("layer\(l).\(name)", &m) }
    }
  }

  /// One time step through every layer, bottom to top.
  ///
  /// - Parameters:
  ///   - input: `x_t`, `batch x inputSize`.
  ///   - state: the stack's state after the previous step: one part per layer, or a lazy zero.
  /// - Returns: the new state (one part per layer) and every layer's cache.
  public func forward(_ input: Matrix, state: State) -> (state: State, cache: StepCache) {
    let previous = materialize(state, "forward(_:state:)")
    var below = input
    var parts: [Layer.State] = []
    var caches: [Layer.StepCache] = []
    parts.reserveCapacity(layers.count)
    caches.reserveCapacity(layers.count)
    for l in layers.indices {
      let step = layers[l].forward(below, state: previous.parts[l])
      parts.append(step.state)
      caches.append(step.cache)
      below = step.state.hidden
    }
    return (StackedState(parts: parts), StepCache(layers: caches))
  }

  /// One time step backward through every layer, top to bottom.
  ///
  /// The gradient reaching layer `l`'s new state is part `l` of `stateGradient`, plus, below
  /// the top, the input gradient of layer `l + 1` (`∂L/∂h^l_t`) added to its hidden part.
  ///
  /// - Returns: layer 0's input gradient, the previous state's gradient (one part per layer)
  ///   and a stack whose layers hold each layer's parameter gradients.
  public func backward(
    _ cache: StepCache, stateGradient: State
  ) -> (inputGradient: Matrix, previousStateGradient: State, gradients: StackedCell) {
    shapePrecondition(
      cache.layers.count == layers.count,
      "StackedCell.backward: a cache of \(cache.layers.count) layers for a stack of "
        + "\(layers.count)")
    let incoming = materialize(stateGradient, "backward(_:stateGradient:)")
    var gradients = self
    var previous = incoming.parts
    var fromAbove: Matrix?
    for l in layers.indices.reversed() {
      var reaching = incoming.parts[l]
      if let delta = fromAbove { reaching = reaching.addingToHidden(delta) }
      let step = layers[l].backward(cache.layers[l], stateGradient: reaching)
      previous[l] = step.previousStateGradient
      gradients.layers[l] = step.gradients
      fromAbove = step.inputGradient
    }
    guard let inputGradient = fromAbove else {
      preconditionFailed("StackedCell.backward: a stack needs at least one layer")
    }
    return (inputGradient, StackedState(parts: previous), gradients)
  }

  /// `state` with one part per layer, after checking that it fits this stack.
  private func materialize(_ state: State, _ method: String) -> State {
    shapePrecondition(
      state.hiddenSize == hiddenSize,
      "StackedCell.\(method): a state with hidden part \(state.batchSize)x\(state.hiddenSize) "
        + "for a stack of hidden size \(hiddenSize)")
    if state.isMaterialized {
      shapePrecondition(
        state.parts.count == layers.count,
        "StackedCell.\(method): a state of \(state.parts.count) layers for a stack of "
          + "\(layers.count)")
    }
    return state.materialized(layerCount: layers.count)
  }
}
