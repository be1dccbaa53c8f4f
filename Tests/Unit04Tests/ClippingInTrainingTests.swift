import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNTraining.LanguageModelTrainer
import struct RNNTraining.TrainingConfiguration
import enum Unit04.ClippingRule
import enum Unit04.GradientClipping

/// Exercises 04.1 and 04.2 inside the kit's trainer: the optimizer must receive the clipped
/// gradients, not the raw ones. The model is a stand-in with a fixed gradient
/// (``ConstantGradientModel``), so only the clipping exercises are involved.
final class ClippingInTrainingTests: XCTestCase {
  let hint =
    "Clip the gradients in place (inout); clipping a copy leaves the optimizer with the raw "
    + "gradient. Exercises 04.1 and 04.2, Lectures/04-gradient-clipping.md §2-§4."

  func run(_ rule: ClippingRule) throws -> (RecordingOptimizer, [Double]) {
    let gradient = Fixtures.gradients()
    var model = ConstantGradientModel(parameters: gradient.zerosLike(), gradient: gradient)
    var optimizer = RecordingOptimizer()
    let trainer = LanguageModelTrainer<ConstantGradientModel>(
      configuration: TrainingConfiguration(steps: 3, batchSize: 1, sequenceLength: 2),
      gradientTransform: { rule.apply(&$0) })
    let history = try trainer.train(
      &model, optimizer: &optimizer, training: Array(0..<20), validation: [])
    return (optimizer, history.gradientNorm.map(\.value))
  }

  func testOptimizerReceivesNormClippedGradients() throws {
    try exercise {
      let raw = Fixtures.gradients()
      let (optimizer, norms) = try self.run(.globalNorm(2))
      assertEqual(optimizer.received.count, 3, "gradients the optimizer received in 3 steps")
      for received in optimizer.received {
        assertClose(
          received.globalNorm, 2, tolerance: 1e-12, "‖g‖ seen by the optimizer",
          hint: self.hint)
        assertClose(
          Fixtures.cosine(received, raw), 1, tolerance: 1e-12,
          "direction of the gradient seen by the optimizer", hint: self.hint)
      }
      for norm in norms {
        assertClose(
          norm, raw.globalNorm, tolerance: 1e-12, "the norm the trainer records",
          hint: "The trainer logs the norm clipping returns: ‖g‖ before clipping. " + self.hint)
      }
    }
  }

  func testOptimizerReceivesValueClippedGradients() throws {
    try exercise {
      let (optimizer, _) = try self.run(.value(0.5))
      assertEqual(optimizer.received.count, 3, "gradients the optimizer received in 3 steps")
      for received in optimizer.received {
        for (name, block) in received.namedParameters {
          assertLessOrEqual(
            block.maxAbs(), 0.5,
            "largest element of block \(name) as it reached the optimizer, at most 0.5. "
              + self.hint)
        }
      }
    }
  }
}
