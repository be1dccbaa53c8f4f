import Foundation
import RNNCommandLine
import RNNCore
import RNNData
import RNNTraining
import Unit10

// `rnnkit table`: the perplexity table of unit 10. KN5, the feed-forward model and the
// recurrent models are trained one after another on the same text and scored on the same
// tokens, alone and mixed with KN5.

/// Runs `rnnkit table`; `arguments` are the words after `table`. Returns the exit status.
func runTable(_ arguments: [String]) -> Int32 {
  runCommand(name: "table", usageLine: tableUsageLine) {
    guard let options = try parseTableOptions(arguments) else {
      print(tableHelp)
      return
    }
    try perplexityTable(options)
  }
}

/// The three streams every model reads, each starting with `<eos>`.
struct TableData {
  var vocabulary: TokenVocabulary
  var training: [Int]
  var validation: [Int]
  var test: [Int]
  /// What the header calls the text.
  var label: String
}

/// What one row of the table measured.
struct TableRowResult {
  var model: TableModel
  /// `log p` of every validation and test token (the first `<eos>` of each stream excluded).
  var validation: [Double]
  var test: [Double]
  /// Seconds of training (counting, for KN5).
  var seconds: Double
}

/// A finished row: the model's own test perplexity, and its mixture with KN5 (`nil` for KN5).
struct TableRow: Equatable {
  var model: TableModel
  var testPerplexity: Double
  var lambda: Double?
  var mixedPerplexity: Double?
  var seconds: Double
}

/// Reads the three files (or draws the synthetic text) and encodes them.
private func loadTableData(_ options: TableOptions) throws -> TableData {
  let texts: (train: String, valid: String, test: String)
  let label: String
  if let sentences = options.synthetic {
    texts = (
      SyntheticCorpus.generate(sentences: sentences, seed: 1).text,
      SyntheticCorpus.generate(sentences: max(sentences / 10, 100), seed: 2).text,
      SyntheticCorpus.generate(sentences: max(sentences / 10, 100), seed: 3).text
    )
    label = "\(sentences) synthetic sentences"
  } else {
    // Every file is read before any training, so a bad path fails at once.
    let paths = (options.train ?? "", options.valid ?? "", options.test ?? "")
    texts = (try readText(paths.0), try readText(paths.1), try readText(paths.2))
    label = [paths.0, paths.1, paths.2].map { ($0 as NSString).lastPathComponent }
      .joined(separator: ", ")
  }
  let vocabulary = TokenVocabulary.words(
    from: texts.train, minimumCount: options.minCount, maximumSize: options.maxVocabulary)
  let data = TableData(
    vocabulary: vocabulary, training: encodeStream(texts.train, vocabulary: vocabulary),
    validation: encodeStream(texts.valid, vocabulary: vocabulary),
    test: encodeStream(texts.test, vocabulary: vocabulary), label: label)
  let names = ["training", "validation", "test"]
  for (name, stream) in zip(names, [data.training, data.validation, data.test])
  where stream.count < 2 {
    throw CommandFailure.input("the \(name) text has no words")
  }
  let needed = ContiguousBatcher.minimumTokens(
    batchSize: options.batch, steps: options.sequenceLength)
  let recurrent: Set<TableModel> = [.elmanBP, .elman, .gru, .lstm]
  if data.training.count < needed && options.models.contains(where: recurrent.contains) {
    throw CommandFailure.input(
      "the training text has \(data.training.count) tokens, but one batch of \(options.batch) "
        + "x \(options.sequenceLength) needs \(needed); use a longer text or a smaller --batch "
        + "or --seq")
  }
  return data
}

