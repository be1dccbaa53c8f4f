import Foundation
import RNNCore
import RNNPlot
import Unit05
import Unit06

// MARK: Lecture 06

/// The forget gate `f` (1 keeps the memory) and the input gate `i` (1 writes the candidate) of
/// the trained LSTM, unit by unit, over one held-out sequence of the lag-30 task: the top half
/// of the rows is `f`, the bottom half `i`, for the same units in the same order.
func lstmGatesFigure() -> String {
  let model = FirstMentionStudy.focus.lstm.model
  let caches = FirstMentionStudy.caches(model)
  let hidden = model.cell.hiddenSize
  // Units sorted by how much their forget gate keeps on average.
  let order = (0..<hidden).sorted { a, b in
    let keepA = caches.reduce(0) { $0 + $1.forgetGate[0, a] }
    let keepB = caches.reduce(0) { $0 + $1.forgetGate[0, b] }
    return keepA != keepB ? keepA > keepB : a < b
  }
  let forget = order.map { unit in caches.map { $0.forgetGate[0, unit] } }
  let input = order.map { unit in caches.map { $0.inputGate[0, unit] } }
  let task = FirstMentionTask(lag: FirstMentionStudy.focusLag)
  var map = Heatmap(
    values: forget + input,
    title: "LSTM gates over a sequence: forget gate f (top), input gate i (bottom)",
    colorScale: .sequential, width: 760, height: 560)
  map.valueRange = 0...1
  map.columnLabels = FirstMentionStudy.example.map { task.vocabulary[$0] }
  map.rowLabels =
    order.indices.map { $0 == 0 ? "forget gate f" : "" }
    + order.indices.map { $0 == 0 ? "input gate i" : "" }
  map.xLabel = "input token (the answer is the first name)"
  map.yLabel = "hidden units, sorted by mean f"
  return map.svg()
}

/// Training loss on the lag-30 first-mention task for an LSTM whose forget-gate bias starts
/// at 0, 1 or 2 (same weights otherwise), smoothed over 20 updates.
func lstmForgetBiasFigure() -> String {
  let task = FirstMentionTask(lag: FirstMentionStudy.focusLag)
  var settings = FirstMentionStudy.settings
  settings.evaluationSequences = 100
  var chart = LineChart(
    title: "LSTM on the lag-30 task: the forget-gate bias at initialization",
    xLabel: "Adam update (32 sequences each)", yLabel: "training loss (nats, mean of 20 updates)",
    width: 680, height: 440)
  for (index, bias) in [0.0, 1.0, 2.0].enumerated() {
    let losses: [Double]
    if bias == 1 {
      losses = FirstMentionStudy.focus.lstm.losses
    } else {
      losses =
        LongRangeExperiment.run(
          FirstMentionStudy.lstm(task, forgetBias: bias), task: task, settings: settings
        ).losses
    }
    var smoothed: [Double] = []
    var x: [Double] = []
    for end in stride(from: 20, through: losses.count, by: 10) {
      smoothed.append(losses[(end - 20)..<end].reduce(0, +) / 20)
      x.append(Double(end))
    }
    let start = (100 / (1 + exp(-bias))).rounded() / 100
    chart.addSeries(
      "b_f = \(formatNumber(bias)) (f starts near \(formatNumber(start)))", x: x, y: smoothed,
      color: SVGColor.palette(index), dashed: index == 0)
  }
  chart.yRange = 0...2
  chart.addHorizontalLine(at: log(4), label: "guessing among the 4 names: ln 4")
  chart.legendPosition = .topRight
  return chart.svg()
}
