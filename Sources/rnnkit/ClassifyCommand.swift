import Foundation
import RNNCore
import RNNData
import RNNTraining
import Unit05
import Unit06
import Unit07
import Unit09

/// Runs `rnnkit classify`; `arguments` are the words after `classify`. Returns the exit
/// status.
func runClassify(_ arguments: [String]) -> Int32 {
  runCommand(name: "classify", usageLine: classifyUsageLine) {
    guard let options = try parseClassifyOptions(arguments) else {
      print(classifyHelp)
      return
    }
    MatrixThreads.count = options.threads
    if let checkpoint = options.checkpoint {
      try labelSentences(
        checkpointPath: checkpoint, inputPath: options.input, probability: options.probability)
    } else if options.homework {
      runHomework()
    } else {
      try trainClassifierCommand(options)
    }
  }
}

/// The tokens of a sentence, at training time and for `--input` alike: lowercased words with
/// punctuation split off (``RNNData/TranslationText``'s word level).
func classifierTokens(_ text: String) -> [String] {
  TranslationText.tokens(text, level: .word)
}

// MARK: Models

/// A classifier whose class scores can be read, for probabilities.
protocol ScoringClassifier: SentenceClassifier {
  /// `B x C` logits (`B >= 1`).
  func classLogits(_ sentences: [[Int]]) -> Matrix
}

extension BagOfWordsClassifier: ScoringClassifier {
  func classLogits(_ sentences: [[Int]]) -> Matrix { logits(sentences) }
}

extension SentimentClassifier: ScoringClassifier {
  func classLogits(_ sentences: [[Int]]) -> Matrix { logits(sentences) }
}

extension ConvolutionalClassifier: ScoringClassifier {
  func classLogits(_ sentences: [[Int]]) -> Matrix {
    var features = Matrix.zeros(sentences.count, featureCount)
    for (b, sentence) in sentences.enumerated() {
      let row = convolution.forward(embedding.gatherRows(sentence)).features
      for j in 0..<featureCount { features[b, j] = row[0, j] }
    }
    return head.logits(features)
  }
}

/// The shapes of a classifier: enough to rebuild it before loading a checkpoint.
struct ClassifierShape {
  var model: String
  var layers: Int
  var bidirectional: Bool
  var hidden: Int
  var embedding: Int
  var pooling: Pooling
  var widths: [Int]
  var filters: Int
  var classes: [String]
  var vocabularySize: Int

  var settings: [String: String] {
    [
      "model": model, "layers": "\(layers)", "bidirectional": "\(bidirectional)",
      "hiddenSize": "\(hidden)", "embeddingSize": "\(embedding)", "pooling": pooling.rawValue,
      "widths": widths.map(String.init).joined(separator: ","), "filters": "\(filters)",
      "classes": classes.joined(separator: "\t"), "tokenizer": "word",
    ]
  }

  var describe: String {
    switch model {
    case "bow": return "bag of words"
    case "cnn":
      return "CNN, \(filters) filters of widths \(widths.map(String.init).joined(separator: ","))"
    default:
      let cell = model == "lstm" ? "LSTM" : "GRU"
      return "\(layers == 1 ? "" : "\(layers)-layer ")"
        + "\(bidirectional ? "bidirectional " : "")\(cell), \(pooling.rawValue) pooling"
    }
  }
}

