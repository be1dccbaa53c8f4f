import RNNCore

/// A deep recurrent network: `L` sequence layers, layer `l` reading the outputs of layer
/// `l - 1` at every step (layer 0 reads the inputs). With bidirectional layers, every layer
/// reads both directions of the one below.
///
/// Parameter blocks: layer `l`'s blocks prefixed with `layer<l>.` (`layer0.forward.W_xh`, ...).
public struct StackedLayers<Layer: SequenceLayer>: SequenceLayer {
  /// The layers, bottom (reading the inputs) first.
  public var layers: [Layer]

  /// What the forward pass keeps: each layer's cache, bottom first.
  public struct Cache: Sendable {
    /// `layers[l]` is what layer `l`'s forward pass returned.
    public var layers: [Layer.Cache]

    public init(layers: [Layer.Cache]) { self.layers = layers }
  }

  /// A stack of at least one layer, each reading vectors as wide as the one below writes.
  public init(_ layers: [Layer]) {
    precondition(!layers.isEmpty, "StackedLayers: a stack needs at least one layer")
    for l in 1..<layers.count {
      precondition(
        layers[l].inputSize == layers[l - 1].outputSize,
        "StackedLayers: layer \(l) reads \(layers[l].inputSize) inputs but layer \(l - 1) "
          + "writes \(layers[l - 1].outputSize)")
    }
    self.layers = layers
  }

  /// The bottom layer's input width.
  public var inputSize: Int { layers.first?.inputSize ?? 0 }
  /// The top layer's output width.
  public var outputSize: Int { layers.last?.outputSize ?? 0 }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    for l in layers.indices {
      try layers[l].visitParameters { name, m in try body("layer\(l).\(name)", &m) }
    }
  }

  /// Runs the layers bottom to top.
  ///
  /// - Parameters:
  ///   - inputs: `T` matrices, each `B x inputSize`.
  ///   - lengths: `B` lengths in `0...T`, the same for every layer.
  /// - Returns: the top layer's `T` outputs (`B x outputSize`) and every layer's cache.
  public func forward(
    sequence inputs: [Matrix], lengths: [Int]
  ) -> (
    outputs: [Matrix], cache: Cache
  ) {
    checkLengths(lengths, of: inputs, "StackedLayers.forward(sequence:lengths:)")
    // Exercise 07.6: StackedLayers.forward(sequence:lengths:).
    // Read Lectures/07-bidirectional-deep-rnns.md §4, then replace this stub with your code.
    notImplemented(
      "07.6", "StackedLayers.forward(sequence:lengths:)",
      lecture: "Lectures/07-bidirectional-deep-rnns.md §4")
  }

  /// Backpropagation through every layer, top to bottom.
  ///
  /// - Parameters:
  ///   - cache: the forward run's cache.
  ///   - outputGradients: `T` matrices `B x outputSize`, `∂L/∂(top layer's output_t)`.
  /// - Returns: `∂L/∂input_t` (`T` matrices `B x inputSize`) and a stack whose layers hold the
  ///   gradient of the loss with respect to each of their blocks.
  public func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (inputGradients: [Matrix], gradients: Self) {
    shapePrecondition(
      cache.layers.count == layers.count,
      "StackedLayers.backward(sequence:): a cache of \(cache.layers.count) layers for a "
        + "stack of \(layers.count)")
    // Exercise 07.7: StackedLayers.backward(sequence:outputGradients:).
    // Read Lectures/07-bidirectional-deep-rnns.md §4, then replace this stub with your code.
    notImplemented(
      "07.7", "StackedLayers.backward(sequence:outputGradients:)",
      lecture: "Lectures/07-bidirectional-deep-rnns.md §4")
  }
}
