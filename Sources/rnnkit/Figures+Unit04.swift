import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit04

// MARK: Lecture 04

/// Held-out mean squared error on the adding problem (`T = 40`) during 600 Adam updates: an
/// IRNN (identity `W_hh`, ReLU, global norm clipped at 1) learns it, a tanh network with an
/// orthogonal `W_hh` never leaves the baseline of predicting the mean, and the same IRNN
/// without clipping does not learn either.
func irnnAddingProblemFigure() -> String {
  var settings = AddingExperiment.Settings()
  settings.evaluateEvery = 20
  var irnnRNG = RandomSource(seed: 1)
  let irnn = ElmanCell.identityReLU(inputSize: 2, hiddenSize: 24, inputStd: 0.1, rng: &irnnRNG)
  var tanhRNG = RandomSource(seed: 1)
  let tanh = ElmanCell(inputSize: 2, hiddenSize: 24, rng: &tanhRNG)
  var unclipped = settings
  unclipped.clipNorm = nil

  var chart = LineChart(
    title: "The adding problem, T = 40: identity + ReLU (IRNN) against tanh",
    xLabel: "Adam update (32 sequences each)", yLabel: "held-out mean squared error",
    width: 680, height: 440)
  chart.yRange = 0...0.3
  let runs: [(String, ElmanCell, AddingExperiment.Settings, SVGColor, Bool)] = [
    ("IRNN, clipped at global norm 1", irnn, settings, SVGColor.palette(0), false),
    ("IRNN, no clipping", irnn, unclipped, SVGColor.palette(0), true),
    ("tanh, orthogonal W_hh, clipped", tanh, settings, SVGColor.palette(1), false),
  ]
  for (label, cell, runSettings, color, dashed) in runs {
    let curve = AddingExperiment.run(cell, settings: runSettings)
    chart.addSeries(
      label, x: curve.map { Double($0.update) }, y: curve.map(\.meanSquaredError), color: color,
      dashed: dashed)
  }
  chart.addHorizontalLine(
    at: AddingProblem.baselineMeanSquaredError, label: "predict the mean: 1/6")
  chart.legendPosition = .topRight
  return chart.svg()
}

/// The exploding-gradient experiment: a character-level Elman language model with ReLU units
/// and `W_hh = I`, trained by SGD with learning rate 0.5. Without clipping the gradient norm
/// explodes and becomes infinite within a few updates (the trainer stops there); with the
/// global norm clipped at 1 the same run trains. Both curves show the norm *before* clipping.
func explodingGradientFigure() -> String {
  let text = SyntheticCorpus.generate(sentences: 3_000, seed: 1).text
  let vocabulary = TokenVocabulary.characters(from: text)
  let tokens = vocabulary.encode(text)
  func run(clipNorm: Double?) -> TrainingHistory {
    var rng = RandomSource(seed: 5)
    let cell = ElmanCell(
      recurrentWeight: .identity(64), inputWeight: .gaussian(64, 16, std: 0.1, rng: &rng),
      bias: .zeros(1, 64), activation: .relu)
    var model = RNNLanguageModel(vocabularySize: vocabulary.count, cell: cell, rng: &rng)
    var sgd = SGD(learningRate: 0.5)
    var trainer = LanguageModelTrainer<RNNLanguageModel<ElmanCell>>(
      configuration: TrainingConfiguration(steps: 200, batchSize: 16, sequenceLength: 32))
    if let clipNorm {
      trainer.gradientTransform = { GradientClipping.clipByGlobalNorm(&$0, threshold: clipNorm) }
    }
    do {
      return try trainer.train(&model, optimizer: &sgd, training: tokens, validation: [])
    } catch let error as TrainingDivergedError {
      return error.history
    } catch {
      return TrainingHistory()
    }
  }
  let unclipped = run(clipNorm: nil)
  let clipped = run(clipNorm: 1)

  var chart = LineChart(
    title: "Exploding gradients in a ReLU RNN (W_hh = I, SGD, learning rate 0.5)",
    xLabel: "update", yLabel: "gradient norm before clipping (log scale)",
    yScale: .logarithmic, width: 680, height: 440)
  chart.addSeries(
    LineChart.Series(
      "no clipping (training stops at a non-finite norm)",
      x: unclipped.gradientNorm.map { Double($0.step) }, y: unclipped.gradientNorm.map(\.value),
      color: SVGColor.palette(1), showsMarkers: true))
  chart.addSeries(
    "clipped to global norm 1", x: clipped.gradientNorm.map { Double($0.step) },
    y: clipped.gradientNorm.map(\.value), color: SVGColor.palette(0))
  chart.yRange = 0.1...1e6
  chart.addHorizontalLine(at: 1, label: "clipping threshold 1")
  // The last finite norms of the unclipped run are far above the plot; name them instead.
  let offChart = unclipped.gradientNorm.filter { $0.value > 1e6 }
  if let last = offChart.last {
    let values = offChart.map { point in
      "update \(point.step): "
        + (point.value.isFinite ? String(format: "%.1e", point.value) : "inf")
    }
    chart.addVerticalLine(
      at: Double(last.step), label: values.joined(separator: ", "), color: SVGColor.palette(1))
  }
  chart.legendPosition = .topRight
  return chart.svg()
}