extension ClassifierShape {
  /// The shape a checkpoint of `rnnkit classify` records in its settings.
  init(_ checkpoint: Checkpoint) throws {
    guard checkpoint.model == "classifier" else {
      throw CommandFailure.input(
        "the checkpoint holds a '\(checkpoint.model)' model; rnnkit classify reads "
          + "sentence classifiers")
    }
    func invalid(_ key: String) throws -> Never {
      throw CheckpointError.invalidSetting(key: key, value: checkpoint.settings[key] ?? "")
    }
    let model = try checkpoint.setting("model")
    if !["bow", "cnn", "gru", "lstm"].contains(model) { try invalid("model") }
    guard let bidirectional = Bool(try checkpoint.setting("bidirectional")) else {
      try invalid("bidirectional")
    }
    guard let pooling = Pooling(rawValue: try checkpoint.setting("pooling")) else {
      try invalid("pooling")
    }
    let widths = try checkpoint.setting("widths").split(separator: ",").map { Int($0) ?? 0 }
    if widths.isEmpty || widths.contains(where: { $0 < 1 }) { try invalid("widths") }
    let classes = try checkpoint.setting("classes").split(separator: "\t").map(String.init)
    if classes.count < 2 { try invalid("classes") }
    self.init(
      model: model, layers: try checkpoint.integerSetting("layers"),
      bidirectional: bidirectional, hidden: try checkpoint.integerSetting("hiddenSize"),
      embedding: try checkpoint.integerSetting("embeddingSize"), pooling: pooling,
      widths: widths, filters: try checkpoint.integerSetting("filters"), classes: classes,
      vocabularySize: checkpoint.vocabulary.count)
  }
}

/// What to do with a classifier once it is built: generic over its type, which depends on the
/// options (model, cell, direction).
protocol ClassifierTask {
  func run<Model: ScoringClassifier>(_ model: Model) throws
}

/// Builds the classifier `shape` describes (random weights from `rng`, the embedding replaced
/// by `embedding` when given) and hands it to `task`.
func withClassifier(
  _ shape: ClassifierShape, rng: inout RandomSource, embedding: Matrix? = nil,
  freezeEmbedding: Bool = false, _ task: some ClassifierTask
) throws {
  let classCount = shape.classes.count
  switch shape.model {
  case "bow":
    try task.run(
      BagOfWordsClassifier(vocabularySize: shape.vocabularySize, classCount: classCount))
  case "cnn":
    var model = ConvolutionalClassifier(
      vocabularySize: shape.vocabularySize, embeddingSize: shape.embedding,
      widths: shape.widths, filtersPerWidth: shape.filters, classCount: classCount, rng: &rng)
    if let embedding { model.embedding = embedding }
    model.freezeEmbedding = freezeEmbedding
    try task.run(model)
  case "gru":
    try withRecurrentClassifier(shape, rng: &rng, embedding, freezeEmbedding, task) {
      GRUCell(inputSize: $0, hiddenSize: $1, rng: &$2)
    }
  case "lstm":
    try withRecurrentClassifier(shape, rng: &rng, embedding, freezeEmbedding, task) {
      LSTMCell(inputSize: $0, hiddenSize: $1, rng: &$2)
    }
  default:
    throw CommandFailure.input("unknown model '\(shape.model)'; available: bow, cnn, gru, lstm")
  }
}

private func withRecurrentClassifier<Cell: BackpropagatingCell>(
  _ shape: ClassifierShape, rng: inout RandomSource, _ embedding: Matrix?,
  _ freezeEmbedding: Bool, _ task: some ClassifierTask,
  makeCell: (Int, Int, inout RandomSource) -> Cell
) throws {
  func finish<Encoder: SequenceLayer>(_ encoder: Encoder) throws {
    var model = SentimentClassifier(
      vocabularySize: shape.vocabularySize, embeddingSize: shape.embedding, encoder: encoder,
      bidirectional: shape.bidirectional, classCount: shape.classes.count,
      pooling: shape.pooling, rng: &rng)
    if let embedding { model.embedding = embedding }
    model.freezeEmbedding = freezeEmbedding
    try task.run(model)
  }
  if shape.bidirectional {
    try finish(
      SentimentHomework.encoder(
        layers: shape.layers, inputSize: shape.embedding, hiddenSize: shape.hidden
      ) { makeCell($0, $1, &rng) })
  } else {
    var layers: [RecurrentLayer<Cell>] = []
    for l in 0..<shape.layers {
      let width = l == 0 ? shape.embedding : shape.hidden
      layers.append(RecurrentLayer(cell: makeCell(width, shape.hidden, &rng)))
    }
    try finish(StackedLayers(layers))
  }
}

// MARK: Data

/// The training, validation and test sentences of a run, tokenized; `kinds` are the test
/// sentences' kinds for the synthetic task.
struct ClassificationData {
  var train: [(tokens: [String], label: String)]
  var valid: [(tokens: [String], label: String)]
  var test: [(tokens: [String], label: String)]
  var testKinds: [SyntheticSentiment.Kind]?
  var label: String
  var splitNote: String?
}