/// `rnnkit table` itself.
func perplexityTable(_ options: TableOptions) throws {
  MatrixThreads.count = options.threads
  let started = Date()
  let data = try loadTableData(options)
  let v = data.vocabulary
  print(
    "perplexity table on \(data.label): \(groupedThousands(data.training.count - 1)) training, "
      + "\(groupedThousands(data.validation.count - 1)) validation and "
      + "\(groupedThousands(data.test.count - 1)) test tokens (<eos> included), "
      + "V = \(groupedThousands(v.count)) (min count \(options.minCount))")
  let unknown = [data.validation, data.test].map { stream in
    stream.filter { $0 == v.unknownID }.count
  }
  print(
    "<unk> tokens: \(groupedThousands(unknown[0])) in validation, "
      + "\(groupedThousands(unknown[1])) in test")

  // KN5 first: every mixture needs it.
  let neural = options.models.filter { $0 != .kn5 }
  let total = options.models.contains(.kn5) ? options.models.count : neural.count + 1
  print("")
  print("== [1/\(total)] kn5: interpolated Kneser-Ney, order 5 (unit 01)")
  let countStart = Date()
  let kn = StreamKneserNey(
    order: 5, discount: options.discount, training: data.training, vocabularySize: v.count)
  let kn5 = TableRowResult(
    model: .kn5, validation: kn.logProbabilities(data.validation),
    test: kn.logProbabilities(data.test), seconds: Date().timeIntervalSince(countStart))
  report(kn5)

  var results: [TableRowResult] = options.models.contains(.kn5) ? [kn5] : []
  for (index, model) in neural.enumerated() {
    print("")
    print("== [\(index + 2)/\(total)] \(model.rawValue): \(model.title(context: options.context))")
    let result: TableRowResult
    switch model {
    case .kn5: continue
    case .ffnn: result = try feedForwardRow(options, data)
    case .elmanBP, .elman, .gru, .lstm: result = try recurrentRow(model, options, data)
    }
    guard result.validation.count == kn5.validation.count, result.test.count == kn5.test.count
    else {
      throw CommandFailure.input(
        "\(model.rawValue) scored \(result.validation.count) validation and "
          + "\(result.test.count) test tokens, KN5 \(kn5.validation.count) and "
          + "\(kn5.test.count): the mixture needs the same tokens")
    }
    report(result, mixedWith: kn5)
    results.append(result)
  }

  let rows = results.map { tableRow($0, kn5: kn5) }
  let minutes = Date().timeIntervalSince(started) / 60
  let text = tableMarkdown(
    rows, context: options.context, setup: tableSetup(options, data), totalMinutes: minutes)
  print("")
  print(text, terminator: "")
  if let path = options.out {
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw CommandFailure.input("cannot write \(path): \(error.localizedDescription)")
    }
    print("wrote \(path)")
  }
}

/// Prints a model's validation and test perplexities, and its mixture's.
private func report(_ result: TableRowResult, mixedWith kn5: TableRowResult? = nil) {
  var line =
    "\(result.model.rawValue): validation perplexity "
    + String(format: "%.2f", perplexity(result.validation)) + ", test perplexity "
    + String(format: "%.2f", perplexity(result.test))
  if let kn5 {
    let row = tableRow(result, kn5: kn5)
    line +=
      "; with KN5: λ = \(String(format: "%.3f", row.lambda ?? 0)), test perplexity "
      + String(format: "%.2f", row.mixedPerplexity ?? 0)
  }
  let verb = result.model == .kn5 ? "counted" : "trained"
  print(line + " (\(verb) in \(String(format: "%.1f", result.seconds)) s)")
}

/// The row of a result: λ tuned on the validation tokens, the mixture scored on the test ones.
func tableRow(_ result: TableRowResult, kn5: TableRowResult) -> TableRow {
  guard result.model != .kn5 else {
    return TableRow(
      model: .kn5, testPerplexity: perplexity(result.test), lambda: nil, mixedPerplexity: nil,
      seconds: result.seconds)
  }
  let lambda = Interpolation.tuneLambda(neural: result.validation, ngram: kn5.validation)
  return TableRow(
    model: result.model, testPerplexity: perplexity(result.test), lambda: lambda,
    mixedPerplexity: Interpolation.perplexity(
      neural: result.test, ngram: kn5.test, lambda: lambda),
    seconds: result.seconds)
}

