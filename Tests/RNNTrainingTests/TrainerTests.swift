import Foundation
import RNNCore
import RNNTraining
import XCTest

/// A stand-in model: one parameter `w` (1x1); the loss of update `n` is `losses[n - 1]`, the
/// gradient is 1, and the state counts the chunks since the last reset.
private struct ScriptedModel: TrainableLanguageModel {
  var w = Matrix([[0]])
  var losses: [Double]
  var calls = Counter()

  final class Counter: @unchecked Sendable {
    var value = 0
    var statesSeen: [Int] = []
  }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("w", &w)
  }

  func initialState(batchSize: Int) -> Int { 0 }

  func lossAndGradients(
    _ chunk: TokenChunk, initialState: Int, truncation: Int?
  ) -> (loss: Double, gradients: ScriptedModel, finalState: Int) {
    calls.value += 1
    calls.statesSeen.append(initialState)
    var gradient = self
    gradient.w = Matrix([[1]])
    return (losses[min(calls.value, losses.count) - 1], gradient, initialState + 1)
  }

  func score(_ tokens: [Int], steps: Int) -> LanguageModelScore {
    LanguageModelScore(meanLoss: 2, perplexity: exp(2), tokens: tokens.count - 1)
  }
}

final class TrainerTests: XCTestCase {
  func testCarriesTheStateAndResetsItEveryEpoch() throws {
    var model = ScriptedModel(losses: [1])
    var sgd = SGD(learningRate: 0.1)
    // 13 tokens, batch 2, 3 steps: 2 chunks per epoch.
    let trainer = LanguageModelTrainer<ScriptedModel>(
      configuration: TrainingConfiguration(steps: 5, batchSize: 2, sequenceLength: 3))
    let history = try trainer.train(
      &model, optimizer: &sgd, training: Array(0..<13), validation: [])
    XCTAssertEqual(model.calls.statesSeen, [0, 1, 0, 1, 0])
    XCTAssertEqual(history.stepsCompleted, 5)
    XCTAssertEqual(history.tokensSeen, 30)
    XCTAssertEqual(model.w[0, 0], -0.5, accuracy: 1e-12, "five SGD steps of -0.1")
    XCTAssertTrue(history.validation.isEmpty)
  }

  func testStopsAtTheFirstNonFiniteLossWithoutApplyingIt() {
    var model = ScriptedModel(losses: [3, 2, .nan, 1])
    var sgd = SGD(learningRate: 0.1)
    let trainer = LanguageModelTrainer<ScriptedModel>(
      configuration: TrainingConfiguration(steps: 10, batchSize: 1, sequenceLength: 2))
    XCTAssertThrowsError(
      try trainer.train(&model, optimizer: &sgd, training: Array(0..<50), validation: [])
    ) { error in
      guard let diverged = error as? TrainingDivergedError else {
        XCTFail("expected TrainingDivergedError, got \(error)")
        return
      }
      XCTAssertEqual(diverged.step, 3)
      XCTAssertTrue(diverged.loss.isNaN)
      XCTAssertEqual(diverged.history.trainingLoss.map(\.value).prefix(2), [3, 2])
      XCTAssertTrue("\(diverged)".contains("training diverged at step 3: the loss is nan"))
    }
    XCTAssertEqual(model.w[0, 0], -0.2, accuracy: 1e-12, "only the two finite updates apply")
  }

  func testStopsAtAnInfiniteGradientNorm() {
    var model = ScriptedModel(losses: [1])
    var sgd = SGD(learningRate: 0.1)
    var trainer = LanguageModelTrainer<ScriptedModel>(
      configuration: TrainingConfiguration(steps: 10, batchSize: 1, sequenceLength: 2))
    trainer.gradientTransform = { _ in .infinity }
    XCTAssertThrowsError(
      try trainer.train(&model, optimizer: &sgd, training: Array(0..<50), validation: [])
    ) { error in
      XCTAssertEqual((error as? TrainingDivergedError)?.step, 1)
      XCTAssertTrue("\(error)".contains("gradient norm is inf"), "\(error)")
    }
  }

  func testReportsProgressAndValidation() throws {
    var model = ScriptedModel(losses: [2])
    var sgd = SGD(learningRate: 0.1)
    var events: [TrainingEvent] = []
    var trainer = LanguageModelTrainer<ScriptedModel>(
      configuration: TrainingConfiguration(
        steps: 10, batchSize: 1, sequenceLength: 2, evaluateEvery: 4, logEvery: 5))
    trainer.onEvent = { events.append($0) }
    let history = try trainer.train(
      &model, optimizer: &sgd, training: Array(0..<50), validation: [1, 2, 3])
    let progress = events.compactMap { event -> TrainingProgress? in
      if case .progress(let p) = event { return p }
      return nil
    }
    XCTAssertEqual(progress.map(\.step), [5, 10])
    XCTAssertEqual(progress.first?.loss ?? 0, 2, accuracy: 1e-12)
    XCTAssertEqual(progress.first?.gradientNorm ?? 0, 1, accuracy: 1e-12)
    XCTAssertTrue(
      progress.first?.line.hasPrefix("step  5/10  loss 2.0000  ppl 7.39  |g| 1") ?? false)
    XCTAssertEqual(history.validation.map(\.step), [4, 8, 10])
    XCTAssertEqual(history.finalValidationPerplexity ?? 0, exp(2), accuracy: 1e-12)
  }

  func testConfigurationProblemsAreReadable() {
    let bad = TrainingConfiguration(steps: 0, batchSize: 1, sequenceLength: 0, truncation: 0)
    XCTAssertEqual(bad.problems.count, 3)
    XCTAssertTrue(TrainingConfiguration(steps: 1, batchSize: 1, sequenceLength: 1).problems.isEmpty)
  }

  func testLearningCurveDrawsTrainingAndValidation() {
    var history = TrainingHistory()
    for step in 1...50 {
      history.trainingLoss.append(.init(step: step, value: 3 - Double(step) / 50))
    }
    history.validation = [.init(step: 25, value: 2.6), .init(step: 50, value: 2.2)]
    let chart = LearningCurve.chart(history, title: "curve", references: [("optimum", 5)])
    XCTAssertEqual(chart.series.count, 2)
    XCTAssertEqual(chart.series[1].points.map(\.y), [exp(2.6), exp(2.2)])
    let svg = chart.svg()
    XCTAssertTrue(svg.contains("validation") && svg.contains("optimum"))
    XCTAssertEqual(
      svg, LearningCurve.chart(history, title: "curve", references: [("optimum", 5)]).svg())
  }
}