func readLabeledSentences(_ path: String) throws -> [LabeledSentence] {
  do {
    return try LabeledSentenceFile.readTSV(path)
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  } catch let error as LabeledSentenceError {
    throw CommandFailure.input(error.description)
  }
}

/// Both polarity files, as UTF-8, or as Latin-1 when one of them is not valid UTF-8.
func readPolaritySentences(positive: String, negative: String) throws -> [LabeledSentence] {
  do {
    do {
      return try LabeledSentenceFile.readPolarityFiles(positive: positive, negative: negative)
    } catch TextFileError.invalidUTF8(let path, _, _) {
      print("'\(path)' is not UTF-8: reading both files as Latin-1")
      return try LabeledSentenceFile.readPolarityFiles(
        positive: positive, negative: negative, encoding: .latin1)
    }
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  }
}

/// `sentences` in a seeded order, cut into the given numbers of validation and test sentences
/// (from the front) and the rest for training.
func seededSplit(
  _ sentences: [LabeledSentence], valid: Int, test: Int, seed: UInt64
) -> (train: [LabeledSentence], valid: [LabeledSentence], test: [LabeledSentence]) {
  var rng = RandomSource(seed: seed)
  let shuffled = rng.permutation(sentences.count).map { sentences[$0] }
  return (
    Array(shuffled[(valid + test)...]), Array(shuffled[..<valid]),
    Array(shuffled[valid..<(valid + test)])
  )
}

func loadClassificationData(_ options: ClassifyOptions) throws -> ClassificationData {
  func tokenized(_ sentences: [LabeledSentence]) -> [(tokens: [String], label: String)] {
    sentences.map { (classifierTokens($0.text), $0.label) }
  }
  if let count = options.synthetic {
    let held = max(count / 5, 200)
    let splits = SyntheticSentiment.splits(train: count, valid: held, test: held, seed: 1)
    return ClassificationData(
      train: tokenized(splits.train.map(\.sentence)),
      valid: tokenized(splits.valid.map(\.sentence)),
      test: tokenized(splits.test.map(\.sentence)), testKinds: splits.test.map(\.kind),
      label: "\(count) synthetic sentences")
  }
  if let positive = options.positive, let negative = options.negative {
    let sentences = try readPolaritySentences(positive: positive, negative: negative)
    let tenth = sentences.count / 10
    let split = seededSplit(sentences, valid: tenth, test: tenth, seed: options.seed)
    return ClassificationData(
      train: tokenized(split.train), valid: tokenized(split.valid), test: tokenized(split.test),
      label: "'\(positive)' and '\(negative)'",
      splitNote: "shuffled with seed \(options.seed), split 80/10/10")
  }
  let path = options.train ?? ""
  var train = try readLabeledSentences(path)
  let validFile = try options.valid.map(readLabeledSentences)
  let testFile = try options.test.map(readLabeledSentences)
  let tenth = train.count / 10
  let split = seededSplit(
    train, valid: validFile == nil ? tenth : 0, test: testFile == nil ? tenth : 0,
    seed: options.seed)
  train = split.train
  var held: [String] = []
  if validFile == nil { held.append("validation") }
  if testFile == nil { held.append("test") }
  return ClassificationData(
    train: tokenized(train), valid: tokenized(validFile ?? split.valid),
    test: tokenized(testFile ?? split.test), label: "'\(path)'",
    splitNote: held.isEmpty
      ? nil
      : "a tenth of the training file each for \(held.joined(separator: " and ")) "
        + "(seed \(options.seed))")
}

/// Turns tokenized sentences into ids and labels into class indices.
struct ClassifierEncoding {
  var vocabulary: TokenVocabulary
  var classes: [String]

  func encode(_ sentences: [(tokens: [String], label: String)]) -> EncodedSentences {
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    return EncodedSentences(
      sentences: sentences.map { $0.tokens.map { vocabulary.id(of: $0) } },
      labels: sentences.map { index[$0.label] ?? -1 })
  }
}

