import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit07.BidirectionalLayer
import struct Unit07.RecurrentLayer
import protocol Unit07.SequenceLayer
import struct Unit07.StackedLayers

/// A sequence layer written in the tests, so the stack's tests need none of exercises 07.1-07.5:
/// no recurrence, but each output reads its own token and the token at the mirrored position of
/// its sequence (which makes the lengths matter),
///
///     y_t = tanh(x_t Wᵀ + x_{n-1-t} Vᵀ + b)   for t < n = lengths[b],   zero at padding,
///
/// with `W`, `V` `O x I` and `b` `1 x O`.
struct MirrorLayer: SequenceLayer, Equatable {
  var weight: Matrix
  var mirrorWeight: Matrix
  var bias: Matrix

  struct Cache: Sendable {
    var inputs: [Matrix]
    var outputs: [Matrix]
    var lengths: [Int]
  }

  init(inputSize: Int, outputSize: Int, seed: UInt64) {
    var rng = RandomSource(seed: seed)
    weight = .gaussian(outputSize, inputSize, std: 0.7, rng: &rng)
    mirrorWeight = .gaussian(outputSize, inputSize, std: 0.7, rng: &rng)
    bias = .gaussian(1, outputSize, std: 0.3, rng: &rng)
  }

  var inputSize: Int { weight.cols }
  var outputSize: Int { weight.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W", &weight)
    try body("V", &mirrorWeight)
    try body("b", &bias)
  }

  func forward(sequence inputs: [Matrix], lengths: [Int]) -> (outputs: [Matrix], cache: Cache) {
    let outputs = inputs.indices.map { t in
      Matrix.vstack(
        lengths.indices.map { b in
          guard t < lengths[b] else { return Matrix.zeros(1, outputSize) }
          let x = inputs[t].rowMatrix(b)
          let mirrored = inputs[lengths[b] - 1 - t].rowMatrix(b)
          return
            (x.matmul(weight, transposeOther: true)
            + mirrored.matmul(mirrorWeight, transposeOther: true)).adding(rowVector: bias).tanh()
        })
    }
    return (outputs, Cache(inputs: inputs, outputs: outputs, lengths: lengths))
  }

  func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (
    inputGradients: [Matrix], gradients: MirrorLayer
  ) {
    var gradients = zerosLike()
    var inputGradients = cache.inputs.map { Matrix.zeros(like: $0) }
    for t in cache.inputs.indices {
      for b in cache.lengths.indices where t < cache.lengths[b] {
        let mirror = cache.lengths[b] - 1 - t
        let y = cache.outputs[t].rowMatrix(b)
        let da = outputGradients[t].rowMatrix(b) * y.map { 1 - $0 * $0 }
        let x = cache.inputs[t].rowMatrix(b)
        let mirrored = cache.inputs[mirror].rowMatrix(b)
        gradients.weight += da.matmul(x, transposeSelf: true)
        gradients.mirrorWeight += da.matmul(mirrored, transposeSelf: true)
        gradients.bias += da
        let dx = da.matmul(weight)
        let dm = da.matmul(mirrorWeight)
        for j in 0..<inputSize {
          inputGradients[t][b, j] += dx[0, j]
          inputGradients[mirror][b, j] += dm[0, j]
        }
      }
    }
    return (inputGradients, gradients)
  }
}

/// Three mirror layers of different widths (3 -> 4 -> 2 -> 3) and their hand-chained run.
enum StackFixtures {
  static func mirrorLayers() -> [MirrorLayer] {
    [
      MirrorLayer(inputSize: 3, outputSize: 4, seed: 7031),
      MirrorLayer(inputSize: 4, outputSize: 2, seed: 7032),
      MirrorLayer(inputSize: 2, outputSize: 3, seed: 7033),
    ]
  }

  /// Each layer's run on the outputs of the one below, bottom first.
  static func chained(
    _ layers: [MirrorLayer], _ inputs: [Matrix], lengths: [Int]
  ) -> [(
    outputs: [Matrix], cache: MirrorLayer.Cache
  )] {
    var current = inputs
    var runs: [(outputs: [Matrix], cache: MirrorLayer.Cache)] = []
    for layer in layers {
      let run = layer.forward(sequence: current, lengths: lengths)
      runs.append(run)
      current = run.outputs
    }
    return runs
  }

  /// The test loss of a stack of mirror layers (its own forward, not the exercise's).
  static func loss(_ layers: [MirrorLayer], _ inputs: [Matrix], weights: [Matrix]) -> Double {
    let runs = chained(layers, inputs, lengths: LayerFixtures.lengths)
    return LayerFixtures.readoutLoss(runs.last?.outputs ?? [], weights)
  }
}

/// Exercise 07.6: `StackedLayers.forward(sequence:lengths:)`. The first tests stack the test's
/// own ``MirrorLayer``; the last two are integration tests that also need exercises 07.2 and
/// 07.4 (and the reversal of 07.1 where the bidirectional layer uses it).
final class StackedForwardTests: XCTestCase {
  let hint =
    "Check StackedLayers.forward(sequence:lengths:) (exercise 07.6, \(LayerFixtures.lecture) §4)."

