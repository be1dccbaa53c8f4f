import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit05
import Unit07
import Unit09

// MARK: Lecture 09: sentence classifiers on the synthetic sentiment task

/// Sentence classifiers trained on the homework's splits of the synthetic sentiment task
/// (``SentimentHomework/data(hidden:hiddenSeed:)``), shared by the unit 09 figures; every
/// number comes from fixed seeds.
enum SentimentStudy {
  static let splits = SentimentHomework.data()
  static let vocabulary = SentimentHomework.vocabulary(splits.train)
  static let training = SentimentHomework.encode(splits.train, vocabulary: vocabulary)
  static let validation = SentimentHomework.encode(splits.valid, vocabulary: vocabulary)
  static let test = SentimentHomework.encode(splits.test, vocabulary: vocabulary)
  static let kinds = SyntheticSentiment.Kind.allCases

  /// The test accuracy of `model` on each kind, in ``kinds`` order.
  static func accuracyByKind<Model: SentenceClassifier>(_ model: Model) -> [Double] {
    let predictions = model.predictAll(test.sentences)
    return kinds.map { kind in
      let indices = splits.test.indices.filter { splits.test[$0].kind == kind }
      let correct = indices.filter { predictions[$0] == test.labels[$0] }.count
      return Double(correct) / Double(max(1, indices.count))
    }
  }

  /// Trains `model` with `options` on the training split, validating on the validation split.
  static func trained<Model: SentenceClassifier>(
    _ model: Model, _ options: SentimentTrainingOptions
  ) -> (model: Model, history: SentimentHistory) {
    var model = model
    let history = model.train(on: training, validation: validation, options: options)
    return (model, history)
  }

  /// The options of the homework's reference configuration, with `epochs` and `patience`.
  static func options(
    epochs: Int, learningRate: Double = 0.01, clipNorm: Double? = 5, patience: Int = 2
  ) -> SentimentTrainingOptions {
    var options = SentimentTrainingOptions()
    options.epochs = epochs
    options.batchSize = 32
    options.learningRate = learningRate
    options.clipNorm = clipNorm
    options.patience = patience
    return options
  }

  /// A stack of two bidirectional GRU layers, 16 units per direction, embeddings of width 16,
  /// max pooling: the homework's reference model.
  static func bidirectionalGRU(
    seed: UInt64 = 1
  ) -> SentimentClassifier<
    StackedLayers<BidirectionalLayer<GRUCell, GRUCell>>
  > {
    var rng = RandomSource(seed: seed)
    let encoder = SentimentHomework.encoder(layers: 2, inputSize: 16, hiddenSize: 16) {
      GRUCell(inputSize: $0, hiddenSize: $1, rng: &rng)
    }
    return SentimentClassifier(
      vocabularySize: vocabulary.count, embeddingSize: 16, encoder: encoder,
      bidirectional: true, classCount: 2, pooling: .max, rng: &rng)
  }

  /// One GRU layer reading left to right, 32 units (as many features as the bidirectional
  /// model), embeddings of width 16, the last state as the readout.
  static func forwardGRU() -> SentimentClassifier<RecurrentLayer<GRUCell>> {
    var rng = RandomSource(seed: 1)
    let encoder = RecurrentLayer(cell: GRUCell(inputSize: 16, hiddenSize: 32, rng: &rng))
    return SentimentClassifier(
      vocabularySize: vocabulary.count, embeddingSize: 16, encoder: encoder,
      bidirectional: false, classCount: 2, pooling: .last, rng: &rng)
  }

  /// Filters of widths 2 to 5 over embeddings of width 16, 8 filters per width.
  static func convolutional() -> ConvolutionalClassifier {
    var rng = RandomSource(seed: 1)
    return ConvolutionalClassifier(
      vocabularySize: vocabulary.count, embeddingSize: 16, widths: [2, 3, 4, 5],
      filtersPerWidth: 4, classCount: 2, rng: &rng)
  }

  /// The most epochs of the comparison (early stopping with patience 2 may end a run sooner).
  static let epochs = 6

  /// The four classifiers of the first figure, by name, with their test accuracy per kind:
  /// Adam with the homework's reference options (the bag of words, a convex model, with a
  /// larger step of 0.05 and no clipping).
  static let comparison: [(name: String, accuracy: [Double])] = [
    (
      "bag of words",
      accuracyByKind(
        trained(
          BagOfWordsClassifier(vocabularySize: vocabulary.count, classCount: 2),
          options(epochs: epochs, learningRate: 0.05, clipNorm: nil)
        ).model)
    ),
    (
      "CNN, widths 2-5",
      accuracyByKind(trained(convolutional(), options(epochs: epochs)).model)
    ),
    (
      "GRU, left to right, last state",
      accuracyByKind(trained(forwardGRU(), options(epochs: epochs)).model)
    ),
    (
      "2-layer bidirectional GRU, max",
      accuracyByKind(trained(bidirectionalGRU(), options(epochs: epochs)).model)
    ),
  ]
}