/// The classes of a run: the synthetic task's and the polarity files' are negative, positive;
/// otherwise the training file's labels, sorted.
func classList(_ data: ClassificationData) -> [String] {
  let seen = Set(data.train.map(\.label))
  if seen.isSubset(of: Set(SentimentHomework.classes)) { return SentimentHomework.classes }
  return seen.sorted()
}

/// The confusion matrix, rows the true class and columns the predicted one, with labels.
func confusionTable(_ matrix: [[Int]], classes: [String]) -> String {
  let width = max(9, (classes.map(\.count).max() ?? 0) + 2)
  var lines = [
    "confusion matrix (rows: true class, columns: predicted class):",
    "".padding(toLength: width, withPad: " ", startingAt: 0)
      + classes.map { $0.rightAligned(width) }.joined(),
  ]
  for (c, row) in matrix.enumerated() {
    lines.append(
      classes[c].padding(toLength: width, withPad: " ", startingAt: 0)
        + row.map { "\($0)".rightAligned(width) }.joined())
  }
  return lines.joined(separator: "\n")
}

// MARK: Training

/// Trains a classifier as the options say.
func trainClassifierCommand(_ options: ClassifyOptions) throws {
  let data = try loadClassificationData(options)
  let classes = classList(data)
  if classes.count < 2 {
    throw CommandFailure.input(
      "\(data.label): every training sentence has the label '\(classes.first ?? "")'; a "
        + "classifier needs two classes or more")
  }
  for (name, file, split) in [
    ("validation", options.valid, data.valid), ("test", options.test, data.test),
  ] {
    if let unknown = split.first(where: { !classes.contains($0.label) }) {
      throw CommandFailure.input(
        "\(file ?? data.label): a \(name) sentence has the label '\(unknown.label)', which no "
          + "training sentence has (classes: \(classes.joined(separator: ", ")))")
    }
  }
  if data.valid.isEmpty {
    throw CommandFailure.input(
      "no validation sentences: \(data.label) is too small to hold out a tenth; give --valid")
  }
  let vocabulary = TokenVocabulary.words(
    fromSentences: data.train.map(\.tokens), minimumCount: options.minimumCount,
    maximumSize: options.maximumVocabulary)
  var rng = RandomSource(seed: options.seed)
  var embeddingSize = options.embeddingSize ?? ClassifyOptions.defaultEmbeddingSize
  var pretrained: Matrix?
  var coverage: String?
  if let path = options.embeddings {
    let vectors: WordVectors
    do {
      let wanted = Set(vocabulary.tokens.flatMap { [$0, $0.lowercased()] })
      do {
        vectors = try WordVectorsFile.read(path, keeping: wanted)
      } catch TextFileError.invalidUTF8(_, let line, _) {
        // GloVe's 6B files hold a few single bytes of Windows-1252 punctuation as words.
        print("'\(path)' is not UTF-8 (line \(line)): reading it as Latin-1")
        vectors = try WordVectorsFile.parse(
          try TextFile.read(path, encoding: .latin1), path: path, keeping: wanted)
      }
    } catch let error as TextFileError {
      throw CommandFailure.input(error.description)
    } catch let error as WordVectorsError {
      throw CommandFailure.input(error.description)
    }
    if let explicit = options.embeddingSize, explicit != vectors.dimension {
      throw CommandFailure.input(
        "\(path): the vectors have \(vectors.dimension) dimensions, but --embedding-size is "
          + "\(explicit) (drop --embedding-size: the file sets it)")
    }
    embeddingSize = vectors.dimension
    let start = pretrainedEmbedding(vocabulary: vocabulary.tokens, vectors: vectors, rng: &rng)
    pretrained = start.embedding
    let coveredWords = Set(
      vocabulary.tokens.filter {
        vectors.vector(for: $0) != nil || vectors.vector(for: $0.lowercased()) != nil
      })
    let tokens = data.train.flatMap(\.tokens)
    let coveredTokens = tokens.filter { coveredWords.contains($0) }.count
    coverage =
      "covered \(groupedThousands(start.covered)) of \(groupedThousands(vocabulary.count)) "
      + "words (\(percent(Double(coveredTokens) / Double(max(1, tokens.count))))% of the "
      + "training tokens) with the vectors of '\(path)' (E = \(vectors.dimension), "
      + "\(options.freezeEmbeddings ? "frozen" : "fine-tuned"))"
  }
  let shape = ClassifierShape(
    model: options.model, layers: options.layers, bidirectional: options.bidirectional,
    hidden: options.hidden, embedding: embeddingSize,
    pooling: Pooling(rawValue: options.pooling) ?? .max, widths: options.widths,
    filters: options.filters, classes: classes, vocabularySize: vocabulary.count)
  try withClassifier(
    shape, rng: &rng, embedding: pretrained, freezeEmbedding: options.freezeEmbeddings,
    TrainClassifierTask(
      options: options, data: data, shape: shape, vocabulary: vocabulary, coverage: coverage))
}

