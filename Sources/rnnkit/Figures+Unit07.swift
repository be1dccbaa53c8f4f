import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit05
import Unit07

// MARK: Lecture 07: taggers on the synthetic task

/// Taggers trained on the kit's synthetic tagging task (`SyntheticTagging`), whose entity types
/// are decided by a cue word that often comes after the span's first token. Computed once and
/// shared by the unit 07 figures; every number comes from fixed seeds.
enum TaggingStudy {
  /// `<unk>` (id 0), then every word the generator uses.
  static let vocabulary: [String] =
    ["<unk>"] + SyntheticTagging.fillers + SyntheticTagging.names
    + SyntheticTagging.cues.flatMap(\.words)
  static let tags = SyntheticTagging.tags

  static let ids = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
  static let tagIDs = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })

  static func encode(_ sentence: TaggedSentence) -> EncodedSentence {
    EncodedSentence(
      words: sentence.words.map { ids[$0] ?? 0 },
      shapes: sentence.words.map { WordShape($0).rawValue },
      tags: sentence.tags.map { tagIDs[$0] ?? 0 })
  }

  /// 400 training sentences (seed 7) and 300 held-out ones (seed 8).
  static let trainingSentences = SyntheticTagging.sentences(count: 400, seed: 7)
  static let heldOutSentences = SyntheticTagging.sentences(count: 300, seed: 8)
  static let training = trainingSentences.map(encode)
  static let heldOut = heldOutSentences.map(encode)

  /// Word embeddings of width 8 and shape embeddings of width 4.
  static let embeddingSize = 8
  static let shapeSize = 4
  static var inputSize: Int { embeddingSize + shapeSize }
  /// Passes over the training sentences, sentences per Adam update, step size.
  static let epochs = 8
  static let batchSize = 16
  static let learningRate = 0.01

  /// A tagger around `encoder` (embeddings, head and CRF drawn from seed 5).
  static func tagger<Encoder: SequenceLayer>(
    _ encoder: Encoder, crf: Bool
  ) -> SequenceTagger<Encoder> {
    var rng = RandomSource(seed: 5)
    return SequenceTagger(
      vocabularySize: vocabulary.count, shapeCount: WordShape.allCases.count,
      embeddingSize: embeddingSize, shapeSize: shapeSize, encoder: encoder,
      tagCount: tags.count, crf: crf, rng: &rng)
  }

  /// A GRU layer reading left to right (`H = 16`, weights from `seed`).
  static func forwardGRU(seed: UInt64 = 3) -> RecurrentLayer<GRUCell> {
    var rng = RandomSource(seed: seed)
    return RecurrentLayer(cell: GRUCell(inputSize: inputSize, hiddenSize: 16, rng: &rng))
  }

  /// A bidirectional GRU layer, 16 units per direction.
  static func bidirectionalGRU() -> BidirectionalLayer<GRUCell, GRUCell> {
    var rng = RandomSource(seed: 3)
    let forward = GRUCell(inputSize: inputSize, hiddenSize: 16, rng: &rng)
    let backward = GRUCell(inputSize: inputSize, hiddenSize: 16, rng: &rng)
    return BidirectionalLayer(forward: forward, backward: backward)
  }

  /// Trains with Adam in shuffled batches of ``batchSize`` sentences and measures held-out span
  /// F1 after every epoch.
  static func train<Encoder: SequenceLayer>(
    _ initial: SequenceTagger<Encoder>
  ) -> (tagger: SequenceTagger<Encoder>, f1: [Double]) {
    var model = initial
    var optimizer = Adam(learningRate: learningRate)
    var rng = RandomSource(seed: 11)
    var curve: [Double] = []
    for _ in 0..<epochs {
      let order = rng.permutation(training.count)
      for start in stride(from: 0, to: order.count, by: batchSize) {
        let batch = order[start..<min(start + batchSize, order.count)].map { training[$0] }
        let gradients = model.lossAndGradients(batch).gradients
        optimizer.step(&model, gradients: gradients)
      }
      curve.append(evaluate(model).overall.f1)
    }
    return (model, curve)
  }

  static func names(_ ids: [Int]) -> [String] { ids.map { tags[$0] } }

  /// Span scores of a tagger's predictions on the held-out sentences.
  static func evaluate<Encoder: SequenceLayer>(_ tagger: SequenceTagger<Encoder>) -> SpanEvaluation
  {
    SpanEvaluation(
      gold: heldOutSentences.map(\.tags), predicted: tagger.predict(heldOut).map(names))
  }

  /// Whether a tag sequence is valid IOB2: every `I-X` continues a `B-X` or an `I-X`.
  static func isValidIOB2(_ sequence: [String]) -> Bool {
    var previous = "O"
    for tag in sequence {
      if tag.hasPrefix("I-") && previous.dropFirst(2) != tag.dropFirst(2) { return false }
      previous = tag
    }
    return true
  }

  /// The four taggers of the first figure: left-to-right or bidirectional GRU, softmax or CRF.
  static let forwardSoftmax = train(tagger(forwardGRU(), crf: false))
  static let forwardCRF = train(tagger(forwardGRU(), crf: true))
  static let bidirectionalSoftmax = train(tagger(bidirectionalGRU(), crf: false))
  static let bidirectionalCRF = train(tagger(bidirectionalGRU(), crf: true))

  /// A stack of `depth` bidirectional Elman layers with `hidden` units per direction.
  static func deepElman(
    depth: Int, hidden: Int
  ) -> StackedLayers<
    BidirectionalLayer<ElmanCell, ElmanCell>
  > {
    var rng = RandomSource(seed: 13)
    var layers: [BidirectionalLayer<ElmanCell, ElmanCell>] = []
    var width = inputSize
    for _ in 0..<depth {
      let forward = ElmanCell(inputSize: width, hiddenSize: hidden, rng: &rng)
      let backward = ElmanCell(inputSize: width, hiddenSize: hidden, rng: &rng)
      layers.append(BidirectionalLayer(forward: forward, backward: backward))
      width = 2 * hidden
    }
    return StackedLayers(layers)
  }

  /// Parameters of the encoder and the head (the embeddings are the same for every shape).
  static func networkParameters(depth: Int, hidden: Int) -> Int {
    let encoder = deepElman(depth: depth, hidden: hidden)
    return encoder.parameterCount + (encoder.outputSize + 1) * tags.count
  }

  /// The hidden size per direction whose network comes closest to `budget` parameters.
  static func hiddenSize(depth: Int, budget: Int) -> Int {
    (1...64).min { a, b in
      abs(networkParameters(depth: depth, hidden: a) - budget)
        < abs(networkParameters(depth: depth, hidden: b) - budget)
    } ?? 1
  }

  /// The parameter budgets and depths of the depth figure.
  static let budgets = [400, 1600]
  static let depths = [1, 2, 3, 4]

  /// Held-out span F1 after training, `[budget][depth]`, with the hidden size used.
  static let depthResults: [[(hidden: Int, parameters: Int, f1: [Double])]] = budgets.map {
    budget in
    depths.map { depth in
      let hidden = hiddenSize(depth: depth, budget: budget)
      let result = train(tagger(deepElman(depth: depth, hidden: hidden), crf: false))
      return (
        hidden, networkParameters(depth: depth, hidden: hidden), result.f1
      )
    }
  }
}