/// Test accuracy on each kind of sentence for four classifiers: counts, local order, one
/// direction, both directions.
func accuracyByKindFigure() -> String {
  let models = SentimentStudy.comparison
  return GroupedBars(
    title: "Test accuracy by kind of sentence (800 test sentences, 200 of each kind)",
    yLabel: "test accuracy", groups: SentimentStudy.kinds.map(\.rawValue),
    series: models.map { ($0.name, $0.accuracy) }, chance: 0.5
  ).svg()
}

/// The left-to-right GRU trained with plain SGD at three step sizes, with and without
/// clipping: the mean training loss of every epoch.
func clippingCurvesFigure() -> String {
  var chart = LineChart(
    title: "Plain SGD with and without clipping the gradient at norm 1",
    xLabel: "epoch", yLabel: "mean training loss (nats per sentence)", yScale: .logarithmic,
    width: 720, height: 440)
  for (index, rate) in ClippingStudy.learningRates.enumerated() {
    for clipped in [true, false] {
      let run = ClippingStudy.runs[index][clipped ? 1 : 0]
      let largest = run.norms.max() ?? 0
      let shown = GroupedBars.fixed(largest, decimals: largest < 10 ? 2 : 0)
      chart.addSeries(
        LineChart.Series(
          "step \(GroupedBars.number(rate)), "
            + (clipped ? "clipped" : "not clipped (largest norm \(shown))"),
          x: run.loss.indices.map { Double($0 + 1) }, y: run.loss,
          color: SVGColor.palette(index), dashed: !clipped, showsMarkers: true))
    }
  }
  // ln 2, written out: the loss of a classifier that says 50-50 to every sentence.
  chart.addHorizontalLine(at: 0.6931471805599453, label: "ln 2: a coin")
  return chart.svg()
}

/// The left-to-right GRU of ``SentimentStudy/forwardGRU()`` trained with plain SGD (batches of
/// 32 from the same shuffles) at three step sizes, without and with clipping at norm 1.
enum ClippingStudy {
  static let learningRates = [2.0, 3.0, 4.0]
  static let epochs = 8
  static let clipNorm = 1.0

  /// `runs[i]` holds the runs at `learningRates[i]`: not clipped, then clipped.
  static let runs: [[SGDRun]] = learningRates.map { rate in
    [nil, clipNorm].map { clip in
      SGDRun(
        SentimentStudy.forwardGRU(), learningRate: rate, clipNorm: clip, epochs: epochs)
    }
  }
}

/// A training run with plain SGD, which (unlike Adam) moves every weight in proportion to its
/// gradient, so one huge gradient makes one huge step unless it is clipped.
struct SGDRun {
  /// The mean training loss of each epoch.
  var loss: [Double] = []
  /// The validation accuracy after each epoch.
  var accuracy: [Double] = []
  /// The global norm of every batch's gradient before clipping.
  var norms: [Double] = []

  init<Model: SentenceClassifier>(
    _ initial: Model, learningRate: Double, clipNorm: Double?, epochs: Int, batchSize: Int = 32
  ) {
    var model = initial
    var optimizer = SGD(learningRate: learningRate)
    var rng = RandomSource(seed: 1)
    let training = SentimentStudy.training
    let validation = SentimentStudy.validation
    for _ in 0..<epochs {
      var sum = 0.0
      for indices in shuffledBatches(count: training.count, size: batchSize, rng: &rng) {
        var (batchLoss, gradients) = model.lossAndGradients(
          indices.map { training.sentences[$0] }, labels: indices.map { training.labels[$0] },
          dropoutMask: nil)
        let norm = gradients.globalNorm
        norms.append(norm)
        if let clipNorm, norm > clipNorm {
          gradients.visitParameters { _, m in m.scale(by: clipNorm / norm) }
        }
        optimizer.step(&model, gradients: gradients)
        sum += batchLoss * Double(indices.count)
      }
      loss.append(sum / Double(training.count))
      accuracy.append(model.accuracy(validation.sentences, labels: validation.labels))
    }
  }
}

// MARK: Grouped bars

/// A grouped bar chart with values in `0...1`: one group per category, one bar per series in
/// each group, the value printed above each bar, and a dashed line at the chance level.
struct GroupedBars {
  var title: String
  var yLabel: String
  var groups: [String]
  var series: [(name: String, values: [Double])]
  var chance: Double?
  var width = 720.0
  var height = 440.0

  /// `x` with at most two decimals, no trailing zeros: reproducible on every platform.
  static func number(_ x: Double) -> String {
    let hundredths = Int((abs(x) * 100).rounded())
    var text = String(hundredths / 100)
    let fraction = hundredths % 100
    if fraction != 0 {
      text +=
        fraction % 10 == 0 ? ".\(fraction / 10)" : (fraction < 10 ? ".0" : ".") + "\(fraction)"
    }
    return (x < 0 && hundredths != 0 ? "-" : "") + text
  }