struct TrainClassifierTask: ClassifierTask {
  var options: ClassifyOptions
  var data: ClassificationData
  var shape: ClassifierShape
  var vocabulary: TokenVocabulary
  var coverage: String?

  func run<Model: ScoringClassifier>(_ initial: Model) throws {
    var model = initial
    let encoding = ClassifierEncoding(vocabulary: vocabulary, classes: shape.classes)
    let train = encoding.encode(data.train)
    let valid = encoding.encode(data.valid)
    let test = encoding.encode(data.test)
    var training = SentimentTrainingOptions()
    training.epochs = options.epochs
    training.batchSize = options.batch
    training.learningRate = options.learningRate
    training.weightDecay = options.weightDecay
    training.dropout = options.dropout
    training.clipNorm = options.clipNorm
    training.patience = options.patience
    training.seed = options.seed

    let tokens = data.train.reduce(0) { $0 + $1.tokens.count }
    print(
      "training a sentence classifier (\(shape.describe)) on \(data.label): "
        + "\(groupedThousands(train.count)) sentences (\(groupedThousands(tokens)) tokens), "
        + "\(groupedThousands(valid.count)) validation, \(groupedThousands(test.count)) test"
        + (data.splitNote.map { "; \($0)" } ?? ""))
    if let coverage { print(coverage) }
    let sizes =
      shape.model == "bow"
      ? "" : "E = \(shape.embedding)\(shape.model == "cnn" ? "" : ", H = \(shape.hidden)"), "
    print(
      "V = \(groupedThousands(vocabulary.count)) words (min count \(options.minimumCount)), "
        + "\(shape.classes.count) classes (\(shape.classes.joined(separator: ", "))); \(sizes)"
        + "\(groupedThousands(model.parameterCount)) parameters; adam lr "
        + "\(formatNumber(options.learningRate)), batch \(options.batch), dropout "
        + "\(formatNumber(options.dropout)), weight decay \(formatNumber(options.weightDecay)), "
        + "clipping: " + (options.clipNorm.map { "global norm \(formatNumber($0))" } ?? "none"))

    let started = Date()
    var clock = started
    var diverged: SentimentEpoch?
    var timeLimited = false
    let history = model.train(on: train, validation: valid, options: training) { epoch in
      guard epoch.trainingLoss.isFinite else {
        diverged = epoch
        return false
      }
      let seconds = Date().timeIntervalSince(clock)
      clock = Date()
      print(
        "epoch \(epoch.epoch)/\(options.epochs): loss \(String(format: "%.4f", epoch.trainingLoss))"
          + ", validation accuracy \(percent(epoch.validationAccuracy))%, "
          + "\(String(format: "%.1f", seconds)) s, "
          + "\(groupedThousands(Int(Double(train.count) / max(seconds, 1e-9)))) sentences/s")
      if let minutes = options.maximumMinutes, Date().timeIntervalSince(started) >= 60 * minutes {
        timeLimited = true
        return false
      }
      return true
    }
    if let bad = diverged {
      throw CommandFailure.input(
        "training diverged in epoch \(bad.epoch): the loss is \(formatNumber(bad.trainingLoss)) "
          + "(options: --clip-norm C, --lr R); nothing was saved")
    }
    let seconds = Date().timeIntervalSince(started)
    var ending = ""
    if timeLimited {
      ending = " (the time limit of \(formatNumber(options.maximumMinutes ?? 0)) minutes)"
    } else if history.epochs.count < options.epochs {
      ending = " (stopped early: \(options.patience) epochs without a better validation accuracy)"
    }
    print(
      "done in \(String(format: "%.1f", seconds)) s\(ending); kept epoch \(history.bestEpoch) "
        + "(validation accuracy \(percent(history.bestValidationAccuracy))%)")

    var notes = [
      "source": data.label, "epochs": "\(history.epochs.count)",
      "keptEpoch": "\(history.bestEpoch)", "trainingSeconds": String(format: "%.1f", seconds),
      "validationAccuracy": percent(history.bestValidationAccuracy),
    ]
    if !test.sentences.isEmpty {
      let predicted = model.predictAll(test.sentences)
      var confusion = Array(
        repeating: Array(repeating: 0, count: shape.classes.count), count: shape.classes.count)
      for (truth, guess) in zip(test.labels, predicted) { confusion[truth][guess] += 1 }
      let correct = zip(test.labels, predicted).filter { $0 == $1 }.count
      let accuracy = Double(correct) / Double(test.count)
      notes["testAccuracy"] = percent(accuracy)
      print(
        "test accuracy \(percent(accuracy))% (\(groupedThousands(correct)) of "
          + "\(groupedThousands(test.count)) sentences)")
      if let kinds = data.testKinds {
        for kind in SyntheticSentiment.Kind.allCases {
          let indices = kinds.indices.filter { kinds[$0] == kind }
          guard !indices.isEmpty else { continue }
          let right = indices.filter { predicted[$0] == test.labels[$0] }.count
          print(
            "  \(kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))"
              + "\(percent(Double(right) / Double(indices.count)))% "
              + "(\(right) of \(indices.count))")
        }
      }
      print(confusionTable(confusion, classes: shape.classes))
    }
    if let path = options.save {
      let checkpoint = Checkpoint(
        model: "classifier", settings: shape.settings, vocabulary: vocabulary, parameters: model,
        notes: notes)
      try checkpoint.write(to: path)
      print("wrote \(path)")
      print("label sentences with it: rnnkit classify --checkpoint \(path) --input FILE")
    }
  }
}

