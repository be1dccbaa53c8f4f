import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit04
import Unit05
import Unit06
import Unit08

/// Runs `rnnkit translate`; `arguments` are the words after `translate`. Returns the exit
/// status.
func runTranslate(_ arguments: [String]) -> Int32 {
  runCommand(name: "translate", usageLine: translateUsageLine) {
    guard let options = try parseTranslateOptions(arguments) else {
      print(translateHelp)
      return
    }
    MatrixThreads.count = options.threads
    if options.train == nil && options.synthetic == nil {
      try translateText(options)
    } else {
      try trainTranslatorCommand(options)
    }
  }
}

/// A list of tokens and their ids. Source lists start with `<unk>`; target lists with
/// `<unk>`, `<s>` and `</s>` (ids 0, 1, 2). Padding reuses id 0: padded positions are never
/// read as tokens.
struct TranslationVocabulary {
  static let unknown = "<unk>"
  static let start = "<s>"
  static let end = "</s>"

  var tokens: [String]
  var ids: [String: Int]

  init(tokens: [String]) {
    self.tokens = tokens
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = id }
    self.ids = ids
  }

  /// The tokens seen at least `minimumCount` times, most frequent first (ties in order of
  /// first appearance), after `specials`.
  init(counting sentences: [[String]], minimumCount: Int, specials: [String]) {
    var counts: [String: Int] = [:]
    var order: [String] = []
    for sentence in sentences {
      for token in sentence {
        if counts[token] == nil { order.append(token) }
        counts[token, default: 0] += 1
      }
    }
    let kept = order.enumerated()
      .filter { counts[$0.element, default: 0] >= minimumCount && !specials.contains($0.element) }
      .sorted { a, b in
        let (ca, cb) = (counts[a.element, default: 0], counts[b.element, default: 0])
        return ca != cb ? ca > cb : a.offset < b.offset
      }
      .map(\.element)
    self.init(tokens: specials + kept)
  }

  var count: Int { tokens.count }

  func encode(_ sentence: [String]) -> [Int] { sentence.map { ids[$0] ?? 0 } }

  /// The tokens of `ids`, stopping before `</s>` if present.
  func decode(_ ids: [Int]) -> [String] {
    ids.prefix { tokens.indices.contains($0) && tokens[$0] != Self.end }.map { tokens[$0] }
  }
}

/// The shapes of a translation model: enough to rebuild it before loading a checkpoint.
struct TranslatorShape {
  var cell: String
  var layers: Int
  var bidirectional: Bool
  var attention: String
  var attentionSize: Int
  var hidden: Int
  var embedding: Int
  var level: TranslationText.Level
  var reverseSource: Bool
  var outputLength: Int
  var source: TranslationVocabulary
  var target: TranslationVocabulary

  /// `D`, the encoder's output width, which is also the decoder's hidden size.
  var width: Int { bidirectional ? 2 * hidden : hidden }

  var reading: Seq2SeqReading {
    Seq2SeqReading(startToken: 1, endToken: 2, reverseSource: reverseSource)
  }

  var settings: [String: String] {
    let sourceTokens =
      (try? JSONEncoder().encode(source.tokens)).flatMap { String(data: $0, encoding: .utf8) }
      ?? "[]"
    return [
      "cell": cell, "layers": "\(layers)", "bidirectional": "\(bidirectional)",
      "attention": attention, "attentionSize": "\(attentionSize)", "hiddenSize": "\(hidden)",
      "embeddingSize": "\(embedding)", "level": level.rawValue,
      "reverseSource": "\(reverseSource)", "outputLength": "\(outputLength)",
      "sourceTokens": sourceTokens,
    ]
  }

  var describe: String {
    let cellName = ["elman": "Elman", "gru": "GRU", "lstm": "LSTM"][cell] ?? cell
    let depth = layers == 1 ? "" : "\(layers)-layer "
    let attentionName = attention == "none" ? "no attention" : "\(attention) attention"
    return "\(depth)\(bidirectional ? "bidirectional " : "")\(cellName) encoder, "
      + "\(depth)\(cellName) decoder, \(attentionName)"
      + (reverseSource ? ", source reversed" : "")
  }
}

