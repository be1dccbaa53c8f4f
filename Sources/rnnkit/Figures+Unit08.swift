import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit05
import Unit08

// MARK: Lecture 08: encoder-decoders on the synthetic translation tasks

/// Small encoder-decoders trained on the kit's synthetic translation tasks, shared by the unit
/// 08 figures; every number comes from fixed seeds.
enum TranslationStudy {
  static let reading = Seq2SeqReading(startToken: 1, endToken: 2, reverseSource: false)

  /// Trains `model` with Adam (step 0.01, batches of 32) for `epochs` passes.
  static func trained<Cell: BackpropagatingCell, M: Attention>(
    _ model: Seq2Seq<Cell, M>, on pairs: [EncodedPair], epochs: Int
  ) -> Seq2Seq<Cell, M> {
    var model = model
    var options = Seq2SeqTrainingOptions()
    options.epochs = epochs
    options.batchSize = 32
    options.seed = 4
    var adam = Adam(learningRate: 0.01)
    model.train(on: pairs, reading: reading, options: options, optimizer: &adam)
    return model
  }

  // Dates, character level: ids 0 padding and <unk>, 1 <s>, 2 </s>, then characters.
  static let dateSplits = SyntheticTranslation.dateSplits(train: 3000, valid: 0, test: 300, seed: 1)
  static let dateSourceCharacters = characters(dateSplits.train.map(\.source))
  static let dateTargetCharacters = characters(dateSplits.train.map(\.target))

  /// Every character of `texts`, in order of first appearance.
  static func characters(_ texts: [String]) -> [Character] {
    var seen: Set<Character> = []
    var out: [Character] = []
    for text in texts {
      for c in text where seen.insert(c).inserted { out.append(c) }
    }
    return out
  }

  static func ids(_ text: String, _ alphabet: [Character]) -> [Int] {
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0 + 3) })
    return text.map { index[$0] ?? 0 }
  }

  /// A bidirectional GRU encoder (16 units per direction), GRU decoder and additive attention,
  /// trained for 3 epochs on 3,000 dates.
  static let dateModel: Seq2Seq<GRUCell, AdditiveAttention> = {
    var rng = RandomSource(seed: 21)
    let e = 16
    let h = 16
    let model = Seq2Seq(
      sourceVocabularySize: dateSourceCharacters.count + 3,
      targetVocabularySize: dateTargetCharacters.count + 3, embeddingSize: e,
      encoderCell: GRUCell(inputSize: e, hiddenSize: h, rng: &rng),
      backwardEncoderCell: GRUCell(inputSize: e, hiddenSize: h, rng: &rng),
      decoder: GRUCell(inputSize: e + 2 * h, hiddenSize: 2 * h, rng: &rng),
      attention: AdditiveAttention(querySize: 2 * h, keySize: 2 * h, attentionSize: h, rng: &rng),
      rng: &rng)
    let pairs = dateSplits.train.map {
      EncodedPair(
        source: ids($0.source, dateSourceCharacters), target: ids($0.target, dateTargetCharacters))
    }
    return trained(model, on: pairs, epochs: 3)
  }()

  // Reversal, word level: ids 0 padding, 1 <s>, 2 </s>, 3... the letters a, b, ...
  static func letterIDs(_ text: String) -> [Int] {
    text.split(separator: " ").compactMap { $0.unicodeScalars.first.map { Int($0.value) - 94 } }
  }

  static func reversalPairs(count: Int, seed: UInt64, lengths: ClosedRange<Int>) -> [EncodedPair] {
    SyntheticTranslation.reversal(count: count, seed: seed, lengths: lengths).map {
      EncodedPair(source: letterIDs($0.source), target: letterIDs($0.target))
    }
  }

  static let reversalLengths = 4...24
  static let reversalTraining = reversalPairs(count: 3000, seed: 31, lengths: reversalLengths)

  /// The same GRU encoder-decoder (24 units per direction, bidirectional), with or without
  /// additive attention, trained for 8 epochs on 3,000 reversals of 4 to 24 letters.
  static func reversalModel<M: Attention>(
    attention: (inout RandomSource) -> M
  ) -> Seq2Seq<GRUCell, M> {
    var rng = RandomSource(seed: 33)
    let e = 16
    let h = 24
    let model = Seq2Seq(
      sourceVocabularySize: 11, targetVocabularySize: 11, embeddingSize: e,
      encoderCell: GRUCell(inputSize: e, hiddenSize: h, rng: &rng),
      backwardEncoderCell: GRUCell(inputSize: e, hiddenSize: h, rng: &rng),
      decoder: GRUCell(inputSize: e + 2 * h, hiddenSize: 2 * h, rng: &rng),
      attention: attention(&rng), rng: &rng)
    return trained(model, on: reversalTraining, epochs: 8)
  }

  /// Exact match and token accuracy of greedy translations of 40 held-out reversals per length.
  static func reversalScores<M: Attention>(
    _ model: Seq2Seq<GRUCell, M>
  ) -> (exact: [Double], tokens: [Double]) {
    var exact: [Double] = []
    var tokens: [Double] = []
    for length in reversalLengths {
      let test = reversalPairs(count: 40, seed: 100 + UInt64(length), lengths: length...length)
      let output = model.greedyTranslations(
        test.map(\.source), reading: reading, maxLength: length + 4)
      var right = 0
      var correct = 0
      for (o, pair) in zip(output, test) {
        if o == pair.target { right += 1 }
        for (k, y) in pair.target.enumerated() where k < o.count && o[k] == y { correct += 1 }
      }
      exact.append(Double(right) / Double(test.count))
      tokens.append(Double(correct) / Double(test.count * length))
    }
    return (exact, tokens)
  }
}

