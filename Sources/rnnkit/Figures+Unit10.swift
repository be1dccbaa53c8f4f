import Foundation
import RNNCore
import RNNPlot
import Unit10

// MARK: Lecture 10

/// Time per token (µs) of the output layer, as printed by
///
///     RNNKIT_SOLUTIONS=1 swift run rnnkit bench softmax --repetitions 11
///
/// (H 128, batch 640, Zipf counts; processor time of the measuring thread, median of 11 runs)
/// on 2026-11-25 on the 2-core AMD EPYC machine of the README's Speed section, in the default
/// debug build with the unit 10 reference solutions: the unit 10 code unoptimized, the kit's
/// matrix operations optimized. Another build was running at the same time (load average
/// about 2), so the numbers are noisy; a second run agreed within 15%. Timings differ from
/// run to run, so the figure is drawn from these stored numbers, not from a new measurement,
/// and regenerates byte for byte; `rnnkit bench softmax --svg FILE` draws the same chart from
/// a fresh one.
private let measuredSoftmaxTimes: [(vocabulary: Int, full: Double, classes: Double, tree: Double)] =
  [
    (1000, 25.3, 4.78, 4.36),
    (10_000, 472, 19.0, 6.91),
    (100_000, 5312, 176, 96.5),
  ]

/// Time per token (µs) of the full, class-based and hierarchical softmax against `|V|` on
/// log-log axes: the stored measurements of ``measuredSoftmaxTimes``.
func softmaxTimeFigure() -> String {
  softmaxTimeChart(
    sizes: measuredSoftmaxTimes.map(\.vocabulary), full: measuredSoftmaxTimes.map(\.full),
    classes: measuredSoftmaxTimes.map(\.classes), tree: measuredSoftmaxTimes.map(\.tree),
    subtitle: "H 128, batch 640, debug build"
  ).svg()
}

/// The chart of `rnnkit bench softmax --svg` and of the lecture figure: microseconds per token
/// of a forward and backward pass of each output layer, against the vocabulary size.
func softmaxTimeChart(
  sizes: [Int], full: [Double], classes: [Double], tree: [Double], subtitle: String
) -> LineChart {
  let x = sizes.map(Double.init)
  var chart = LineChart(
    title: "Output layer, forward + backward (\(subtitle))",
    xLabel: "vocabulary size |V|", yLabel: "µs per token", xScale: .logarithmic,
    yScale: .logarithmic)
  chart.addSeries(
    LineChart.Series(
      "full softmax: O(|V| H)", x: x, y: full, color: SVGColor.palette(0), showsMarkers: true))
  chart.addSeries(
    LineChart.Series(
      "class-based, √|V| classes: O(√|V| H)", x: x, y: classes, color: SVGColor.palette(1),
      showsMarkers: true))
  chart.addSeries(
    LineChart.Series(
      "hierarchical (Huffman tree): O(H log |V|)", x: x, y: tree, color: SVGColor.palette(2),
      dashed: true, showsMarkers: true))
  chart.legendPosition = .topLeft
  return chart
}

/// The length of each word's Huffman code against its frequency rank, for 10,000 words with
/// Zipf counts (the word of rank r occurs in proportion to 1/r), next to the information
/// content `-log₂ p(w)` that an ideal code would spend and the `log₂ V` of a balanced tree.
func huffmanCodeLengthFigure() -> String {
  let vocabulary = 10_000
  let counts = zipfCounts(vocabulary: vocabulary)
  let tree = HuffmanTree.build(counts: counts)
  let total = Double(counts.reduce(0, +))
  // Words are numbered by rank, most frequent first. Keep the first and the last rank of
  // every run of equal code lengths, so the line draws the steps with few points.
  var ranks: [Double] = []
  var lengths: [Double] = []
  for w in 0..<vocabulary {
    let length = tree.codes[w].count
    let startsRun = w == 0 || tree.codes[w - 1].count != length
    let endsRun = w == vocabulary - 1 || tree.codes[w + 1].count != length
    if startsRun || endsRun {
      ranks.append(Double(w + 1))
      lengths.append(Double(length))
    }
  }
  let information = ranks.map { -log2(Double(counts[Int($0) - 1]) / total) }
  let average = tree.averageCodeLength(counts: counts)
  var chart = LineChart(
    title: "Huffman code lengths of 10,000 words with Zipf counts",
    xLabel: "frequency rank of the word", yLabel: "bits (binary decisions)",
    xScale: .logarithmic)
  chart.addSeries(
    LineChart.Series("Huffman code length", x: ranks, y: lengths, color: SVGColor.palette(0)))
  chart.addSeries(
    LineChart.Series(
      "information content −log₂ p(w)", x: ranks, y: information, color: SVGColor.palette(1),
      dashed: true))
  chart.addHorizontalLine(
    at: log2(Double(vocabulary)), label: "balanced tree: log₂ 10,000 ≈ 13.3")
  chart.addAnnotation(
    "mean code length over the tokens: \((average * 100).rounded() / 100) bits", x: 2,
    y: 20)
  chart.yRange = 0...24
  chart.legendPosition = .bottomRight
  return chart.svg()
}