// MARK: The homework

/// Trains `homeworkConfiguration()` on the homework's data as the grader does, and says
/// whether it fits the budget.
func runHomework() {
  let configuration = homeworkConfiguration()
  let splits = SentimentHomework.data()
  let vocabularySize = SentimentHomework.vocabulary(splits.train).count
  let options = configuration.training
  let parameters = configuration.parameterCount(vocabularySize: vocabularySize)
  print(
    "your homework configuration: \(configuration.layers)-layer bidirectional "
      + "\(configuration.cell.rawValue.uppercased()), H = \(configuration.hiddenSize), "
      + "E = \(configuration.embeddingSize), \(configuration.pooling.rawValue) pooling, "
      + "\(groupedThousands(parameters)) parameters (V = \(vocabularySize)); "
      + "\(options.epochs) epochs, batch \(options.batchSize), lr "
      + "\(formatNumber(options.learningRate)), dropout \(formatNumber(options.dropout)), "
      + "weight decay \(formatNumber(options.weightDecay)), clipping "
      + (options.clipNorm.map { formatNumber($0) } ?? "none")
      + ", patience \(options.patience)")
  print(
    "training on \(splits.train.count) sentences, validating on \(splits.valid.count), "
      + "testing on \(splits.test.count)")
  let violations = HomeworkBudget.violations(
    of: configuration, vocabularySize: vocabularySize)
  printBudget(violations)
  var clock = Date()
  let started = clock
  let result = SentimentHomework.run(configuration, evaluation: splits.test) { epoch in
    let seconds = Date().timeIntervalSince(clock)
    clock = Date()
    print(
      "epoch \(epoch.epoch)/\(options.epochs): loss \(String(format: "%.4f", epoch.trainingLoss))"
        + ", validation accuracy \(percent(epoch.validationAccuracy))%, "
        + "\(String(format: "%.1f", seconds)) s, "
        + "\(groupedThousands(Int(Double(splits.train.count) / max(seconds, 1e-9)))) "
        + "sentences/s")
    return true
  }
  print(
    "done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; kept epoch "
      + "\(result.history.bestEpoch) (validation accuracy "
      + "\(percent(result.history.bestValidationAccuracy))%)")
  print("test accuracy \(percent(result.accuracy))%")
  for kind in SyntheticSentiment.Kind.allCases {
    guard let accuracy = result.accuracyByKind[kind] else { continue }
    print(
      "  \(kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))\(percent(accuracy))%")
  }
  printBudget(violations)
}