private func feedForwardRow(_ options: TableOptions, _ data: TableData) throws -> TableRowResult {
  guard let boundary = data.vocabulary.endOfSentenceID else {
    throw CommandFailure.input("the table needs a word-level vocabulary")
  }
  var rng = RandomSource(seed: options.seed)
  let perEpoch = (data.training.count - 1 + options.feedForwardBatch - 1) / options.feedForwardBatch
  let schedule = FeedForwardSchedule(
    epochs: (options.feedForwardSteps + perEpoch - 1) / perEpoch, steps: options.feedForwardSteps,
    batchSize: options.feedForwardBatch,
    learningRate: options.learningRate)
  let shape = FeedForwardShape(
    vocabularySize: data.vocabulary.count, embedding: options.embedding,
    context: options.context, hidden: options.hidden, direct: options.direct,
    output: options.direct ? OutputKind.full.rawValue : options.output,
    classCount: options.classCount)
  var row: TableRowResult?
  func run<Model: TrainableFeedForward>(_ model: Model) throws {
    print(describeFeedForward(model, schedule: schedule, trainingTokens: data.training.count - 1))
    let result = try trainFeedForward(
      model, training: data.training, validation: data.validation, boundary: boundary,
      schedule: schedule, rng: &rng)
    row = TableRowResult(
      model: .ffnn, validation: result.validationLogProbabilities,
      test: feedForwardLogProbabilities(result.model, stream: data.test, boundary: boundary),
      seconds: result.seconds)
  }
  try run(try shape.makeModel(training: data.training, rng: &rng))
  guard let row else { throw CommandFailure.input("the feed-forward row was not trained") }
  return row
}

/// The options `rnnkit train` would be given for a recurrent row.
func recurrentTrainOptions(_ model: TableModel, _ options: TableOptions) -> TrainOptions {
  var train = TrainOptions()
  train.words = true
  train.model = model == .elmanBP ? "elman" : model.rawValue
  train.hidden = options.hidden
  train.embedding = options.embedding
  train.steps = [.elmanBP, .elman].contains(model) ? options.elmanSteps : options.gatedSteps
  train.batch = options.batch
  train.sequenceLength = options.sequenceLength
  train.truncation = model == .elmanBP ? 1 : nil
  train.learningRate = options.learningRate
  train.clipNorm = options.clipNorm
  train.seed = options.seed
  train.threads = options.threads
  train.output = options.output
  train.classCount = options.classCount
  train.logEvery = max(train.steps / 20, 1)
  // The table scores the whole validation text afterwards; the trainer checks only the
  // beginning, once, at the end.
  train.evaluateEvery = 0
  train.maxValidTokens = 2_000
  return train
}

private func recurrentRow(
  _ model: TableModel, _ options: TableOptions, _ data: TableData
) throws -> TableRowResult {
  let train = recurrentTrainOptions(model, options)
  let plan = try OutputPlan(
    options: train, resume: nil, training: data.training, vocabularySize: data.vocabulary.count)
  var rng = RandomSource(seed: train.seed)
  let cell = try modelKind(train.model).makeCell(train, options.embedding, &rng)
  let configuration = TrainingConfiguration(
    steps: train.steps, batchSize: train.batch, sequenceLength: options.sequenceLength,
    truncation: train.truncation, evaluateEvery: train.evaluateEvery ?? 0,
    logEvery: train.logEvery ?? 0, maximumValidationTokens: train.maxValidTokens)
  let run = TrainRun(
    options: train, modelName: model.rawValue, vocabulary: data.vocabulary,
    training: data.training, validation: data.validation, settings: [:],
    describe: cell.describe + plan.describe
      + (model == .elmanBP ? "; plain backpropagation, one step back" : ""),
    configuration: configuration, sourceLabel: "the training text", optimum: nil,
    checkpointPath: "", curvePath: "", resume: nil, output: plan)
  do {
    return try fitAndScore(cell: cell.cell, model: model, run: run, data: data, rng: &rng)
  } catch let error as TrainingDivergedError {
    throw CommandFailure.input("\(model.rawValue): \(error) (options: --clip-norm C, --lr R)")
  }
}

/// Builds the factored model around `cell`, trains it as `run` says, and scores both
/// held-out streams.
private func fitAndScore<Cell: BackpropagatingCell>(
  cell: Cell, model name: TableModel, run: TrainRun, data: TableData, rng: inout RandomSource
) throws -> TableRowResult {
  func fit<Output: TargetScoring>(
    _ output: Output, rng: inout RandomSource
  ) throws
    -> TableRowResult
  {
    var model = FactoredLanguageModel(cell: cell, output: output, rng: &rng)
    let fitted = try fitModel(
      &model, embeddingSize: model.embeddingSize, hiddenSize: model.hiddenSize, run: run)
    let scoring = Date()
    let result = TableRowResult(
      model: name, validation: recurrentLogProbabilities(model, stream: data.validation),
      test: recurrentLogProbabilities(model, stream: data.test), seconds: fitted.seconds)
    print(
      "scored \(groupedThousands(result.validation.count + result.test.count)) tokens in "
        + String(format: "%.1f", Date().timeIntervalSince(scoring)) + " s")
    return result
  }
  let plan = run.output
  switch plan.kind {
  case .full:
    return try fit(
      FullSoftmax(
        vocabularySize: data.vocabulary.count, hiddenSize: cell.hiddenSize, rng: &rng),
      rng: &rng)
  case .classes:
    return try fit(plan.classLayer(hiddenSize: cell.hiddenSize, rng: &rng), rng: &rng)
  case .tree:
    return try fit(plan.treeLayer(hiddenSize: cell.hiddenSize, rng: &rng), rng: &rng)
  }
}