/// Held-out span F1 after every epoch for four taggers: left to right or bidirectional, with a
/// per-token softmax or a CRF on top.
func taggerComparisonFigure() -> String {
  var chart = LineChart(
    title: "Synthetic tagging task: held-out span F1 (300 sentences)",
    xLabel: "epoch (400 training sentences, 25 Adam updates each)",
    yLabel: "span F1 (exact match, micro-averaged)", width: 680, height: 440)
  let runs: [(String, [Double], Bool)] = [
    ("left to right, softmax", TaggingStudy.forwardSoftmax.f1, true),
    ("left to right + CRF", TaggingStudy.forwardCRF.f1, false),
    ("bidirectional, softmax", TaggingStudy.bidirectionalSoftmax.f1, true),
    ("bidirectional + CRF", TaggingStudy.bidirectionalCRF.f1, false),
  ]
  for (index, (name, f1, dashed)) in runs.enumerated() {
    chart.addSeries(
      LineChart.Series(
        "\(name): \(String(format: "%.3f", f1.last ?? 0))",
        x: f1.indices.map { Double($0 + 1) }, y: f1, color: SVGColor.palette(index / 2 * 2),
        dashed: dashed, showsMarkers: true))
  }
  chart.yRange = 0...1
  chart.legendPosition = .bottomRight
  return chart.svg()
}

/// The transition scores the CRF of the left-to-right tagger learned, with its start scores as
/// an extra row and its end scores as an extra column.
func crfTransitionsFigure() -> String {
  guard let crf = TaggingStudy.forwardCRF.tagger.crf else { return "" }
  let k = crf.tagCount
  var values: [[Double]] = (0..<k).map { i in
    (0..<k).map { j in crf.transitions[i, j] } + [crf.end[0, i]]
  }
  values.append((0..<k).map { crf.start[0, $0] } + [.nan])
  var map = Heatmap(
    values: values, title: "Learned CRF scores: row = previous tag, column = next tag",
    colorScale: .diverging, width: 640, height: 520)
  map.showsValues = true
  map.valueDecimals = 1
  map.rowLabels = TaggingStudy.tags + ["start"]
  map.columnLabels = TaggingStudy.tags + ["end"]
  map.xLabel = "next tag (last column: score of ending the sentence)"
  map.yLabel = "previous tag (last row: score of starting)"
  return map.svg()
}