extension TranslatorShape {
  /// The shape a checkpoint of `rnnkit translate` records.
  init(_ checkpoint: Checkpoint) throws {
    guard checkpoint.model == "translator" else {
      throw CommandFailure.input(
        "the checkpoint holds a '\(checkpoint.model)' model; rnnkit translate reads translators")
    }
    func flag(_ key: String) throws -> Bool {
      let value = try checkpoint.setting(key)
      guard let result = Bool(value) else {
        throw CheckpointError.invalidSetting(key: key, value: value)
      }
      return result
    }
    let levelName = try checkpoint.setting("level")
    guard let level = TranslationText.Level(rawValue: levelName) else {
      throw CheckpointError.invalidSetting(key: "level", value: levelName)
    }
    let sourceText = try checkpoint.setting("sourceTokens")
    guard let sourceTokens = try? JSONDecoder().decode([String].self, from: Data(sourceText.utf8))
    else {
      throw CheckpointError.invalidSetting(
        key: "sourceTokens", value: String(sourceText.prefix(40)))
    }
    self.init(
      cell: try checkpoint.setting("cell"), layers: try checkpoint.integerSetting("layers"),
      bidirectional: try flag("bidirectional"), attention: try checkpoint.setting("attention"),
      attentionSize: try checkpoint.integerSetting("attentionSize"),
      hidden: try checkpoint.integerSetting("hiddenSize"),
      embedding: try checkpoint.integerSetting("embeddingSize"), level: level,
      reverseSource: try flag("reverseSource"),
      outputLength: try checkpoint.integerSetting("outputLength"),
      source: TranslationVocabulary(tokens: sourceTokens),
      target: TranslationVocabulary(tokens: checkpoint.vocabulary.tokens))
  }
}

/// What to do with a translation model once it is built: generic over the cell and the
/// attention, which depend on the options.
protocol TranslatorTask {
  func run<Cell: BackpropagatingCell, Mechanism: Attention>(
    _ model: Seq2Seq<Cell, Mechanism>)
    throws
}

