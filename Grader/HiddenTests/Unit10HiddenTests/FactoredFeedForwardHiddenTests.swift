import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.FactoredFeedForwardLM
import struct Unit10.FullSoftmax

/// Hidden tests of the feed-forward model with an output layer (10.12). Sizes, contexts (with
/// repeated words), targets and weights come from the grading seed; the expected loss is built
/// word by word from the contract and the expected gradients are centered differences of it.
final class FactoredFeedForwardHiddenTests: XCTestCase {
  func testLossAndGradientsOnDrawnShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(11_201))
      let v = 5 + rng.int(below: 5)
      let e = 1 + rng.int(below: 3)
      let n1 = 1 + rng.int(below: 3)
      let hidden = 2 + rng.int(below: 4)
      let batch = 3 + rng.int(below: 4)
      let model = FactoredFeedForwardLM(
        embedding: .gaussian(v, e, std: 1, rng: &rng),
        hiddenWeight: .gaussian(hidden, n1 * e, std: 0.7, rng: &rng),
        hiddenBias: .gaussian(1, hidden, std: 0.3, rng: &rng),
        output: FullSoftmax(
          weight: .gaussian(v, hidden, std: 0.8, rng: &rng),
          bias: .gaussian(1, v, std: 0.4, rng: &rng)))
      var contexts = (0..<batch).map { _ in (0..<n1).map { _ in rng.int(below: v) } }
      contexts[0] = [Int](repeating: contexts[0][0], count: n1)
      let targets = (0..<batch).map { _ in rng.int(below: v) }
      func loss(_ m: FactoredFeedForwardLM<FullSoftmax>) -> Double {
        var total = 0.0
        for (context, target) in zip(contexts, targets) {
          var x: [Double] = []
          for word in context { x += m.embedding.row(word) }
          var a: [Double] = []
          for i in 0..<hidden {
            var z = m.hiddenBias[0, i]
            for j in x.indices { z += m.hiddenWeight[i, j] * x[j] }
            a.append(tanh(z))
          }
          var y: [Double] = []
          for w in 0..<v {
            var value = m.output.bias[0, w]
            for i in a.indices { value += a[i] * m.output.weight[w, i] }
            y.append(value)
          }
          let top = y.max() ?? 0
          total += top + log(y.reduce(0) { $0 + exp($1 - top) }) - y[target]
        }
        return total / Double(batch)
      }
      let result = model.lossAndGradients(contexts: contexts, targets: targets)
      assertClose(result.loss, loss(model), tolerance: 1e-11, "the mean loss")
      assertGradientsMatch(
        GradientCheck.check(parameters: model, analytic: result.gradients) { loss($0) },
        tolerance: 1e-6)
    }
  }
}
