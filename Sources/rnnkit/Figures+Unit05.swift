import Foundation
import RNNCore
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit05
import Unit06

// MARK: Lectures 05 and 06: the first-mention task

/// Elman, GRU and LSTM classifiers trained on the first-mention task with one shared budget
/// (the budget of the unit 05 and 06 tests), computed once and shared by the figures.
enum FirstMentionStudy {
  /// The lags of the accuracy figure.
  static let lags = [5, 10, 15, 20, 30, 45, 60]
  /// The lag of the heatmaps and of the gradient figure.
  static let focusLag = 30
  /// 400 Adam updates (learning rate 0.01) of 32 fresh sequences; 500 held-out sequences.
  static let settings = LongRangeExperiment.Settings(steps: 400)

  /// A classifier around a fresh cell of `kind` (weight seed 3, `E = 8`, `H = 24`).
  static func elman(_ task: FirstMentionTask) -> SequenceClassifier<ElmanCell> {
    var rng = RandomSource(seed: 3)
    let cell = ElmanCell(inputSize: 8, hiddenSize: 24, rng: &rng)
    return SequenceClassifier(
      vocabularySize: task.vocabularySize, classes: task.names, cell: cell, rng: &rng)
  }

  static func gru(_ task: FirstMentionTask) -> SequenceClassifier<GRUCell> {
    var rng = RandomSource(seed: 3)
    let cell = GRUCell(inputSize: 8, hiddenSize: 24, updateBias: 1, rng: &rng)
    return SequenceClassifier(
      vocabularySize: task.vocabularySize, classes: task.names, cell: cell, rng: &rng)
  }

  static func lstm(
    _ task: FirstMentionTask, forgetBias: Double = 1
  ) -> SequenceClassifier<LSTMCell> {
    var rng = RandomSource(seed: 3)
    let cell = LSTMCell(inputSize: 8, hiddenSize: 24, forgetBias: forgetBias, rng: &rng)
    return SequenceClassifier(
      vocabularySize: task.vocabularySize, classes: task.names, cell: cell, rng: &rng)
  }

  /// The three trained models at ``focusLag``.
  static let focus:
    (
      elman: LongRangeExperiment.Result<ElmanCell>, gru: LongRangeExperiment.Result<GRUCell>,
      lstm: LongRangeExperiment.Result<LSTMCell>
    ) = {
      let task = FirstMentionTask(lag: focusLag)
      return (
        LongRangeExperiment.run(elman(task), task: task, settings: settings),
        LongRangeExperiment.run(gru(task), task: task, settings: settings),
        LongRangeExperiment.run(lstm(task), task: task, settings: settings)
      )
    }()

  /// Held-out accuracy at every lag: `[elman, gru, lstm]`, one array per cell.
  static let accuracies: [[Double]] = {
    var out: [[Double]] = [[], [], []]
    for lag in lags {
      if lag == focusLag {
        out[0].append(focus.elman.accuracy)
        out[1].append(focus.gru.accuracy)
        out[2].append(focus.lstm.accuracy)
        continue
      }
      let task = FirstMentionTask(lag: lag)
      out[0].append(LongRangeExperiment.run(elman(task), task: task, settings: settings).accuracy)
      out[1].append(LongRangeExperiment.run(gru(task), task: task, settings: settings).accuracy)
      out[2].append(LongRangeExperiment.run(lstm(task), task: task, settings: settings).accuracy)
    }
    return out
  }()

  /// One held-out sequence of the focus lag (the same for every figure).
  static let example: [Int] = {
    var rng = RandomSource(seed: 2026)
    return FirstMentionTask(lag: focusLag).sample(batchSize: 1, rng: &rng).inputs[0]
  }()

  /// The caches of `model` run over ``example``.
  static func caches<Cell: RecurrentCell>(_ model: SequenceClassifier<Cell>) -> [Cell.StepCache] {
    model.forward([example]).caches
  }
}

/// Held-out accuracy on the first-mention task against the lag, for the three cells.
func firstMentionAccuracyFigure() -> String {
  let lags = FirstMentionStudy.lags.map(Double.init)
  let accuracies = FirstMentionStudy.accuracies
  var chart = LineChart(
    title: "Who was mentioned first? Held-out accuracy against the lag",
    xLabel: "lag L (steps from the first name to the question)",
    yLabel: "held-out accuracy (500 sequences)", width: 680, height: 440)
  chart.yRange = 0...1.05
  let cells: [(String, SVGColor, Bool)] = [
    ("Elman (tanh)", SVGColor.palette(1), false),
    ("GRU (update-gate bias 1)", SVGColor.palette(0), false),
    ("LSTM (forget-gate bias 1)", SVGColor.palette(2), true),
  ]
  for (index, (name, color, dashed)) in cells.enumerated() {
    chart.addSeries(
      LineChart.Series(
        name, x: lags, y: accuracies[index], color: color, dashed: dashed, showsMarkers: true))
  }
  chart.addHorizontalLine(at: 0.25, label: "guessing among the 4 names")
  chart.legendPosition = .bottomLeft
  return chart.svg()
}