  /// `x` rounded to `decimals` places (0 to 2), always with that many: `"1.00"`, `"0.52"`.
  static func fixed(_ x: Double, decimals: Int) -> String {
    let power = [1, 10, 100][min(2, max(0, decimals))]
    let units = Int((abs(x) * Double(power)).rounded())
    var text = String(units / power)
    if power > 1 {
      let fraction = String(units % power)
      text +=
        "." + String(repeating: "0", count: String(power).count - 1 - fraction.count)
        + fraction
    }
    return (x < 0 && units != 0 ? "-" : "") + text
  }

  static func text(
    _ string: String, x: Double, y: Double, anchor: String = "start", size: Int = 12,
    bold: Bool = false, rotate: Bool = false
  ) -> SVGElement {
    var element = SVGElement(
      "text", ["x": number(x), "y": number(y), "fill": SVGColor.darkGray.hexString],
      text: string)
    if anchor != "start" { element.setAttribute("text-anchor", anchor) }
    if size != 12 { element.setAttribute("font-size", "\(size)") }
    if bold { element.setAttribute("font-weight", "bold") }
    if rotate { element.setAttribute("transform", "rotate(-90 \(number(x)) \(number(y)))") }
    return element
  }

  static func rect(
    x: Double, y: Double, width: Double, height: Double, fill: SVGColor
  )
    -> SVGElement
  {
    SVGElement(
      "rect",
      [
        "x": number(x), "y": number(y), "width": number(width), "height": number(height),
        "fill": fill.hexString,
      ])
  }

  static func line(
    x1: Double, y1: Double, x2: Double, y2: Double, color: SVGColor, dashed: Bool = false
  ) -> SVGElement {
    var element = SVGElement(
      "line",
      [
        "x1": number(x1), "y1": number(y1), "x2": number(x2), "y2": number(y2),
        "stroke": color.hexString, "stroke-width": "1",
      ])
    if dashed { element.setAttribute("stroke-dasharray", "6 4") }
    return element
  }

  func svg() -> String {
    var document = SVGDocument(width: width, height: height)
    let left = 64.0
    let right = width - 20
    let top = 48.0
    let bottom = height - 96
    let plotHeight = bottom - top
    func y(_ value: Double) -> Double { bottom - plotHeight * min(1, max(0, value)) }

    document.append(
      GroupedBars.rect(x: 0, y: 0, width: width, height: height, fill: .white))
    document.append(
      GroupedBars.text(title, x: width / 2, y: 26, anchor: "middle", size: 15, bold: true))
    for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
      document.append(
        GroupedBars.line(
          x1: left, y1: y(tick), x2: right, y2: y(tick), color: tick == 0 ? .gray : .lightGray))
      document.append(
        GroupedBars.text(GroupedBars.number(tick), x: left - 8, y: y(tick) + 4, anchor: "end"))
    }
    document.append(
      GroupedBars.text(
        yLabel, x: 18, y: (top + bottom) / 2, anchor: "middle", size: 13, rotate: true))

    let groupWidth = (right - left) / Double(max(1, groups.count))
    let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
    for (g, group) in groups.enumerated() {
      let start = left + Double(g) * groupWidth + groupWidth * 0.1
      for (s, entry) in series.enumerated() where g < entry.values.count {
        let value = entry.values[g]
        let x = start + Double(s) * barWidth
        document.append(
          GroupedBars.rect(
            x: x + 1, y: y(value), width: barWidth - 2, height: bottom - y(value),
            fill: SVGColor.palette(s)))
        document.append(
          GroupedBars.text(
            GroupedBars.fixed(value, decimals: 2), x: x + barWidth / 2, y: y(value) - 4,
            anchor: "middle",
            size: 10))
      }
      document.append(
        GroupedBars.text(
          group, x: start + groupWidth * 0.4, y: bottom + 20, anchor: "middle", size: 13))
    }
    if let chance {
      document.append(
        GroupedBars.line(
          x1: left, y1: y(chance), x2: right, y2: y(chance), color: .darkGray, dashed: true))
      document.append(
        GroupedBars.text("chance", x: right - 4, y: y(chance) - 4, anchor: "end", size: 11))
    }

    // The legend: two entries per row under the axis.
    for (s, entry) in series.enumerated() {
      let x = left + Double(s % 2) * (right - left) / 2
      let rowY = bottom + 48 + Double(s / 2) * 22
      document.append(
        GroupedBars.rect(x: x, y: rowY - 11, width: 14, height: 14, fill: SVGColor.palette(s)))
      document.append(GroupedBars.text(entry.name, x: x + 20, y: rowY))
    }
    return document.svg()
  }
}