/// Whether the homework configuration fits ``HomeworkBudget``, and how it does not.
func printBudget(_ violations: [String]) {
  if violations.isEmpty {
    print("the configuration fits the homework budget (HomeworkBudget)")
  } else {
    print("the configuration breaks the homework budget (HomeworkBudget); the grader rejects it:")
    for problem in violations { print("  - \(problem)") }
  }
}

// MARK: Labeling

/// Labels sentences (one per line, from `inputPath`, or standard input for `nil` or `-`) with
/// a saved classifier, printing `label<TAB>sentence` lines.
func labelSentences(checkpointPath: String, inputPath: String?, probability: Bool) throws {
  let checkpoint: Checkpoint
  let shape: ClassifierShape
  do {
    checkpoint = try Checkpoint.read(from: checkpointPath)
    shape = try ClassifierShape(checkpoint)
  } catch CommandFailure.input(let message) {
    throw CommandFailure.input("\(checkpointPath): \(message)")
  } catch let error as CheckpointError {
    switch error {
    case .missingFile, .unreadable, .notACheckpoint, .unsupportedVersion:
      throw CommandFailure.input(error.description)
    default:
      throw CommandFailure.input("\(checkpointPath): \(error)")
    }
  }
  let text: String
  if let inputPath, inputPath != "-" {
    text = try readText(inputPath)
  } else {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    do {
      text = data.isEmpty ? "" : try TextFile.decode(data, path: "standard input")
    } catch let error as TextFileError {
      throw CommandFailure.input(error.description)
    }
  }
  var rng = RandomSource(seed: 1)
  try withClassifier(
    shape, rng: &rng,
    LabelSentencesTask(
      checkpoint: checkpoint, checkpointPath: checkpointPath, shape: shape, text: text,
      probability: probability))
}

struct LabelSentencesTask: ClassifierTask {
  var checkpoint: Checkpoint
  var checkpointPath: String
  var shape: ClassifierShape
  var text: String
  var probability: Bool

  func run<Model: ScoringClassifier>(_ initial: Model) throws {
    var model = initial
    do {
      try checkpoint.load(into: &model)
    } catch let error as CheckpointError {
      throw CommandFailure.input("\(checkpointPath): \(error)")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0.hasSuffix("\r") ? $0.dropLast() : $0)
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    let encoded = lines.map { classifierTokens($0).map { checkpoint.vocabulary.id(of: $0) } }
    let nonEmpty = encoded.filter { !$0.isEmpty }
    var scores: [[Double]] = []
    for start in stride(from: 0, to: nonEmpty.count, by: 64) {
      let logits = model.classLogits(Array(nonEmpty[start..<min(start + 64, nonEmpty.count)]))
      for b in 0..<logits.rows {
        let row = logits.row(b)
        let normalizer = Softmax.logSumExp(row)
        scores.append(row.map { exp($0 - normalizer) })
      }
    }
    var next = scores.makeIterator()
    for (line, ids) in zip(lines, encoded) {
      guard !ids.isEmpty, let probabilities = next.next() else {
        print("")
        continue
      }
      var best = 0
      for c in probabilities.indices where probabilities[c] > probabilities[best] { best = c }
      let sentence = line.trimmingCharacters(in: .whitespaces)
      if probability {
        print("\(shape.classes[best])\t\(String(format: "%.4f", probabilities[best]))\t\(sentence)")
      } else {
        print("\(shape.classes[best])\t\(sentence)")
      }
    }
  }
}