/// The lines above the table: what was trained on what.
private func tableSetup(_ options: TableOptions, _ data: TableData) -> [String] {
  let output: String
  switch OutputKind(rawValue: options.output) ?? .classes {
  case .full: output = "full softmax"
  case .classes:
    let k =
      options.classCount ?? max(1, Int(Double(data.vocabulary.count).squareRoot().rounded()))
    output = "class-based softmax, K = \(k)"
  case .tree: output = "hierarchical softmax"
  }
  let recurrentTokens = options.batch * options.sequenceLength
  return [
    "Text: \(data.label); \(groupedThousands(data.training.count - 1)) training, "
      + "\(groupedThousands(data.validation.count - 1)) validation and "
      + "\(groupedThousands(data.test.count - 1)) test tokens (<eos> included), "
      + "V = \(groupedThousands(data.vocabulary.count)).",
    "Neural models: E = \(options.embedding), H = \(options.hidden), Adam lr "
      + "\(formatNumber(options.learningRate)), seed \(options.seed). Feed-forward: "
      + "\(options.context) words of context\(options.direct ? ", direct connections" : ""), "
      + "\(groupedThousands(options.feedForwardSteps)) updates of "
      + "\(options.feedForwardBatch) contexts. Recurrent: \(output), "
      + "\(groupedThousands(options.elmanSteps)) (Elman) and "
      + "\(groupedThousands(options.gatedSteps)) (GRU, LSTM) updates of \(options.batch) x "
      + "\(options.sequenceLength) tokens (\(groupedThousands(recurrentTokens)) tokens), "
      + "clipping at norm \(formatNumber(options.clipNorm)).",
  ]
}

/// The table as Markdown: the setup lines, the table, and what its columns mean.
func tableMarkdown(
  _ rows: [TableRow], context: Int, setup: [String], totalMinutes: Double
) -> String {
  func number(_ x: Double?) -> String {
    guard let x else { return "—" }
    return x.isFinite ? String(format: "%.1f", x) : "∞"
  }
  func published(_ x: Int?) -> String { x.map(String.init) ?? "—" }
  var table = MarkdownTable(columns: [
    .init("model"), .init("test perplexity", alignment: .right),
    .init("λ (tuned on validation)", alignment: .right),
    .init("test perplexity with KN5", alignment: .right),
    .init("training", alignment: .right),
    .init("published (Mikolov et al.), not measured: alone", alignment: .right),
    .init("published (Mikolov et al.), not measured: with KN5", alignment: .right),
  ])
  for row in rows {
    table.append([
      row.model.title(context: context), number(row.testPerplexity),
      row.lambda.map { String(format: "%.3f", $0) } ?? "—", number(row.mixedPerplexity),
      formatDuration(row.seconds), published(row.model.published.alone),
      published(row.model.published.withKN5),
    ])
  }
  return setup.map { $0 + "\n" }.joined() + "\n" + table.markdown + "\n"
    + "Test perplexities of each model alone and of its mixture λ p_model + (1 - λ) p_KN5, "
    + "λ tuned on the validation tokens by EM; training is wall-clock time (counting, for "
    + "KN5); the whole run took \(formatDuration(totalMinutes * 60)). The published columns are "
    + "Mikolov et al. (2011) on Penn Treebank's test set with models trained to "
    + "convergence: published, not measured by this run.\n"
}

/// `42.0 s`, `3.5 min`.
func formatDuration(_ seconds: Double) -> String {
  seconds < 60
    ? String(format: "%.1f s", seconds) : String(format: "%.1f min", seconds / 60)
}