/// Figure 08.1: the attention weights of the date model on a held-out date written with a
/// weekday and a month name.
func attentionHeatmapFigure() -> String {
  let model = TranslationStudy.dateModel
  let source =
    TranslationStudy.dateSplits.test.first { $0.source.contains(",") && $0.source.count > 20 }
    ?? TranslationStudy.dateSplits.test[0]
  let sourceIDs = TranslationStudy.ids(source.source, TranslationStudy.dateSourceCharacters)
  let output = model.translate(
    sourceIDs, reading: TranslationStudy.reading, maxLength: 14
  ).tokens.filter { $0 != 2 }
  let weights = model.attentionWeights(
    source: sourceIDs, output: output, reading: TranslationStudy.reading)
  let targetCharacters = TranslationStudy.dateTargetCharacters
  var map = Heatmap(
    matrix: weights,
    title: "Attention on an unseen date: \"\(source.source)\"",
    width: 120 + 24 * Double(sourceIDs.count), height: 120 + 24 * Double(weights.rows))
  map.columnLabels = source.source.map { $0 == " " ? "␣" : String($0) }
  map.rowLabels =
    output.map {
      $0 >= 3 && $0 - 3 < targetCharacters.count ? String(targetCharacters[$0 - 3]) : "?"
    }
    + ["</s>"]
  map.xLabel = "input character"
  map.yLabel = "output character"
  map.valueRange = 0...1
  return map.svg()
}

/// Figure 08.2: held-out token accuracy against the length of the sequence to reverse, for the
/// same encoder-decoder with and without attention.
func lengthVersusAttentionFigure() -> String {
  let plain = TranslationStudy.reversalScores(
    TranslationStudy.reversalModel { _ in NoAttention() })
  let attentive = TranslationStudy.reversalScores(
    TranslationStudy.reversalModel {
      AdditiveAttention(querySize: 48, keySize: 48, attentionSize: 24, rng: &$0)
    })
  let lengths = TranslationStudy.reversalLengths.map(Double.init)
  var chart = LineChart(
    title: "Reversing sequences: held-out accuracy by length",
    xLabel: "sequence length (letters)", yLabel: "accuracy (%)")
  chart.yRange = 0...100
  chart.addSeries(
    "tokens right, additive attention", x: lengths, y: attentive.tokens.map { 100 * $0 })
  chart.addSeries("tokens right, no attention", x: lengths, y: plain.tokens.map { 100 * $0 })
  chart.addSeries(
    "whole sequence right, additive attention", x: lengths, y: attentive.exact.map { 100 * $0 },
    dashed: true)
  chart.addSeries(
    "whole sequence right, no attention", x: lengths, y: plain.exact.map { 100 * $0 }, dashed: true)
  return chart.svg()
}
