import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit04
import Unit05
import Unit06
import Unit07

/// Runs `rnnkit tag`; `arguments` are the words after `tag`. Returns the exit status.
func runTag(_ arguments: [String]) -> Int32 {
  runCommand(name: "tag", usageLine: tagUsageLine) {
    guard let options = try parseTagOptions(arguments) else {
      print(tagHelp)
      return
    }
    MatrixThreads.count = options.threads
    if let input = options.input {
      try tagText(
        checkpointPath: options.checkpoint ?? "", inputPath: input, format: options.format)
    } else {
      try trainTaggerCommand(options)
    }
  }
}

/// The shapes of a tagger: enough to rebuild it before loading a checkpoint.
struct TaggerShape {
  var cell: String
  var layers: Int
  var bidirectional: Bool
  var crf: Bool
  var hidden: Int
  var embedding: Int
  var shapeEmbedding: Int
  var vocabularySize: Int
  var tags: [String]
  var lowercase: Bool

  var settings: [String: String] {
    [
      "cell": cell, "layers": "\(layers)", "bidirectional": "\(bidirectional)",
      "crf": "\(crf)", "hiddenSize": "\(hidden)", "embeddingSize": "\(embedding)",
      "shapeEmbeddingSize": "\(shapeEmbedding)", "tags": tags.joined(separator: " "),
      "lowercase": "\(lowercase)",
    ]
  }

}

extension TaggerShape {
  /// The shape a checkpoint of `rnnkit tag` records in its settings.
  init(_ checkpoint: Checkpoint) throws {
    guard checkpoint.model == "tagger" else {
      throw CommandFailure.input(
        "the checkpoint holds a '\(checkpoint.model)' model; rnnkit tag reads taggers")
    }
    func flag(_ key: String) throws -> Bool {
      let value = try checkpoint.setting(key)
      guard let result = Bool(value) else {
        throw CheckpointError.invalidSetting(key: key, value: value)
      }
      return result
    }
    self.init(
      cell: try checkpoint.setting("cell"), layers: try checkpoint.integerSetting("layers"),
      bidirectional: try flag("bidirectional"), crf: try flag("crf"),
      hidden: try checkpoint.integerSetting("hiddenSize"),
      embedding: try checkpoint.integerSetting("embeddingSize"),
      shapeEmbedding: try checkpoint.integerSetting("shapeEmbeddingSize"),
      vocabularySize: checkpoint.vocabulary.count,
      tags: try checkpoint.setting("tags").split(separator: " ").map(String.init),
      lowercase: try flag("lowercase"))
  }

  var describe: String {
    let cellName = ["elman": "Elman", "gru": "GRU", "lstm": "LSTM"][cell] ?? cell
    return "\(layers == 1 ? "" : "\(layers)-layer ")"
      + "\(bidirectional ? "bidirectional " : "")\(cellName)\(crf ? "-CRF" : " + softmax")"
  }
}

/// What to do with a tagger once it is built: generic over the encoder's type, which depends
/// on the options (cell, direction).
protocol TaggerTask {
  func run<Encoder: SequenceLayer>(_ model: SequenceTagger<Encoder>) throws
}

