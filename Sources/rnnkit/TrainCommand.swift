import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit04
import Unit05
import Unit06
import Unit10

/// Everything a training run needs once the cell is chosen.
struct TrainRun {
  var options: TrainOptions
  var modelName: String
  var vocabulary: TokenVocabulary
  var training: [Int]
  var validation: [Int]
  var settings: [String: String]
  var describe: String
  var configuration: TrainingConfiguration
  var sourceLabel: String
  var optimum: Double?
  var checkpointPath: String
  var curvePath: String
  /// The checkpoint to continue from (`--resume`).
  var resume: Checkpoint?
  /// The output layer: the full softmax, or a factored one and what rebuilds it.
  var output: OutputPlan
}

/// Runs `rnnkit train`; `arguments` are the words after `train`. Returns the exit status.
func runTrain(_ arguments: [String]) -> Int32 {
  runCommand(name: "train", usageLine: trainUsageLine) {
    guard let options = try parseTrainOptions(arguments) else {
      print(trainHelp)
      return
    }
    try train(options)
  }
}

/// The text before and after a line break near `(1 - fraction)` of the way through.
private func splitForValidation(_ text: String, fraction: Double) -> (String, String) {
  guard fraction > 0 else { return (text, "") }
  let characters = Array(text)
  var cut = Int(Double(characters.count) * (1 - fraction))
  while cut > 0 && cut < characters.count && characters[cut - 1] != "\n" { cut -= 1 }
  if cut == 0 { cut = Int(Double(characters.count) * (1 - fraction)) }
  return (String(characters[..<cut]), String(characters[cut...]))
}

/// The training and held-out text of a language-model run, before tokenization: `--synthetic`
/// sentences, or `--text` with `--valid` or the last `--valid-fraction` of it held out.
struct TrainingTexts {
  var training: String
  var validation: String
  /// What the progress lines call the source (a file name, or the synthetic sentences).
  var sourceLabel: String
  /// The stem of the default output file names.
  var baseName: String
  /// The synthetic source's own perplexity on the held-out sentences (word level only).
  var optimum: Double?