/// Builds the model `shape` describes (random weights from `rng`) and hands it to `task`.
func withTranslator(
  _ shape: TranslatorShape, rng: inout RandomSource, _ task: some TranslatorTask
) throws {
  switch shape.cell {
  case "elman":
    try withTranslator(shape, rng: &rng, task) { e, h, rng in
      ElmanCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  case "gru":
    try withTranslator(shape, rng: &rng, task) { e, h, rng in
      GRUCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  case "lstm":
    try withTranslator(shape, rng: &rng, task) { e, h, rng in
      LSTMCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  default:
    throw CommandFailure.input("unknown cell '\(shape.cell)'; available: elman, gru, lstm")
  }
}

private func withTranslator<Layer: BackpropagatingCell>(
  _ shape: TranslatorShape, rng: inout RandomSource, _ task: some TranslatorTask,
  makeCell: (Int, Int, inout RandomSource) -> Layer
) throws {
  if shape.layers == 1 {
    try withAttention(shape, rng: &rng, task, makeCell: makeCell)
  } else {
    try withAttention(shape, rng: &rng, task) { e, h, rng in
      StackedCell(layers: (0..<shape.layers).map { l in makeCell(l == 0 ? e : h, h, &rng) })
    }
  }
}

private func withAttention<Cell: BackpropagatingCell>(
  _ shape: TranslatorShape, rng: inout RandomSource, _ task: some TranslatorTask,
  makeCell: (Int, Int, inout RandomSource) -> Cell
) throws {
  let e = shape.embedding
  let d = shape.width
  let forward = makeCell(e, shape.hidden, &rng)
  let backward = shape.bidirectional ? makeCell(e, shape.hidden, &rng) : nil
  let decoder = makeCell(e + d, d, &rng)
  func model<M: Attention>(_ attention: M) -> Seq2Seq<Cell, M> {
    Seq2Seq(
      sourceVocabularySize: shape.source.count, targetVocabularySize: shape.target.count,
      embeddingSize: e, encoderCell: forward, backwardEncoderCell: backward, decoder: decoder,
      attention: attention, rng: &rng)
  }
  switch shape.attention {
  case "none": try task.run(model(NoAttention()))
  case "dot": try task.run(model(DotAttention(size: d)))
  case "additive":
    var attentionRNG = rng
    let attention = AdditiveAttention(
      querySize: d, keySize: d, attentionSize: shape.attentionSize, rng: &attentionRNG)
    rng = attentionRNG
    try task.run(model(attention))
  default:
    throw CommandFailure.input(
      "unknown attention '\(shape.attention)'; available: none, additive, dot")
  }
}

/// The training, validation and test pairs of a run.
struct TranslationData {
  var train: [SentencePair]
  var valid: [SentencePair]
  var test: [SentencePair]
  var label: String
  var baseName: String
  var level: TranslationText.Level
}

func readSentencePairs(_ path: String) throws -> [SentencePair] {
  do {
    return try SentencePairFile.read(path)
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  } catch let error as SentencePairError {
    throw CommandFailure.input(error.description)
  }
}

func loadTranslationData(_ options: TranslateOptions) throws -> TranslationData {
  let defaultLevel: TranslationText.Level = options.synthetic == "dates" ? .character : .word
  let level = options.level.flatMap(TranslationText.Level.init(rawValue:)) ?? defaultLevel
  let count = options.pairs
  let held = max(count / 10, 200)
  switch options.synthetic {
  case "dates":
    let splits = SyntheticTranslation.dateSplits(train: count, valid: held, test: held, seed: 1)
    return TranslationData(
      train: splits.train, valid: splits.valid, test: splits.test,
      label: "\(count) synthetic dates", baseName: "dates", level: level)
  case "reversal":
    return TranslationData(
      train: SyntheticTranslation.reversal(count: count, seed: 1, lengths: 10...20),
      valid: SyntheticTranslation.reversal(count: held, seed: 2, lengths: 10...20),
      test: SyntheticTranslation.reversal(count: held, seed: 3, lengths: 10...20),
      label: "\(count) synthetic reversals", baseName: "reversal", level: level)
  default:
    let path = options.train ?? ""
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    var data = TranslationData(
      train: try readSentencePairs(path), valid: try options.valid.map(readSentencePairs) ?? [],
      test: try options.test.map(readSentencePairs) ?? [], label: "'\(path)'",
      baseName: name.isEmpty ? "translator" : name, level: level)
    if options.holdOut > 0 {
      var rng = RandomSource(seed: options.seed)
      let split = try holdOut(data.train, count: options.holdOut, rng: &rng)
      data.train = split.train
      data.valid += split.valid
      data.test += split.test
    }
    return data
  }
}

/// A pair's tokens on both sides.
struct TokenizedPair {
  var source: [String]
  var target: [String]

  init(_ pair: SentencePair, level: TranslationText.Level) {
    source = TranslationText.tokens(pair.source, level: level)
    target = TranslationText.tokens(pair.target, level: level)
  }
}

extension Seq2Seq {
  /// The translations (tokens) of `sources`: batched greedy decoding for `beam` 1, beam search
  /// one sentence at a time otherwise.
  func translations(
    _ sources: [[Int]], shape: TranslatorShape, beam: Int, lengthPenalty: Double
  ) -> [[String]] {
    if beam <= 1 {
      return greedyTranslations(sources, reading: shape.reading, maxLength: shape.outputLength)
        .map { shape.target.decode($0) }
    }
    return sources.map { source in
      shape.target.decode(
        translate(
          source, reading: shape.reading, maxLength: shape.outputLength, beamWidth: beam,
          lengthPenalty: lengthPenalty
        ).tokens)
    }
  }
}

/// Held-out pairs grouped by source: every distinct source sentence once, with all the
/// targets the pairs give it as its references (Tatoeba often has several translations of one
/// sentence; BLEU takes them all as references).
struct EvaluationSet {
  var sources: [[String]] = []
  var references: [[[String]]] = []
  var pairs = 0

  init(_ pairs: [TokenizedPair]) {
    var index: [[String]: Int] = [:]
    for pair in pairs {
      if let i = index[pair.source] {
        references[i].append(pair.target)
      } else {
        index[pair.source] = sources.count
        sources.append(pair.source)
        references.append([pair.target])
      }
    }
    self.pairs = pairs.count
  }

  var isEmpty: Bool { sources.isEmpty }
  var describe: String {
    sources.count == pairs
      ? "\(pairs) pairs" : "\(sources.count) sentences, \(pairs) pairs as references"
  }
}

/// Corpus BLEU (percent) and exact match (percent: the output equals one of the references).
func translationScores(
  _ outputs: [[String]], _ set: EvaluationSet
) -> (
  bleu: Double, exact: Double
) {
  let bleu = BLEU.corpus(hypotheses: outputs, references: set.references)
  let exact = zip(outputs, set.references).filter { $0.1.contains($0.0) }.count
  return (100 * bleu, 100 * Double(exact) / Double(max(set.sources.count, 1)))
}

/// Moves the pairs of `count` distinct source sentences (chosen with `rng`) out of `pairs`
/// for validation, and `count` more for testing.
func holdOut(
  _ pairs: [SentencePair], count: Int, rng: inout RandomSource
) throws -> (
  train: [SentencePair], valid: [SentencePair], test: [SentencePair]
) {
  var order: [String] = []
  var seen: Set<String> = []
  for pair in pairs where seen.insert(pair.source).inserted { order.append(pair.source) }
  guard 2 * count < order.count else {
    throw CommandFailure.usage(
      "--hold-out \(count) needs more than \(2 * count) distinct source sentences; the "
        + "training file has \(order.count)")
  }
  let shuffled = rng.permutation(order.count).map { order[$0] }
  let valid = Set(shuffled.prefix(count))
  let test = Set(shuffled.dropFirst(count).prefix(count))
  return (
    pairs.filter { !valid.contains($0.source) && !test.contains($0.source) },
    pairs.filter { valid.contains($0.source) }, pairs.filter { test.contains($0.source) }
  )
}

/// Trains a translation model as the options say.
func trainTranslatorCommand(_ options: TranslateOptions) throws {
  let data = try loadTranslationData(options)
  guard !data.train.isEmpty else {
    throw CommandFailure.input("no training pairs in \(data.label)")
  }
  let train = data.train.map { TokenizedPair($0, level: data.level) }
  let kept = train.filter {
    !$0.source.isEmpty && !$0.target.isEmpty && $0.source.count <= options.maxLength
      && $0.target.count <= options.maxLength
  }
  guard !kept.isEmpty else {
    throw CommandFailure.input(
      "every training pair of \(data.label) is longer than --max-length \(options.maxLength) "
        + "tokens on one side")
  }
  let source = TranslationVocabulary(
    counting: kept.map(\.source), minimumCount: options.minimumCount,
    specials: [TranslationVocabulary.unknown])
  let target = TranslationVocabulary(
    counting: kept.map(\.target), minimumCount: options.minimumCount,
    specials: [
      TranslationVocabulary.unknown, TranslationVocabulary.start, TranslationVocabulary.end,
    ])
  let longest = kept.map(\.target.count).max() ?? 1
  let shape = TranslatorShape(
    cell: options.cell, layers: options.layers, bidirectional: options.bidirectional,
    attention: options.attention, attentionSize: options.attentionSize ?? options.hidden,
    hidden: options.hidden, embedding: options.embedding, level: data.level,
    reverseSource: options.reverseSource,
    outputLength: options.outputLength > 0 ? options.outputLength : 2 * longest + 10,
    source: source, target: target)
  var rng = RandomSource(seed: options.seed)
  try withTranslator(
    shape, rng: &rng,
    TrainTranslatorTask(
      options: options, data: data, shape: shape, train: kept,
      skipped: train.count - kept.count))
}

struct TrainTranslatorTask: TranslatorTask {
  var options: TranslateOptions
  var data: TranslationData
  var shape: TranslatorShape
  var train: [TokenizedPair]
  var skipped: Int

  func run<Cell: BackpropagatingCell, Mechanism: Attention>(
    _ initial: Seq2Seq<Cell, Mechanism>
  ) throws {
    var model = initial
    let pairs = train.map {
      EncodedPair(source: shape.source.encode($0.source), target: shape.target.encode($0.target))
    }
    let valid = EvaluationSet(data.valid.map { TokenizedPair($0, level: data.level) })
    let test = EvaluationSet(data.test.map { TokenizedPair($0, level: data.level) })
    let validSources = valid.sources.map { shape.source.encode($0) }
    let rate =
      options.learningRate ?? ["adam": 0.002, "sgd": 0.5, "adagrad": 0.1][options.optimizer]
      ?? 0.002
    let clipping: ClippingRule? =
      options.clipNorm.map { .globalNorm($0) } ?? options.clipValue.map { .value($0) }
    let tokens = pairs.reduce(0) { $0 + $1.target.count + 1 }
    print(
      "training a translator (\(shape.describe)) on \(data.label): \(pairs.count) pairs "
        + "(\(groupedThousands(tokens)) target tokens, \(data.level.rawValue) level)"
        + (skipped > 0 ? ", \(skipped) longer than \(options.maxLength) tokens skipped" : "")
        + "; validation: \(valid.describe); test: \(test.describe)")
    print(
      "V = \(shape.source.count) source, \(shape.target.count) target tokens; E = "
        + "\(shape.embedding), H = \(shape.hidden) per direction, decoder \(shape.width); "
        + "\(groupedThousands(model.parameterCount)) parameters; \(options.optimizer) lr "
        + "\(formatNumber(rate)), batch \(options.batch), clipping: "
        + (clipping.map { "\($0)" } ?? "none"))

    var best = model
    var bestBLEU = -1.0
    var bestEpoch = 0
    var epochLosses: [Double] = []
    var validBLEU: [Double] = []
    var lossSum = 0.0
    var reports = 0.0
    var diverged: Seq2SeqProgress?
    var clock = Date()
    let started = Date()
    let progress: (Seq2SeqProgress) -> Bool = { progress in
      guard progress.loss.isFinite else {
        diverged = progress
        return false
      }
      lossSum += progress.loss
      reports += 1
      print(
        "epoch \(progress.epoch)/\(options.epochs)  update \(progress.update)/"
          + "\(progress.updatesPerEpoch)  loss \(String(format: "%.4f", progress.loss))  "
          + "\(groupedThousands(Int(progress.tokensPerSecond))) tokens/s")
      return true
    }
    let epochEnd: (Int, Seq2Seq<Cell, Mechanism>) -> Bool = { epoch, current in
      epochLosses.append(reports == 0 ? 0 : lossSum / reports)
      lossSum = 0
      reports = 0
      var line =
        "epoch \(epoch)/\(options.epochs) done in "
        + String(format: "%.1f", Date().timeIntervalSince(clock)) + " s"
      if valid.isEmpty {
        best = current
        bestEpoch = epoch
      } else {
        let outputs = current.translations(
          validSources, shape: shape, beam: 1, lengthPenalty: 0)
        let scores = translationScores(outputs, valid)
        validBLEU.append(scores.bleu)
        line +=
          ": validation BLEU \(String(format: "%.2f", scores.bleu)), exact match "
          + "\(String(format: "%.1f", scores.exact))% (greedy)"
        if scores.bleu > bestBLEU {
          bestBLEU = scores.bleu
          best = current
          bestEpoch = epoch
        }
      }
      print(line)
      clock = Date()
      return true
    }
    let transform: ((inout Seq2Seq<Cell, Mechanism>) -> Void)? =
      clipping.map { rule in { _ = rule.apply(&$0) } }
    var current = model
    var training = Seq2SeqTrainingOptions()
    training.epochs = options.epochs
    training.batchSize = options.batch
    training.seed = options.seed
    func run<O: Optimizer>(_ optimizer: O) {
      var optimizer = optimizer
      current.train(
        on: pairs, reading: shape.reading, options: training, optimizer: &optimizer,
        reportEvery: options.logEvery, gradientTransform: transform, progress: progress,
        epochEnd: epochEnd)
    }
    switch options.optimizer {
    case "sgd": run(SGD(learningRate: rate, momentum: options.momentum))
    case "adagrad": run(Adagrad(learningRate: rate))
    default: run(Adam(learningRate: rate))
    }
    if let bad = diverged {
      throw CommandFailure.input(
        "training diverged at epoch \(bad.epoch), update \(bad.update): the loss is "
          + "\(formatNumber(bad.loss)) (options: --clip-norm C, --lr R); nothing was saved")
    }
    model = best
    let seconds = Date().timeIntervalSince(started)
    print(
      "done in \(String(format: "%.1f", seconds)) s"
        + (valid.isEmpty
          ? "" : "; kept epoch \(bestEpoch) (validation BLEU \(String(format: "%.2f", bestBLEU)))"))

    var notes = [
      "source": data.label, "epochs": "\(options.epochs)", "keptEpoch": "\(bestEpoch)",
      "trainingSeconds": String(format: "%.1f", seconds), "optimizer": options.optimizer,
      "learningRate": formatNumber(rate),
    ]
    if !test.isEmpty {
      let decoding =
        options.beam == 1
        ? "greedy" : "beam \(options.beam), length penalty \(formatNumber(options.lengthPenalty))"
      let clockStart = Date()
      let outputs = model.translations(
        test.sources.map { shape.source.encode($0) }, shape: shape, beam: options.beam,
        lengthPenalty: options.lengthPenalty)
      let scores = translationScores(outputs, test)
      let elapsed = String(format: "%.1f", Date().timeIntervalSince(clockStart))
      print(
        "test (\(test.describe), \(decoding), \(elapsed) s): BLEU "
          + String(format: "%.2f", scores.bleu) + ", exact match "
          + String(format: "%.1f", scores.exact) + "%")
      notes["testBLEU"] = String(format: "%.2f", scores.bleu)
      for k in 0..<min(options.show, outputs.count) {
        print("  source:    \(TranslationText.join(test.sources[k], level: data.level))")
        print("  output:    \(TranslationText.join(outputs[k], level: data.level))")
        for reference in test.references[k] {
          print("  reference: \(TranslationText.join(reference, level: data.level))")
        }
      }
    }
    let checkpointPath = options.checkpoint ?? "\(data.baseName)-translator.checkpoint.json"
    let curvePath = options.curve ?? "\(data.baseName)-translator.curve.svg"
    let checkpoint = Checkpoint(
      model: "translator", settings: shape.settings,
      vocabulary: try TokenVocabulary(level: .character, tokens: shape.target.tokens),
      parameters: model, notes: notes)
    try checkpoint.write(to: checkpointPath)
    try writeCurve(curvePath, epochLosses: epochLosses, validBLEU: validBLEU)
    print("wrote \(checkpointPath)")
    print("wrote \(curvePath)")
    if shape.attention != "none" {
      let pool = !test.isEmpty ? test.sources : !valid.isEmpty ? valid.sources : train.map(\.source)
      let index =
        options.heatmapSentence > 0
        ? min(options.heatmapSentence, pool.count) - 1
        : pool.indices.max {
          pool[$0].count < pool[$1].count || (pool[$0].count == pool[$1].count && $0 > $1)
        } ?? 0
      let heatmapPath = options.heatmap ?? "\(data.baseName)-translator.attention.svg"
      try writeAttentionHeatmap(
        model, source: pool[index], shape: shape, beam: options.beam,
        lengthPenalty: options.lengthPenalty, to: heatmapPath)
      print("wrote \(heatmapPath)")
    }
    print("translate with it: rnnkit translate --checkpoint \(checkpointPath) [--input FILE]")
  }

  func writeCurve(_ path: String, epochLosses: [Double], validBLEU: [Double]) throws {
    var chart: LineChart
    let epochs = (1...max(epochLosses.count, 1)).map(Double.init)
    if validBLEU.isEmpty {
      chart = LineChart(
        title: "\(shape.describe) on \(data.label)", xLabel: "epoch",
        yLabel: "training loss (nats per token)")
      chart.addSeries("training loss", x: Array(epochs.prefix(epochLosses.count)), y: epochLosses)
    } else {
      chart = LineChart(
        title: "\(shape.describe) on \(data.label)", xLabel: "epoch",
        yLabel: "validation BLEU (greedy)")
      chart.addSeries("validation BLEU", x: Array(epochs.prefix(validBLEU.count)), y: validBLEU)
    }
    do {
      try chart.write(to: path)
    } catch {
      throw CommandFailure.input("cannot write \(path): \(error.localizedDescription)")
    }
  }
}

/// Draws the attention weights of the model's translation of a source sentence: one row per
/// output token (and `</s>`), one column per source token.
func writeAttentionHeatmap<Cell: BackpropagatingCell, Mechanism: Attention>(
  _ model: Seq2Seq<Cell, Mechanism>, source tokens: [String], shape: TranslatorShape,
  beam: Int, lengthPenalty: Double, to path: String
) throws {
  let source = shape.source.encode(tokens)
  let output = model.translate(
    source, reading: shape.reading, maxLength: shape.outputLength, beamWidth: beam,
    lengthPenalty: lengthPenalty
  ).tokens.filter { $0 != shape.reading.endToken }
  let weights = model.attentionWeights(source: source, output: output, reading: shape.reading)
  func label(_ token: String) -> String { token == " " ? "␣" : token }
  var map = Heatmap(
    matrix: weights, title: "Attention weights: where each output token looked",
    width: max(480, 120 + 26 * Double(source.count)), height: 110 + 22 * Double(weights.rows))
  map.columnLabels = tokens.map(label)
  map.rowLabels = (shape.target.decode(output) + [TranslationVocabulary.end]).map(label)
  map.xLabel = "source"
  map.yLabel = "output"
  map.valueRange = 0...1
  do {
    try map.write(to: path)
  } catch {
    throw CommandFailure.input("cannot write \(path): \(error.localizedDescription)")
  }
}

/// Translates text (one sentence per line, from `--input` or standard input) with a saved
/// model.
func translateText(_ options: TranslateOptions) throws {
  let checkpoint = try Checkpoint.read(from: options.checkpoint ?? "")
  let shape = try TranslatorShape(checkpoint)
  let text: String
  if let input = options.input {
    text = try readText(input)
  } else {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    do {
      text = try TextFile.decode(data, path: "standard input")
    } catch let error as TextFileError {
      throw CommandFailure.input(error.description)
    }
  }
  var rng = RandomSource(seed: 1)
  try withTranslator(
    shape, rng: &rng,
    TranslateTextTask(
      checkpoint: checkpoint, shape: shape, text: text, beam: options.beam,
      lengthPenalty: options.lengthPenalty))
}

struct TranslateTextTask: TranslatorTask {
  var checkpoint: Checkpoint
  var shape: TranslatorShape
  var text: String
  var beam: Int
  var lengthPenalty: Double

  func run<Cell: BackpropagatingCell, Mechanism: Attention>(
    _ initial: Seq2Seq<Cell, Mechanism>
  ) throws {
    var model = initial
    try checkpoint.load(into: &model)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0.hasSuffix("\r") ? $0.dropLast() : $0)
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    for line in lines {
      let tokens = TranslationText.tokens(line, level: shape.level)
      guard !tokens.isEmpty else {
        print("")
        continue
      }
      let output = model.translations(
        [shape.source.encode(tokens)], shape: shape, beam: beam, lengthPenalty: lengthPenalty)
      print(TranslationText.join(output.first ?? [], level: shape.level))
    }
  }
}