/// One held-out sentence on which the left-to-right softmax tagger predicts an invalid tag
/// sequence, with what the left-to-right CRF tagger's emissions alone and its Viterbi path
/// predict.
func crfRepairFigure() -> String {
  let softmax = TaggingStudy.forwardSoftmax.tagger
  let crfTagger = TaggingStudy.forwardCRF.tagger
  let softmaxPredictions = softmax.predict(TaggingStudy.heldOut).map(TaggingStudy.names)
  let viterbiPredictions = crfTagger.predict(TaggingStudy.heldOut).map(TaggingStudy.names)
  let invalidSoftmax = softmaxPredictions.filter { !TaggingStudy.isValidIOB2($0) }.count
  let invalidViterbi = viterbiPredictions.filter { !TaggingStudy.isValidIOB2($0) }.count
  // A sentence the CRF gets right where the softmax tagger starts a span with `I-` after `O`
  // (the clearest kind of invalid sequence), or else any invalid one.
  func startsWithInside(_ sequence: [String]) -> Bool {
    zip(["O"] + sequence, sequence).contains { $0 == "O" && $1.hasPrefix("I-") }
  }
  let candidates = TaggingStudy.heldOutSentences.indices.filter { b in
    !TaggingStudy.isValidIOB2(softmaxPredictions[b])
      && viterbiPredictions[b] == TaggingStudy.heldOutSentences[b].tags
      && TaggingStudy.heldOutSentences[b].words.count <= 10
  }
  let chosen =
    candidates.first { startsWithInside(softmaxPredictions[$0]) } ?? candidates.first ?? 0
  let sentence = TaggingStudy.heldOutSentences[chosen]
  let emissionArgmax = TaggingStudy.names(
    crfTagger.emissions(TaggingStudy.heldOut[chosen]).argmaxPerRow())
  let rows: [(String, [String])] = [
    ("word", sentence.words),
    ("gold", sentence.tags),
    ("softmax tagger", softmaxPredictions[chosen]),
    ("CRF emissions' argmax", emissionArgmax),
    ("CRF Viterbi path", viterbiPredictions[chosen]),
  ]
  let columnWidth = 66.0
  let labelWidth = 170.0
  let width = labelWidth + columnWidth * Double(sentence.words.count) + 90
  var diagram = Diagram(
    width: width, height: 300,
    title: "Left-to-right taggers on held-out sentence \(chosen + 1)",
    subtitle:
      "invalid IOB2 sequences over the 300 held-out sentences: softmax \(invalidSoftmax), "
      + "CRF Viterbi \(invalidViterbi)")
  let wrong = SVGColor(hex: 0xF6C6C0)
  let right = SVGColor(hex: 0xDCEFD8)
  for (r, row) in rows.enumerated() {
    let y = 90 + 44 * Double(r)
    diagram.add(Diagram.Node("label\(r)", row.0, x: labelWidth / 2 + 10, y: y, shape: .plain))
    let valid = TaggingStudy.isValidIOB2(row.1)
    for (t, text) in row.1.enumerated() {
      let x = labelWidth + 20 + columnWidth * (Double(t) + 0.5)
      let fill: SVGColor
      if r == 0 {
        fill = SVGColor(hex: 0xF4F4F4)
      } else if r == 1 {
        fill = SVGColor(hex: 0xE8F0FA)
      } else {
        fill = text == sentence.tags[t] ? right : wrong
      }
      diagram.add(
        Diagram.Node(
          "r\(r)c\(t)", text, x: x, y: y, fill: fill, width: columnWidth - 6, height: 30))
    }
    if r >= 2 && !valid {
      diagram.add(
        Diagram.Node(
          "invalid\(r)", "invalid", x: width - 38, y: y, shape: .plain,
          fill: SVGColor(hex: 0xFFFFFF)))
    }
  }
  return diagram.svg()
}

/// Held-out span F1 of deep bidirectional Elman taggers against depth, with the hidden size
/// chosen so that every network of a series has about the same number of parameters.
func depthAtEqualBudgetFigure() -> String {
  var chart = LineChart(
    title: "Deep bidirectional Elman taggers at an equal parameter budget",
    xLabel: "layers (bidirectional, each reading both directions below)",
    yLabel: "held-out span F1", width: 720, height: 440)
  for (index, budget) in TaggingStudy.budgets.enumerated() {
    let results = TaggingStudy.depthResults[index]
    let sizes = results.map { "\($0.hidden)" }.joined(separator: ", ")
    for (epoch, dashed) in [(3, true), (TaggingStudy.epochs, false)] {
      chart.addSeries(
        LineChart.Series(
          "≈\(budget) parameters, \(epoch) epochs" + (dashed ? "" : " (H = \(sizes))"),
          x: TaggingStudy.depths.map(Double.init), y: results.map { $0.f1[epoch - 1] },
          color: SVGColor.palette(index), dashed: dashed, showsMarkers: true))
    }
  }
  chart.yRange = 0...1
  chart.legendPosition = .bottomLeft
  return chart.svg()
}