  /// Reads the files (or draws the synthetic sentences: seed 1 for training, seed 2 for the
  /// `max(N/10, 100)` held-out ones); errors name the file.
  init(
    text path: String?, valid validPath: String?, validFraction: Double, synthetic: Int?,
    words: Bool
  ) throws {
    if let sentences = synthetic {
      let train = SyntheticCorpus.generate(sentences: sentences, seed: 1)
      let valid = SyntheticCorpus.generate(sentences: max(sentences / 10, 100), seed: 2)
      training = train.text
      validation = valid.text
      sourceLabel = "\(sentences) synthetic sentences"
      baseName = "synthetic"
      if words { optimum = valid.sampleEntropy.perplexity }
    } else {
      let path = path ?? ""
      let text = try readText(path)
      if let validPath {
        training = text
        validation = try readText(validPath)
      } else {
        (training, validation) = splitForValidation(text, fraction: validFraction)
      }
      sourceLabel = (path as NSString).lastPathComponent
      baseName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
  }
}

/// The ids of `text` as one stream; at word level it starts with `<eos>`, so the first word
/// is read as if it followed a sentence end, as `<s>` does for an n-gram model.
func encodeStream(_ text: String, vocabulary: TokenVocabulary) -> [Int] {
  var ids = vocabulary.encode(text)
  if let end = vocabulary.endOfSentenceID { ids.insert(end, at: 0) }
  return ids
}

func train(_ options: TrainOptions) throws {
  MatrixThreads.count = options.threads
  let resume = try options.resume.map { try Checkpoint.read(from: $0) }
  let kind = try modelKind(resume?.model ?? options.model)
  if let resume, options.words != (resume.vocabulary.level == .word) {
    throw CommandFailure.usage(
      "the checkpoint is a \(resume.vocabulary.level == .word ? "word" : "character")-level "
        + "model; \(options.words ? "drop --words" : "add --words")")
  }
  let level: TokenVocabulary.Level = options.words ? .word : .character

  // The text.
  let texts = try TrainingTexts(
    text: options.text, valid: options.valid, validFraction: options.validFraction,
    synthetic: options.synthetic, words: level == .word)

  // The vocabulary and the token streams.
  let minCount = options.minCount ?? (level == .word && options.synthetic == nil ? 2 : 1)
  let vocabulary =
    resume?.vocabulary
    ?? (level == .word
      ? TokenVocabulary.words(
        from: texts.training, minimumCount: minCount, maximumSize: options.maxVocabulary)
      : TokenVocabulary.characters(from: texts.training, minimumCount: minCount))
  let training = encodeStream(texts.training, vocabulary: vocabulary)
  let validation = encodeStream(texts.validation, vocabulary: vocabulary)
  let sequenceLength = options.sequenceLength ?? (level == .word ? 20 : 32)
  let needed = ContiguousBatcher.minimumTokens(batchSize: options.batch, steps: sequenceLength)
  guard training.count >= needed else {
    throw CommandFailure.input(
      "\(texts.sourceLabel) has \(training.count) training tokens, but one batch of \(options.batch) "
        + "x \(sequenceLength) needs \(needed); use a longer text or a smaller --batch or --seq")
  }
  if let truncation = options.truncation, truncation >= sequenceLength {
    throw CommandFailure.usage(
      "--truncate \(truncation) must be smaller than --seq \(sequenceLength)")
  }
  if validation.count < 2 {
    print("note: no held-out text, so no validation (give --valid FILE or --valid-fraction)")
  }

  let output = try OutputPlan(
    options: options, resume: resume, training: training,
    vocabularySize: vocabulary.count)
  var rng = RandomSource(seed: options.seed)
  let embeddingSize = options.embedding ?? (level == .word ? 64 : 32)
  let cell =
    try resume.map { try kind.resumeCell($0) }
    ?? kind.makeCell(options, embeddingSize, &rng)
  let steps = options.steps
  let configuration = TrainingConfiguration(
    steps: steps, batchSize: options.batch, sequenceLength: sequenceLength,
    truncation: options.truncation, evaluateEvery: options.evaluateEvery ?? max(steps / 10, 1),
    logEvery: options.logEvery ?? max(steps / 20, 1),
    maximumValidationTokens: options.maxValidTokens)
  let defaultName =
    "\(texts.baseName)-\(kind.name)" + (output.kind == .full ? "" : "-\(output.kind.rawValue)")
  let run = TrainRun(
    options: options, modelName: kind.name, vocabulary: vocabulary, training: training,
    validation: validation, settings: cell.settings.merging(output.settings) { $1 },
    describe: cell.describe + output.describe,
    configuration: configuration, sourceLabel: texts.sourceLabel, optimum: texts.optimum,
    checkpointPath: options.checkpoint ?? "\(defaultName).checkpoint.json",
    curvePath: options.curve ?? "\(defaultName).curve.svg", resume: resume,
    output: output)
  try cell.train(run, &rng)
}

/// Trains `RNNLanguageModel<Cell>` (the full softmax of units 02-03) as `run` describes, then
/// saves the checkpoint and curve.
func trainLanguageModel<Cell: BackpropagatingCell>(
  cell: Cell, run: TrainRun, rng: inout RandomSource
) throws {
  var model = RNNLanguageModel(vocabularySize: run.vocabulary.count, cell: cell, rng: &rng)
  if let resume = run.resume { try resume.load(into: &model) }
  try trainModel(
    &model, embeddingSize: model.embeddingSize, hiddenSize: model.hiddenSize, run: run)
}

/// Trains any language model as `run` describes: prints the progress, then saves the
/// checkpoint and the learning curve.
func trainModel<Model: TrainableLanguageModel>(
  _ model: inout Model, embeddingSize: Int, hiddenSize: Int, run: TrainRun
) throws {
  let options = run.options
  let level = run.vocabulary.level == .word ? "word" : "character"
  let fit: FitResult
  do {
    fit = try fitModel(&model, embeddingSize: embeddingSize, hiddenSize: hiddenSize, run: run)
  } catch let error as TrainingDivergedError {
    throw CommandFailure.input(
      "\(error) (options: --clip-norm C, --lr R); nothing was saved")
  }
  let (history, seconds, rate) = (fit.history, fit.seconds, fit.learningRate)

  var notes = [
    "source": run.sourceLabel, "steps": "\(history.stepsCompleted)",
    "trainingSeconds": String(format: "%.1f", seconds), "optimizer": options.optimizer,
    "learningRate": formatNumber(rate),
  ]
  if let perplexity = history.finalValidationPerplexity {
    notes["validationPerplexity"] = formatNumber(perplexity)
  }
  let checkpoint = Checkpoint(
    model: run.modelName, settings: run.settings, vocabulary: run.vocabulary, parameters: model,
    notes: notes)
  try checkpoint.write(to: run.checkpointPath)
  var references: [(label: String, perplexity: Double)] = []
  if let optimum = run.optimum { references.append(("source (optimum)", optimum)) }
  let chart = LearningCurve.chart(
    history, title: "\(run.modelName) on \(run.sourceLabel) (\(level) level)",
    references: references)
  do {
    try chart.write(to: run.curvePath)
  } catch {
    throw CommandFailure.input("cannot write \(run.curvePath): \(error.localizedDescription)")
  }
  print(
    "done in \(String(format: "%.1f", seconds)) s"
      + (history.finalValidationPerplexity.map { "; validation perplexity \(formatNumber($0))" }
        ?? ""))
  print("wrote \(run.checkpointPath)")
  print("wrote \(run.curvePath)")
  print("sample it with: rnnkit sample --checkpoint \(run.checkpointPath)")
}

/// What ``fitModel(_:embeddingSize:hiddenSize:run:)`` did.
struct FitResult {
  var history: TrainingHistory
  /// Wall-clock seconds of training, validation passes included.
  var seconds: Double
  var learningRate: Double
}

/// Prints what is trained, then trains `model` in place as `run` describes: its optimizer,
/// learning rate and clipping, with progress and validation lines. The part of a run that
/// `rnnkit train` and `rnnkit table` share.
///
/// - Throws: `TrainingDivergedError` when the loss or the gradient stops being finite.
func fitModel<Model: TrainableLanguageModel>(
  _ model: inout Model, embeddingSize: Int, hiddenSize: Int, run: TrainRun
) throws -> FitResult {
  let options = run.options
  let level = run.vocabulary.level == .word ? "word" : "character"
  let rate =
    options.learningRate ?? ["adam": 0.002, "sgd": 0.5, "adagrad": 0.1][options.optimizer] ?? 0.002
  let clipping: ClippingRule? =
    options.clipNorm.map { .globalNorm($0) } ?? options.clipValue.map { .value($0) }
  let config = run.configuration
  print(
    "training \(run.modelName) (\(run.describe)) on \(run.sourceLabel), \(level) level: "
      + "\(run.training.count) training and \(run.validation.count) held-out tokens, "
      + "V = \(run.vocabulary.count)")
  print(
    "E = \(embeddingSize), H = \(hiddenSize), \(model.parameterCount) parameters; "
      + "\(options.optimizer) lr \(formatNumber(rate)); \(config.steps) updates of "
      + "\(config.batchSize) x \(config.sequenceLength) tokens"
      + (config.truncation.map { ", truncated BPTT k = \($0)" } ?? "")
      + "; clipping: \(clipping.map { "\($0)" } ?? "none")")
  if let optimum = run.optimum {
    print(
      "the source's own perplexity on the held-out sentences (the optimum): "
        + formatNumber(optimum))
  }

  var trainer = LanguageModelTrainer<Model>(configuration: config)
  if let clipping { trainer.gradientTransform = { clipping.apply(&$0) } }
  trainer.onEvent = { event in print(event.line) }
  let started = Date()
  let history: TrainingHistory
  switch options.optimizer {
  case "sgd":
    var optimizer = SGD(
      learningRate: rate, momentum: options.momentum, weightDecay: options.weightDecay)
    history = try trainer.train(
      &model, optimizer: &optimizer, training: run.training, validation: run.validation)
  case "adagrad":
    var optimizer = Adagrad(learningRate: rate, weightDecay: options.weightDecay)
    history = try trainer.train(
      &model, optimizer: &optimizer, training: run.training, validation: run.validation)
  default:
    var optimizer = Adam(learningRate: rate, weightDecay: options.weightDecay)
    history = try trainer.train(
      &model, optimizer: &optimizer, training: run.training, validation: run.validation)
  }
  return FitResult(
    history: history, seconds: Date().timeIntervalSince(started), learningRate: rate)
}