  func testEqualsTheLayersChainedByHand() throws {
    try exercise {
      let layers = StackFixtures.mirrorLayers()
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let run = StackedLayers(layers).forward(sequence: inputs, lengths: lengths)
      let expected = StackFixtures.chained(layers, inputs, lengths: lengths)
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], expected[2].outputs[t], tolerance: 1e-12,
          "top output_\(t) of a 3 -> 4 -> 2 -> 3 stack",
          hint: "Layer l reads layer l - 1's outputs (layer 0 the inputs), with the same "
            + "lengths; the stack returns the top layer's outputs. " + self.hint)
      }
      assertEqual(run.cache.layers.count, 3, "one cache per layer. \(self.hint)")
      for l in 0..<min(3, run.cache.layers.count) {
        let cache = run.cache.layers[l]
        assertEqual(cache.lengths, lengths, "lengths in layer \(l)'s cache. \(self.hint)")
        for t in 0..<min(5, cache.inputs.count) {
          assertClose(
            cache.inputs[t], expected[l].cache.inputs[t], tolerance: 1e-12,
            "input_\(t) of layer \(l) (in its cache)",
            hint: "cache.layers[l] is what layer l's own forward pass returned, bottom first. "
              + self.hint)
        }
      }
    }
  }

  func testAStackOfOneIsTheLayer() throws {
    try exercise {
      let layer = MirrorLayer(inputSize: 3, outputSize: 2, seed: 7034)
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let run = StackedLayers([layer]).forward(sequence: inputs, lengths: lengths)
      let expected = layer.forward(sequence: inputs, lengths: lengths).outputs
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], expected[t], tolerance: 1e-12, "output_\(t) of a stack of one layer",
          hint: self.hint)
      }
    }
  }

  /// Integration test (exercises 07.2 and 07.6): tanh layers 3 -> 4 -> 2, against the test's
  /// reference recurrent outputs chained by hand.
  func testRecurrentLayersOfMixedWidths() throws {
    try exercise {
      let cells = [
        LayerFixtures.tanhCell(inputSize: 3, hiddenSize: 4, seed: 7035),
        LayerFixtures.tanhCell(inputSize: 4, hiddenSize: 2, seed: 7036),
      ]
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let run = StackedLayers(cells.map { RecurrentLayer(cell: $0) }).forward(
        sequence: inputs, lengths: lengths)
      let expected = cells.reduce(inputs) {
        LayerFixtures.recurrentOutputs($1, $0, lengths: lengths)
      }
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], expected[t], tolerance: 1e-12,
          "top output_\(t) of tanh layers 3 -> 4 -> 2",
          hint: self.hint + " (This test also needs exercise 07.2.)")
      }
    }
  }

  /// Integration test (exercises 07.4 and 07.6): two bidirectional layers, golden values.
  func testBidirectionalLayersMatchGoldenValues() throws {
    try exercise {
      let stack = StackedLayers(StackFixtures.bidirectionalLayers())
      let run = stack.forward(sequence: LayerFixtures.inputs(), lengths: LayerFixtures.lengths)
      assertEqual(run.outputs.count, 5, "one output per step. \(self.hint)")
      for t in 0..<min(5, run.outputs.count) {
        assertClose(
          run.outputs[t], Matrix(rows: 4, cols: 4, values: Self.goldenBidirectional[t]),
          tolerance: 1e-12, "top output_\(t) of two bidirectional layers",
          hint: "Each layer reads both directions of the one below. " + self.hint
            + " (This test also needs exercise 07.4.)")
      }
    }
  }
}

extension StackFixtures {
  /// Two bidirectional layers: (3 -> 3 + 2) and (5 -> 2 + 2).
  static func bidirectionalLayers() -> [BidirectionalLayer<TanhCell, LeakyCell>] {
    [
      BidirectionalLayer(
        forward: LayerFixtures.tanhCell(inputSize: 3, hiddenSize: 3, seed: 7037),
        backward: LayerFixtures.leakyCell(inputSize: 3, hiddenSize: 2, seed: 7038)),
      BidirectionalLayer(
        forward: LayerFixtures.tanhCell(inputSize: 5, hiddenSize: 2, seed: 7039),
        backward: LayerFixtures.leakyCell(inputSize: 5, hiddenSize: 2, seed: 7040)),
    ]
  }
}

/// Exercise 07.7: `StackedLayers.backward(sequence:outputGradients:)`. The first tests stack
/// the test's own ``MirrorLayer`` over a cache built from the test's own chained run, so they do
/// not need exercise 07.6; the last is an integration test that also needs exercises 07.4, 07.5
/// and 07.6.
final class StackedBackwardTests: XCTestCase {
  let hint =
    "Check StackedLayers.backward(sequence:outputGradients:) (exercise 07.7, "
    + "\(LayerFixtures.lecture) §4)."

