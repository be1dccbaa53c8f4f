import Foundation
import RNNPlot

/// Draws a training run's learning curve: perplexity against update step, on a log axis.
public enum LearningCurve {
  /// A line chart of the training perplexity (the per-update loss averaged over windows of
  /// `window` updates, then exponentiated) and the validation perplexity.
  ///
  /// - Parameters:
  ///   - history: what the trainer recorded.
  ///   - title: the chart's heading.
  ///   - window: updates per training point; `nil` picks about 100 points.
  ///   - references: horizontal lines to draw, as `(label, perplexity)` pairs (for example a
  ///     baseline or the true optimum of a synthetic corpus).
  public static func chart(
    _ history: TrainingHistory, title: String, window: Int? = nil,
    references: [(label: String, perplexity: Double)] = []
  ) -> LineChart {
    var chart = LineChart(
      title: title, xLabel: "update step", yLabel: "perplexity (log scale)",
      yScale: .logarithmic)
    let losses = history.trainingLoss
    let size = max(1, window ?? (losses.count + 99) / 100)
    var x: [Double] = []
    var y: [Double] = []
    var start = 0
    while start < losses.count {
      let slice = losses[start..<min(start + size, losses.count)]
      let mean = slice.reduce(0) { $0 + $1.value } / Double(slice.count)
      x.append(Double(slice.last?.step ?? 0))
      y.append(exp(mean))
      start += size
    }
    chart.addSeries(
      size == 1 ? "training (per update)" : "training (mean of \(size) updates)", x: x, y: y)
    if !history.validation.isEmpty {
      chart.addSeries(
        LineChart.Series(
          "validation", x: history.validation.map { Double($0.step) },
          y: history.validation.map { exp($0.value) }, dashed: true, showsMarkers: true))
    }
    for reference in references {
      chart.addHorizontalLine(at: reference.perplexity, label: reference.label)
    }
    return chart
  }
}
