import CourseTestSupport
import RNNCore
import XCTest

import struct Unit00.LinearClassifier

/// Integration test of exercises 00.1 to 00.4: a softmax classifier trained with them must
/// separate three Gaussian clusters on held-out points it never saw.
final class LinearClassifierTests: XCTestCase {
  /// Three well separated 2-D clusters; `count` points each, interleaved.
  static func clusters(count: Int, seed: UInt64) -> (x: Matrix, labels: [Int]) {
    let centers: [(Double, Double)] = [(2, 0), (-1, 1.8), (-1, -1.8)]
    var rng = RandomSource(seed: seed)
    var rows: [[Double]] = []
    var labels: [Int] = []
    for _ in 0..<count {
      for (label, center) in centers.enumerated() {
        rows.append([center.0 + 0.7 * rng.gaussian(), center.1 + 0.7 * rng.gaussian()])
        labels.append(label)
      }
    }
    return (Matrix(rows), labels)
  }

  func testTrainsToHighHeldOutAccuracy() throws {
    try exercise {
      let train = Self.clusters(count: 100, seed: 1)
      let heldOut = Self.clusters(count: 50, seed: 2)
      var rng = RandomSource(seed: 3)
      var model = LinearClassifier(inputSize: 2, classes: 3, rng: &rng)
      var optimizer = SGD(learningRate: 0.5, momentum: 0.9)
      let firstLoss = model.trainStep(train.x, targets: train.labels, optimizer: &optimizer)
      var lastLoss = firstLoss
      for _ in 0..<100 {
        lastLoss = model.trainStep(train.x, targets: train.labels, optimizer: &optimizer)
      }
      let accuracy = model.accuracy(heldOut.x, targets: heldOut.labels)
      assertLess(
        lastLoss, 0.5 * firstLoss,
        "training loss after 100 more steps; expected it to halve from the first step's loss. "
          + "Integration of exercises 00.1-00.4.")
      assertGreaterOrEqual(
        accuracy, 0.95,
        "held-out accuracy, expected at least 0.95 (the clusters are well separated). "
          + "Integration of exercises 00.1-00.4.")
    }
  }
}