  /// The stack's backward pass over a cache holding the test's own chained run.
  func backward(
    _ layers: [MirrorLayer], weights: [Matrix]
  ) -> (
    inputGradients: [Matrix], gradients: StackedLayers<MirrorLayer>
  ) {
    let inputs = LayerFixtures.inputs()
    let lengths = LayerFixtures.lengths
    let stack = StackedLayers(layers)
    let cache = StackedLayers<MirrorLayer>.Cache(
      layers: StackFixtures.chained(layers, inputs, lengths: lengths).map(\.cache))
    return stack.backward(sequence: cache, outputGradients: weights)
  }

  func testEqualsTheLayersBackwardChainedByHand() throws {
    try exercise {
      let layers = StackFixtures.mirrorLayers()
      let weights = LayerFixtures.readout(width: 3, seed: 7041)
      let result = self.backward(layers, weights: weights)
      let runs = StackFixtures.chained(
        layers, LayerFixtures.inputs(), lengths: LayerFixtures.lengths)
      var current = weights
      var expected = layers
      for l in [2, 1, 0] {
        let step = layers[l].backward(sequence: runs[l].cache, outputGradients: current)
        expected[l] = step.gradients
        current = step.inputGradients
      }
      assertEqual(result.gradients.layers.count, 3, "gradient layers. \(self.hint)")
      for l in 0..<min(3, result.gradients.layers.count) {
        for ((name, actual), (_, wanted)) in zip(
          result.gradients.layers[l].namedParameters, expected[l].namedParameters)
        {
          assertClose(
            actual, wanted, tolerance: 1e-12, "∂L/∂layer\(l).\(name)",
            hint: "Layer l's backward pass takes the gradient of its own outputs: for the top "
              + "layer the given one, below it the input gradient of layer l + 1. " + self.hint)
        }
      }
      assertEqual(result.inputGradients.count, 5, "one input gradient per step. \(self.hint)")
      for t in 0..<min(5, result.inputGradients.count) {
        assertClose(
          result.inputGradients[t], current[t], tolerance: 1e-12, "∂L/∂x_\(t) of the stack",
          hint: "The stack's input gradient is layer 0's input gradient. " + self.hint)
      }
    }
  }

  func testEveryBlockAndInputMatchesCenteredDifferences() throws {
    try exercise {
      let layers = StackFixtures.mirrorLayers()
      let inputs = LayerFixtures.inputs()
      let weights = LayerFixtures.readout(width: 3, seed: 7042)
      let result = self.backward(layers, weights: weights)
      assertGradientsMatch(
        GradientCheck.check(parameters: StackedLayers(layers), analytic: result.gradients) {
          StackFixtures.loss($0.layers, inputs, weights: weights)
        }, tolerance: 1e-6, hint: self.hint)
      guard result.inputGradients.count == 5 else {
        fail("expected 5 input gradients. \(self.hint)")
        return
      }
      for t in 0..<5 {
        assertGradientsMatch(
          GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t])
          { x in
            var changed = inputs
            changed[t] = x
            return StackFixtures.loss(layers, changed, weights: weights)
          }, tolerance: 1e-6, hint: self.hint)
      }
    }
  }

  /// Integration test (exercises 07.4, 07.5, 07.6 and 07.7): two bidirectional layers, every
  /// block (`layer0.forward.W_x`, ...) and every input by centered differences.
  func testBidirectionalStackMatchesCenteredDifferences() throws {
    try exercise {
      let layers = StackFixtures.bidirectionalLayers()
      let inputs = LayerFixtures.inputs()
      let lengths = LayerFixtures.lengths
      let weights = LayerFixtures.readout(width: 4, seed: 7043)
      let stack = StackedLayers(layers)
      let run = stack.forward(sequence: inputs, lengths: lengths)
      let result = stack.backward(sequence: run.cache, outputGradients: weights)
      func loss(_ layers: [BidirectionalLayer<TanhCell, LeakyCell>], _ inputs: [Matrix]) -> Double {
        let top = layers.reduce(inputs) { below, layer in
          LayerFixtures.bidirectional(
            layer.forwardCell, layer.backwardCell, below, lengths: lengths
          ).outputs
        }
        return LayerFixtures.readoutLoss(top, weights)
      }
      let hint = self.hint + " (This test also needs exercises 07.4 and 07.5.)"
      assertGradientsMatch(
        GradientCheck.check(parameters: stack, analytic: result.gradients) {
          loss($0.layers, inputs)
        }, tolerance: 1e-6, hint: hint)
      guard result.inputGradients.count == 5 else {
        fail("expected 5 input gradients. \(hint)")
        return
      }
      for t in 0..<5 {
        assertGradientsMatch(
          GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t])
          { x in
            var changed = inputs
            changed[t] = x
            return loss(layers, changed)
          }, tolerance: 1e-6, hint: hint)
      }
    }
  }
}