/// The update gate `z` (1 keeps the old state) of the trained GRU, unit by unit, over one
/// held-out sequence of the lag-30 task.
func gruUpdateGateFigure() -> String {
  let model = FirstMentionStudy.focus.gru.model
  let caches = FirstMentionStudy.caches(model)
  let hidden = model.cell.hiddenSize
  // Row i: unit i's z over time; units sorted by how much they keep on average.
  var rows = (0..<hidden).map { unit in caches.map { $0.update[0, unit] } }
  rows.sort { $0.reduce(0, +) > $1.reduce(0, +) }
  let task = FirstMentionTask(lag: FirstMentionStudy.focusLag)
  var map = Heatmap(
    values: rows,
    title: "GRU update gate z over a sequence (1 = keep the old state, 0 = overwrite)",
    colorScale: .sequential, width: 760, height: 460)
  map.valueRange = 0...1
  map.columnLabels = FirstMentionStudy.example.map { task.vocabulary[$0] }
  map.xLabel = "input token (the answer is the first name)"
  map.yLabel = "hidden unit (sorted by mean z)"
  return map.svg()
}

/// How much of the gradient that reaches the last state survives back to each earlier step,
/// for the three trained cells on held-out sequences of the lag-30 task:
/// `‖∂L/∂state_t‖ / ‖∂L/∂state_T‖`, with the norms summed over 64 sequences.
func gradientThroughTimeFigure() -> String {
  let task = FirstMentionTask(lag: FirstMentionStudy.focusLag)
  var rng = RandomSource(seed: 77)
  let batch = task.sample(batchSize: 64, rng: &rng)
  let focus = FirstMentionStudy.focus
  let steps = (0...task.lag).map(Double.init)
  var chart = LineChart(
    title: "How much gradient reaches each step (trained models, lag 30)",
    xLabel: "step t (the first name is read at t = 0, the question at t = 30)",
    yLabel: "‖∂L/∂state_t‖ relative to the last step", yScale: .logarithmic, width: 680,
    height: 440)
  func relative(_ norms: [Double]) -> [Double] {
    let last = norms.last ?? 1
    return norms.map { $0 / last }
  }
  chart.addSeries(
    "Elman (tanh)", x: steps,
    y: relative(stateGradientNorms(focus.elman.model, batch) { $0.frobeniusNorm() }),
    color: SVGColor.palette(1))
  chart.addSeries(
    "GRU", x: steps,
    y: relative(stateGradientNorms(focus.gru.model, batch) { $0.frobeniusNorm() }),
    color: SVGColor.palette(0))
  chart.addSeries(
    "LSTM (h and c together)", x: steps,
    y: relative(
      stateGradientNorms(focus.lstm.model, batch) {
        ($0.hidden.squaredNorm() + $0.cell.squaredNorm()).squareRoot()
      }),
    color: SVGColor.palette(2), dashed: true)
  chart.addHorizontalLine(at: 1, label: "")
  chart.legendPosition = .bottomRight
  return chart.svg()
}

/// `‖∂L/∂state_t‖` for `t = 0 ... T - 1`, where `L` is the summed cross-entropy of the
/// classifier on `batch`.
private func stateGradientNorms<Cell: BackpropagatingCell>(
  _ model: SequenceClassifier<Cell>, _ batch: (inputs: [[Int]], targets: [Int]),
  norm: (Cell.State) -> Double
) -> [Double] {
  let pass = model.forward(batch.inputs)
  let dScores = CrossEntropy.lossAndGradient(
    logits: pass.scores, targets: batch.targets, reduction: .sum
  ).gradient
  var dState = Cell.State.zeros(batchSize: batch.inputs.count, hiddenSize: model.cell.hiddenSize)
    .addingToHidden(dScores.matmul(model.outputWeight))
  var norms = [Double](repeating: 0, count: pass.caches.count)
  for t in stride(from: pass.caches.count - 1, through: 0, by: -1) {
    norms[t] = norm(dState)
    dState = model.cell.backward(pass.caches[t], stateGradient: dState).previousStateGradient
  }
  return norms
}