/// Builds the tagger `shape` describes (random weights from `rng`) and hands it to `task`.
func withTagger(_ shape: TaggerShape, rng: inout RandomSource, _ task: some TaggerTask) throws {
  switch shape.cell {
  case "elman":
    try withTagger(shape, rng: &rng, task) { e, h, rng in
      ElmanCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  case "gru":
    try withTagger(shape, rng: &rng, task) { e, h, rng in
      GRUCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  case "lstm":
    try withTagger(shape, rng: &rng, task) { e, h, rng in
      LSTMCell(inputSize: e, hiddenSize: h, rng: &rng)
    }
  default:
    throw CommandFailure.input("unknown cell '\(shape.cell)'; available: elman, gru, lstm")
  }
}

private func withTagger<Cell: BackpropagatingCell>(
  _ shape: TaggerShape, rng: inout RandomSource, _ task: some TaggerTask,
  makeCell: (Int, Int, inout RandomSource) -> Cell
) throws {
  let input = shape.embedding + shape.shapeEmbedding
  func tagger<Encoder: SequenceLayer>(_ encoder: Encoder) -> SequenceTagger<Encoder> {
    SequenceTagger(
      vocabularySize: shape.vocabularySize, shapeCount: WordShape.allCases.count,
      embeddingSize: shape.embedding, shapeSize: shape.shapeEmbedding, encoder: encoder,
      tagCount: shape.tags.count, crf: shape.crf, rng: &rng)
  }
  if shape.bidirectional {
    var layers: [BidirectionalLayer<Cell, Cell>] = []
    for l in 0..<shape.layers {
      let width = l == 0 ? input : 2 * shape.hidden
      layers.append(
        BidirectionalLayer(
          forward: makeCell(width, shape.hidden, &rng),
          backward: makeCell(width, shape.hidden, &rng)))
    }
    try task.run(tagger(StackedLayers(layers)))
  } else {
    var layers: [RecurrentLayer<Cell>] = []
    for l in 0..<shape.layers {
      let width = l == 0 ? input : shape.hidden
      layers.append(RecurrentLayer(cell: makeCell(width, shape.hidden, &rng)))
    }
    try task.run(tagger(StackedLayers(layers)))
  }
}

/// The training, validation and test sentences of a run, tags in IOB2.
struct TaggingData {
  var train: [TaggedSentence]
  var valid: [TaggedSentence]
  var test: [TaggedSentence]
  var label: String
  var baseName: String
}

func readTaggedSentences(_ path: String) throws -> [TaggedSentence] {
  do {
    return try CoNLLFile.read(path).map { sentence in
      TaggedSentence(words: sentence.words, tags: BIO.iob2(fromIOB1: sentence.tags))
    }
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  }
}

func loadTaggingData(_ options: TagOptions) throws -> TaggingData {
  if let count = options.synthetic {
    let held = max(count / 5, 100)
    return TaggingData(
      train: SyntheticTagging.sentences(count: count, seed: 1),
      valid: SyntheticTagging.sentences(count: held, seed: 2),
      test: SyntheticTagging.sentences(count: held, seed: 3),
      label: "\(count) synthetic sentences", baseName: "synthetic")
  }
  let path = options.train ?? ""
  let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  return TaggingData(
    train: try readTaggedSentences(path),
    valid: try options.valid.map(readTaggedSentences) ?? [],
    test: try options.test.map(readTaggedSentences) ?? [], label: "'\(path)'",
    baseName: name.isEmpty ? "tagger" : name)
}

/// The tags of the training sentences: `O` first, then by type, `B-` before `I-`.
func tagSet(_ sentences: [TaggedSentence]) -> [String] {
  let seen = Set(sentences.flatMap(\.tags)).subtracting(["O"])
  return ["O"]
    + seen.sorted {
      let a = BIO.parse($0)
      let b = BIO.parse($1)
      return a.type != b.type ? a.type < b.type : a.prefix < b.prefix
    }
}

/// Turns sentences into ids: words (lowercased unless the shape says otherwise), shapes and
/// tags (a tag the tagger does not know becomes `O`; it is only used for training).
struct TaggerEncoding {
  var vocabulary: TokenVocabulary
  var tags: [String]
  var lowercase: Bool
  var tagIDs: [String: Int]

  init(vocabulary: TokenVocabulary, tags: [String], lowercase: Bool) {
    self.vocabulary = vocabulary
    self.tags = tags
    self.lowercase = lowercase
    self.tagIDs = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
  }

  func word(_ w: String) -> String { lowercase ? w.lowercased() : w }

  func encode(_ words: [String], tags: [String]? = nil) -> EncodedSentence {
    EncodedSentence(
      words: words.map { vocabulary.id(of: word($0)) },
      shapes: words.map { WordShape($0).rawValue },
      tags: (tags ?? words.map { _ in "O" }).map { tagIDs[$0] ?? 0 })
  }
}

extension SequenceTagger {
  /// The predicted tags (as strings) of `sentences`, in batches of 64.
  func predictTags(_ sentences: [EncodedSentence], tags: [String]) -> [[String]] {
    var out: [[String]] = []
    for start in stride(from: 0, to: sentences.count, by: 64) {
      let batch = Array(sentences[start..<min(start + 64, sentences.count)])
      out += predict(batch).map { $0.map { tags[$0] } }
    }
    return out
  }
}

/// The per-type table CoNLL's evaluation script prints, in percent.
func spanTable(_ evaluation: SpanEvaluation) -> String {
  func row(_ name: String, _ c: SpanEvaluation.Counts) -> String {
    name.padding(toLength: 10, withPad: " ", startingAt: 0)
      + "\(c.gold)".rightAligned(7) + "\(c.predicted)".rightAligned(10)
      + "\(c.correct)".rightAligned(9)
      + String(format: "%.2f", 100 * c.precision).rightAligned(11)
      + String(format: "%.2f", 100 * c.recall).rightAligned(8)
      + String(format: "%.2f", 100 * c.f1).rightAligned(8)
  }
  var lines = [
    "type" + "      " + "gold".rightAligned(7) + "predicted".rightAligned(10)
      + "correct".rightAligned(9) + "precision".rightAligned(11) + "recall".rightAligned(8)
      + "F1".rightAligned(8)
  ]
  for type in evaluation.types {
    lines.append(row(type, evaluation.byType[type] ?? .init()))
  }
  lines.append(row("overall", evaluation.overall))
  lines.append(
    String(
      format: "token accuracy %.2f%% of %@ tokens", 100 * evaluation.accuracy,
      groupedThousands(evaluation.tokens)))
  return lines.joined(separator: "\n")
}

func percent(_ x: Double) -> String { String(format: "%.2f", 100 * x) }

/// Trains a tagger as the options say.
func trainTaggerCommand(_ options: TagOptions) throws {
  let data = try loadTaggingData(options)
  let lowercase = !options.keepCase
  let trainWords = data.train.map { $0.words.map { lowercase ? $0.lowercased() : $0 } }
  let vocabulary = TokenVocabulary.words(fromSentences: trainWords)
  let shape = TaggerShape(
    cell: options.cell, layers: options.layers, bidirectional: options.bidirectional,
    crf: options.crf, hidden: options.hidden, embedding: options.embedding,
    shapeEmbedding: options.shapeEmbedding, vocabularySize: vocabulary.count,
    tags: tagSet(data.train), lowercase: lowercase)
  var rng = RandomSource(seed: options.seed)
  try withTagger(
    shape, rng: &rng,
    TrainTaggerTask(options: options, data: data, shape: shape, vocabulary: vocabulary))
}

struct TrainTaggerTask: TaggerTask {
  var options: TagOptions
  var data: TaggingData
  var shape: TaggerShape
  var vocabulary: TokenVocabulary

  func run<Encoder: SequenceLayer>(_ initial: SequenceTagger<Encoder>) throws {
    var model = initial
    let encoding = TaggerEncoding(
      vocabulary: vocabulary, tags: shape.tags, lowercase: shape.lowercase)
    let train = data.train.map { encoding.encode($0.words, tags: $0.tags) }
    let valid = data.valid.map { encoding.encode($0.words) }
    let test = data.test.map { encoding.encode($0.words) }
    var counts: [Int: Int] = [:]
    for sentence in train { for w in sentence.words { counts[w, default: 0] += 1 } }

    var training = TaggerTrainingOptions()
    training.epochs = options.epochs
    training.batchSize = options.batch
    training.seed = options.seed
    training.unknownReplacement = options.unknownRate
    training.rareWords = Set(counts.filter { $0.value == 1 }.map(\.key))
    training.unknownID = vocabulary.unknownID
    let rate =
      options.learningRate ?? ["adam": 0.005, "sgd": 0.1, "adagrad": 0.1][options.optimizer]
      ?? 0.005
    training.learningRate = rate
    let clipping: ClippingRule? =
      options.clipNorm.map { .globalNorm($0) } ?? options.clipValue.map { .value($0) }

    let tokens = train.reduce(0) { $0 + $1.words.count }
    print(
      "training a tagger (\(shape.describe)) on \(data.label): \(train.count) sentences "
        + "(\(groupedThousands(tokens)) tokens), \(valid.count) validation, \(test.count) test")
    print(
      "V = \(vocabulary.count) words (\(shape.lowercase ? "lowercased" : "as written")), "
        + "\(shape.tags.count) tags (\(shape.tags.joined(separator: " "))); E = \(shape.embedding) "
        + "+ \(shape.shapeEmbedding) shape, H = \(shape.hidden), "
        + "\(groupedThousands(model.parameterCount)) parameters; \(options.optimizer) lr "
        + "\(formatNumber(rate)), batch \(options.batch), clipping: "
        + (clipping.map { "\($0)" } ?? "none"))

    var best = model
    var bestF1 = -1.0
    var bestEpoch = 0
    var epochLosses: [Double] = []
    var validF1: [Double] = []
    var lossSum = 0.0
    var reports = 0.0
    var diverged: TaggerProgress?
    var clock = Date()
    let started = Date()
    let progress: (TaggerProgress) -> Bool = { progress in
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
    // After each epoch: validate, keep the best model so far.
    let epochEnd: (Int, SequenceTagger<Encoder>) -> Bool = { epoch, current in
      epochLosses.append(reports == 0 ? 0 : lossSum / reports)
      lossSum = 0
      reports = 0
      let seconds = String(format: "%.1f", Date().timeIntervalSince(clock))
      var line = "epoch \(epoch)/\(options.epochs) done in \(seconds) s"
      if valid.isEmpty {
        best = current
        bestEpoch = epoch
      } else {
        let overall = SpanEvaluation(
          gold: data.valid.map(\.tags), predicted: current.predictTags(valid, tags: shape.tags)
        ).overall
        validF1.append(overall.f1)
        line +=
          ": validation span F1 \(percent(overall.f1)) (precision \(percent(overall.precision)), "
          + "recall \(percent(overall.recall)))"
        if overall.f1 > bestF1 {
          bestF1 = overall.f1
          best = current
          bestEpoch = epoch
        }
      }
      print(line)
      clock = Date()
      return true
    }
    let transform: ((inout SequenceTagger<Encoder>) -> Void)? =
      clipping.map { rule in { _ = rule.apply(&$0) } }
    var current = model
    // One optimizer for the whole run, so its moments carry over from epoch to epoch.
    func run<O: Optimizer>(_ optimizer: O) {
      var optimizer = optimizer
      current.train(
        on: train, options: training, optimizer: &optimizer, reportEvery: options.logEvery,
        gradientTransform: transform, progress: progress, epochEnd: epochEnd)
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
        + (valid.isEmpty ? "" : "; kept epoch \(bestEpoch) (validation span F1 \(percent(bestF1)))")
    )

    var notes = [
      "source": data.label, "epochs": "\(options.epochs)", "keptEpoch": "\(bestEpoch)",
      "trainingSeconds": String(format: "%.1f", seconds), "optimizer": options.optimizer,
      "learningRate": formatNumber(rate),
    ]
    if !valid.isEmpty {
      print("validation, kept epoch:")
      let evaluation = SpanEvaluation(
        gold: data.valid.map(\.tags), predicted: model.predictTags(valid, tags: shape.tags))
      print(spanTable(evaluation))
      notes["validationF1"] = percent(evaluation.overall.f1)
    }
    if !test.isEmpty {
      print("test:")
      let evaluation = SpanEvaluation(
        gold: data.test.map(\.tags), predicted: model.predictTags(test, tags: shape.tags))
      print(spanTable(evaluation))
      notes["testF1"] = percent(evaluation.overall.f1)
    }
    let checkpointPath = options.checkpoint ?? "\(data.baseName)-tagger.checkpoint.json"
    let curvePath = options.curve ?? "\(data.baseName)-tagger.curve.svg"
    let checkpoint = Checkpoint(
      model: "tagger", settings: shape.settings, vocabulary: vocabulary, parameters: model,
      notes: notes)
    try checkpoint.write(to: checkpointPath)
    var chart: LineChart
    let epochs = (1...epochLosses.count).map(Double.init)
    if validF1.isEmpty {
      chart = LineChart(
        title: "\(shape.describe) on \(data.label)", xLabel: "epoch",
        yLabel: "training loss (nats per token)")
      chart.addSeries("training loss", x: epochs, y: epochLosses)
    } else {
      chart = LineChart(
        title: "\(shape.describe) on \(data.label)", xLabel: "epoch",
        yLabel: "validation span F1 (%)")
      chart.addSeries("validation span F1", x: epochs, y: validF1.map { 100 * $0 })
    }
    do {
      try chart.write(to: curvePath)
    } catch {
      throw CommandFailure.input("cannot write \(curvePath): \(error.localizedDescription)")
    }
    print("wrote \(checkpointPath)")
    print("wrote \(curvePath)")
    print("tag text with it: rnnkit tag --checkpoint \(checkpointPath) --input FILE")
  }
}

/// Tags raw text (one sentence per line) with a saved tagger.
func tagText(checkpointPath: String, inputPath: String, format: String) throws {
  let checkpoint = try Checkpoint.read(from: checkpointPath)
  let shape = try TaggerShape(checkpoint)
  let text = try readText(inputPath)
  var rng = RandomSource(seed: 1)
  try withTagger(
    shape, rng: &rng,
    TagTextTask(checkpoint: checkpoint, shape: shape, text: text, format: format))
}

struct TagTextTask: TaggerTask {
  var checkpoint: Checkpoint
  var shape: TaggerShape
  var text: String
  var format: String

  func run<Encoder: SequenceLayer>(_ initial: SequenceTagger<Encoder>) throws {
    var model = initial
    try checkpoint.load(into: &model)
    let encoding = TaggerEncoding(
      vocabulary: checkpoint.vocabulary, tags: shape.tags, lowercase: shape.lowercase)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    let nonEmpty = lines.filter { !$0.isEmpty }
    var predicted = model.predictTags(nonEmpty.map { encoding.encode($0) }, tags: shape.tags)
      .makeIterator()
    for words in lines {
      guard !words.isEmpty, let tags = predicted.next() else {
        print("")
        continue
      }
      if format == "conll" {
        for (word, tag) in zip(words, tags) { print("\(word) \(tag)") }
        print("")
      } else {
        print(bracketed(words, tags: tags))
      }
    }
  }
}

/// `[PER John Smith] visited [LOC Paris]`.
func bracketed(_ words: [String], tags: [String]) -> String {
  var pieces: [String] = []
  var position = 0
  for span in BIO.spans(tags) {
    pieces += words[position..<span.start]
    pieces.append("[\(span.type) " + words[span.start..<span.end].joined(separator: " ") + "]")
    position = span.end
  }
  pieces += words[position...]
  return pieces.joined(separator: " ")
}
