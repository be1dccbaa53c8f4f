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

// `rnnkit train` and `rnnkit sample`: recurrent language models (units 02-04).

private let trainUsageLine = """
  Usage: rnnkit train --text FILE [--model elman|gru|lstm] [--words] [options]
         rnnkit train --synthetic N [--model elman|gru|lstm] [--words] [options]
  """

private let trainHelp = """
  \(trainUsageLine)

  Trains a recurrent language model on UTF-8 text with stateful truncated backpropagation
  through time (units 02-04), prints its progress, and writes a checkpoint and a learning
  curve. Runs your exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference); training
  needs units 02 and 03 (and 04 for --clip-norm, --clip-value and --irnn, 05 for --model gru,
  06 for --model lstm).

  input:
    --text FILE          training text; the last --valid-fraction of it (cut at a line
                         break) is held out for validation unless --valid is given
    --valid FILE         held-out text for validation
    --valid-fraction F   share of --text held out, in [0, 0.5] (default 0.1)
    --synthetic N        instead of a file, N sentences of the kit's synthetic corpus (seed 1),
                         validated on max(N/10, 100) more (seed 2); at word level the curve
                         also shows the source's own perplexity, the best possible
    --words              word level: tokens are whitespace-separated words and every line
                         ends with <eos> (default: character level)
    --min-count N        word level: words seen fewer than N times become <unk> (default 2;
                         1 with --synthetic)
    --max-vocab N        keep at most N tokens, the most frequent (default: no limit)

  model:
    --model NAME         elman (default), gru (unit 05) or lstm (unit 06)
    --hidden N           hidden units H (default 128)
    --embedding N        embedding size E (default 32 at character level, 64 at word level)
    --activation NAME    tanh | sigmoid | relu (default tanh)
    --irnn               identity-initialized ReLU network (exercise 04.3): W_hh = I, b = 0,
                         ReLU units; use with --clip-norm
    --resume FILE        continue training the model saved in a checkpoint: its model, sizes,
                         activation and vocabulary replace --model, --hidden, --embedding,
                         --activation, --irnn, --min-count and --max-vocab; --words must
                         match it; the optimizer starts afresh

  training:
    --steps N            parameter updates (default 2000)
    --batch N            sequences per update (default 32)
    --seq N              time steps per chunk: the BPTT window; the state is carried from one
                         chunk to the next as a constant (default 32 characters, 20 words)
    --truncate K         backpropagate each step's loss through at most K steps (K < --seq)
    --optimizer NAME     adam | sgd | adagrad (default adam)
    --lr R               learning rate (default: adam 0.002, sgd 0.5, adagrad 0.1)
    --momentum M         momentum of sgd, in [0, 1) (default 0)
    --weight-decay L     L2 penalty (L/2)·‖W‖² on every weight block (biases excluded): adds
                         L·W to each weight gradient before the update (default 0)
    --clip-norm C        rescale the gradient to global norm C when it is larger (exercise 04.1)
    --clip-value C       clip every gradient element to [-C, C] (exercise 04.2)
    --seed S             seeds the weights (default 1)
    --threads N          threads for the large matrix products (default 1); the results are
                         the same for every N, only the speed changes
    --log-every N        updates between progress lines (default: steps / 20)
    --eval-every N       updates between validation passes (default: steps / 10)
    --max-valid-tokens N validate on the first N held-out tokens (default 20000)

  output:
    --checkpoint PATH    where to save the model (default: <name>-<model>.checkpoint.json in
                         the current directory, <name> from the text file)
    --curve PATH         where to draw the learning curve, SVG (default:
                         <name>-<model>.curve.svg)
    --help               show this text

  Each progress line shows the update, the mean training loss (nats per token) and its
  perplexity since the last line, the largest gradient norm before clipping, and tokens per
  second. Training stops with an error if the loss or the gradient stops being a finite
  number (exploding gradients); clip the gradients or lower the learning rate.

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """

private let sampleUsageLine = "Usage: rnnkit sample --checkpoint FILE [options]"

private let sampleHelp = """
  \(sampleUsageLine)

  Samples novel text from a model saved by `rnnkit train` (exercise 02.5): reads the prime,
  then draws each token from the model's distribution and feeds it back. Runs your
  exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference).

  options:
    --checkpoint FILE    the model to sample from (required)
    --count N            number of samples (default 1 at character level, 5 at word level)
    --length N           most tokens per sample (default 400 characters, 50 words); a word
                         sample also ends when the model draws <eos>
    --temperature T      divide the logits by T > 0 before the softmax: below 1 is more
                         conservative, above 1 more surprising (default 1)
    --prime TEXT         text to read before sampling (default: a line break at character
                         level, the start of a sentence at word level)
    --allow-unk          let <unk> appear in the output (default: redraw it, as the lectures
                         suggest)
    --seed S             random seed (default 1)
    --help               show this text

  Exit status: 0 on success, 1 for an unreadable checkpoint, 64 for a usage error.
  """

/// A problem with the command line (exit 64) or with the input or the run (exit 1).
private enum CommandFailure: Error {
  case usage(String)
  case input(String)
}

/// The recurrent models `train` and `sample` know, by `--model` name. A later unit adds its
/// cell (GRU, LSTM) with one entry: how to make a fresh cell for training and an empty one of
/// the right shapes for loading a checkpoint. Everything else (trainer, checkpoints, sampler)
/// is shared through ``RNNLanguageModel``.
private struct RecurrentModelKind {
  var name: String
  /// A fresh cell for `train`, and the settings that rebuild its shapes.
  var makeCell: (TrainOptions, Int, inout RandomSource) throws -> (AnyTrainableCell)
  /// A cell of the shapes a checkpoint of this kind holds, for `train --resume` (the trainer
  /// loads the saved parameters into the model built around it).
  var resumeCell: (Checkpoint) throws -> AnyTrainableCell
  /// Samples from a checkpoint of this kind.
  var sample: (Checkpoint, SampleOptions) throws -> Void
}

/// A cell chosen at run time, with what a checkpoint needs to rebuild it.
private struct AnyTrainableCell {
  var settings: [String: String]
  var describe: String
  var train: (TrainRun, inout RandomSource) throws -> Void

  init<Cell: BackpropagatingCell>(_ cell: Cell, settings: [String: String], describe: String) {
    self.settings = settings
    self.describe = describe
    self.train = { run, rng in try trainLanguageModel(cell: cell, run: run, rng: &rng) }
  }
}

extension RecurrentModelKind {
  /// A model kind whose resumed and sampled cells are the `emptyCell` of a checkpoint (its
  /// parameters are loaded into the model built around it).
  init<Cell: BackpropagatingCell>(
    name: String, displayName: String, emptyCell: @escaping (Checkpoint) throws -> Cell,
    makeCell: @escaping (TrainOptions, Int, inout RandomSource) throws -> AnyTrainableCell
  ) {
    self.init(
      name: name, makeCell: makeCell,
      resumeCell: { checkpoint in
        AnyTrainableCell(
          try emptyCell(checkpoint), settings: checkpoint.settings,
          describe: "\(displayName), resumed")
      },
      sample: { checkpoint, options in
        try sampleLanguageModel(
          cell: try emptyCell(checkpoint), checkpoint: checkpoint, options: options)
      })
  }
}

private var modelKinds: [RecurrentModelKind] {
  [
    RecurrentModelKind(
      name: "elman", displayName: "Elman", emptyCell: emptyElmanCell,
      makeCell: { options, embeddingSize, rng in
        let cell: ElmanCell
        if options.irnn {
          cell = ElmanCell.identityReLU(
            inputSize: embeddingSize, hiddenSize: options.hidden, inputStd: 0.01, rng: &rng)
        } else {
          cell = ElmanCell(
            inputSize: embeddingSize, hiddenSize: options.hidden,
            activation: options.activation, rng: &rng)
        }
        return AnyTrainableCell(
          cell,
          settings: [
            "activation": cell.activation.rawValue, "embeddingSize": "\(embeddingSize)",
            "hiddenSize": "\(options.hidden)",
            "initialization": options.irnn ? "identity (IRNN)" : "orthogonal",
          ],
          describe: "Elman, \(cell.activation.rawValue)\(options.irnn ? " (IRNN)" : "")")
      }),
    RecurrentModelKind(
      name: "gru", displayName: "GRU", emptyCell: emptyGRUCell,
      makeCell: { options, embeddingSize, rng in
        try rejectElmanOptions(options)
        return AnyTrainableCell(
          GRUCell(inputSize: embeddingSize, hiddenSize: options.hidden, rng: &rng),
          settings: ["embeddingSize": "\(embeddingSize)", "hiddenSize": "\(options.hidden)"],
          describe: "GRU, gate order z, r, h̃")
      }),
    RecurrentModelKind(
      name: "lstm", displayName: "LSTM", emptyCell: emptyLSTMCell,
      makeCell: { options, embeddingSize, rng in
        try rejectElmanOptions(options)
        return AnyTrainableCell(
          LSTMCell(inputSize: embeddingSize, hiddenSize: options.hidden, rng: &rng),
          settings: [
            "embeddingSize": "\(embeddingSize)", "hiddenSize": "\(options.hidden)",
            "forgetBias": "1",
          ],
          describe: "LSTM, gate order i, f, g, o, forget-gate bias 1")
      }),
  ]
}

/// `--irnn` and `--activation` describe an Elman cell; the gated cells have fixed
/// nonlinearities (σ for the gates, tanh for the candidate).
private func rejectElmanOptions(_ options: TrainOptions) throws {
  if options.irnn || options.activationGiven {
    throw CommandFailure.usage(
      "--irnn and --activation apply to --model elman only, not \(options.model)")
  }
}

/// A GRU of zeros with the shapes a checkpoint describes (`W` 3H x E, `U` 3H x H, `b` 1 x 3H).
private func emptyGRUCell(_ checkpoint: Checkpoint) throws -> GRUCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  return GRUCell(
    inputWeight: .zeros(3 * hidden, embedding), recurrentWeight: .zeros(3 * hidden, hidden),
    bias: .zeros(1, 3 * hidden))
}

/// An LSTM of zeros with the shapes a checkpoint describes (`W` 4H x E, `U` 4H x H, `b` 1 x 4H).
private func emptyLSTMCell(_ checkpoint: Checkpoint) throws -> LSTMCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  return LSTMCell(
    inputWeight: .zeros(4 * hidden, embedding), recurrentWeight: .zeros(4 * hidden, hidden),
    bias: .zeros(1, 4 * hidden))
}

/// An Elman cell of zeros with the shapes and activation a checkpoint describes.
private func emptyElmanCell(_ checkpoint: Checkpoint) throws -> ElmanCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  let name = try checkpoint.setting("activation")
  guard let activation = RecurrentActivation(rawValue: name) else {
    throw CheckpointError.invalidSetting(key: "activation", value: name)
  }
  return ElmanCell(
    recurrentWeight: .zeros(hidden, hidden), inputWeight: .zeros(hidden, embedding),
    bias: .zeros(1, hidden), activation: activation)
}

private func modelKind(_ name: String) throws -> RecurrentModelKind {
  guard let kind = modelKinds.first(where: { $0.name == name }) else {
    throw CommandFailure.usage(
      "unknown model '\(name)'; available: \(modelKinds.map(\.name).joined(separator: ", "))")
  }
  return kind
}

// MARK: - train

private struct TrainOptions {
  var text: String?
  var valid: String?
  var validFraction = 0.1
  var synthetic: Int?
  var words = false
  var minCount: Int?
  var maxVocabulary: Int?
  var model = "elman"
  var hidden = 128
  var embedding: Int?
  var activation = RecurrentActivation.tanh
  var activationGiven = false
  var irnn = false
  var steps = 2000
  var batch = 32
  var sequenceLength: Int?
  var truncation: Int?
  var optimizer = "adam"
  var learningRate: Double?
  var momentum = 0.0
  var weightDecay = 0.0
  var clipNorm: Double?
  var clipValue: Double?
  var seed: UInt64 = 1
  var threads = 1
  var logEvery: Int?
  var evaluateEvery: Int?
  var maxValidTokens = 20_000
  var checkpoint: String?
  var curve: String?
  var resume: String?
}

/// Everything a training run needs once the cell is chosen.
private struct TrainRun {
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
}

/// Runs `rnnkit train`; `arguments` are the words after `train`. Returns the exit status.
func runTrain(_ arguments: [String]) -> Int32 {
  do {
    guard let options = try parseTrainOptions(arguments) else {
      print(trainHelp)
      return 0
    }
    try train(options)
    return 0
  } catch CommandFailure.usage(let message) {
    FileHandle.standardError.write(
      Data("Error: \(message)\n\(trainUsageLine)\n  See 'rnnkit train --help'.\n".utf8))
    return 64
  } catch CommandFailure.input(let message) {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return 1
  } catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    return 1
  }
}

/// Reads `--option value` and `--option=value` pairs.
private struct ArgumentReader {
  var arguments: [String]
  var index = 0
  var option = ""
  var inline: String?

  init(_ arguments: [String]) { self.arguments = arguments }

  /// The next option, or `nil` at the end.
  mutating func next() throws -> String? {
    if let inline { throw CommandFailure.usage("\(option) takes no value (got '\(inline)')") }
    guard index < arguments.count else { return nil }
    let argument = arguments[index]
    index += 1
    let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
    option = argument.hasPrefix("--") ? parts[0] : argument
    inline = argument.hasPrefix("--") && parts.count == 2 ? parts[1] : nil
    return option
  }

  mutating func value() throws -> String {
    if let text = inline {
      inline = nil
      return text
    }
    guard index < arguments.count else { throw CommandFailure.usage("\(option) needs a value") }
    index += 1
    return arguments[index - 1]
  }

  mutating func integer(atLeast low: Int) throws -> Int {
    let text = try value()
    guard let n = Int(text), n >= low else {
      throw CommandFailure.usage("\(option) needs a whole number of at least \(low), got '\(text)'")
    }
    return n
  }

  mutating func positive() throws -> Double {
    let text = try value()
    guard let x = Double(text), x > 0, x.isFinite else {
      throw CommandFailure.usage("\(option) needs a positive number, got '\(text)'")
    }
    return x
  }

  mutating func seed() throws -> UInt64 {
    let text = try value()
    guard let seed = UInt64(text) else {
      throw CommandFailure.usage("\(option) needs a non-negative whole number, got '\(text)'")
    }
    return seed
  }
}

/// Parses the options of `train`; `nil` means `--help`.
private func parseTrainOptions(_ arguments: [String]) throws -> TrainOptions? {
  var options = TrainOptions()
  var reader = ArgumentReader(arguments)
  while let option = try reader.next() {
    switch option {
    case "--help", "-h": return nil
    case "--text": options.text = try reader.value()
    case "--valid": options.valid = try reader.value()
    case "--valid-fraction":
      let text = try reader.value()
      guard let f = Double(text), f >= 0, f <= 0.5 else {
        throw CommandFailure.usage("--valid-fraction needs a number in [0, 0.5], got '\(text)'")
      }
      options.validFraction = f
    case "--synthetic": options.synthetic = try reader.integer(atLeast: 1)
    case "--words": options.words = true
    case "--chars": options.words = false
    case "--min-count": options.minCount = try reader.integer(atLeast: 1)
    case "--max-vocab": options.maxVocabulary = try reader.integer(atLeast: 3)
    case "--model": options.model = try reader.value()
    case "--hidden": options.hidden = try reader.integer(atLeast: 1)
    case "--embedding": options.embedding = try reader.integer(atLeast: 1)
    case "--activation":
      let text = try reader.value()
      guard let activation = RecurrentActivation(rawValue: text) else {
        let names = RecurrentActivation.allCases.map(\.rawValue).joined(separator: ", ")
        throw CommandFailure.usage("--activation must be one of \(names); got '\(text)'")
      }
      options.activation = activation
      options.activationGiven = true
    case "--irnn": options.irnn = true
    case "--steps": options.steps = try reader.integer(atLeast: 1)
    case "--batch": options.batch = try reader.integer(atLeast: 1)
    case "--seq": options.sequenceLength = try reader.integer(atLeast: 1)
    case "--truncate": options.truncation = try reader.integer(atLeast: 1)
    case "--optimizer":
      let text = try reader.value()
      guard ["adam", "sgd", "adagrad"].contains(text) else {
        throw CommandFailure.usage("--optimizer must be one of adam, sgd, adagrad; got '\(text)'")
      }
      options.optimizer = text
    case "--lr": options.learningRate = try reader.positive()
    case "--momentum":
      let text = try reader.value()
      guard let m = Double(text), m >= 0, m < 1 else {
        throw CommandFailure.usage("--momentum needs a number in [0, 1), got '\(text)'")
      }
      options.momentum = m
    case "--weight-decay":
      let text = try reader.value()
      guard let decay = Double(text), decay >= 0, decay.isFinite else {
        throw CommandFailure.usage("--weight-decay needs a number ≥ 0, got '\(text)'")
      }
      options.weightDecay = decay
    case "--clip-norm": options.clipNorm = try reader.positive()
    case "--clip-value": options.clipValue = try reader.positive()
    case "--seed": options.seed = try reader.seed()
    case "--threads": options.threads = try reader.integer(atLeast: 1)
    case "--log-every": options.logEvery = try reader.integer(atLeast: 1)
    case "--eval-every": options.evaluateEvery = try reader.integer(atLeast: 1)
    case "--max-valid-tokens": options.maxValidTokens = try reader.integer(atLeast: 2)
    case "--checkpoint": options.checkpoint = try reader.value()
    case "--curve": options.curve = try reader.value()
    case "--resume": options.resume = try reader.value()
    default:
      throw CommandFailure.usage("unknown argument '\(option)'")
    }
  }
  if options.synthetic != nil && (options.text != nil || options.valid != nil) {
    throw CommandFailure.usage("--synthetic replaces --text and --valid; give one or the other")
  }
  if options.synthetic == nil && options.text == nil {
    throw CommandFailure.usage("--text FILE (or --synthetic N) is required")
  }
  if options.clipNorm != nil && options.clipValue != nil {
    throw CommandFailure.usage("give --clip-norm or --clip-value, not both")
  }
  if options.irnn && options.activationGiven && options.activation != .relu {
    throw CommandFailure.usage("--irnn uses ReLU units; drop --activation \(options.activation)")
  }
  if options.momentum != 0 && options.optimizer != "sgd" {
    throw CommandFailure.usage("--momentum applies to --optimizer sgd only")
  }
  if options.resume != nil
    && (options.irnn || options.activationGiven || options.embedding != nil
      || options.minCount != nil || options.maxVocabulary != nil)
  {
    throw CommandFailure.usage(
      "--resume takes the model and vocabulary from the checkpoint; drop --irnn, --activation, "
        + "--embedding, --min-count and --max-vocab")
  }
  _ = try modelKind(options.model)
  return options
}

/// Reads a text file, turning its errors into input failures that name it.
private func readText(_ path: String) throws -> String {
  do {
    return try TextFile.read(path)
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
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

private func train(_ options: TrainOptions) throws {
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
  var trainingText: String
  var validationText: String
  var sourceLabel: String
  var baseName: String
  var optimum: Double?
  if let sentences = options.synthetic {
    let train = SyntheticCorpus.generate(sentences: sentences, seed: 1)
    let valid = SyntheticCorpus.generate(sentences: max(sentences / 10, 100), seed: 2)
    trainingText = train.text
    validationText = valid.text
    sourceLabel = "\(sentences) synthetic sentences"
    baseName = "synthetic"
    if level == .word { optimum = valid.sampleEntropy.perplexity }
  } else {
    let path = options.text ?? ""
    let text = try readText(path)
    if let validPath = options.valid {
      trainingText = text
      validationText = try readText(validPath)
    } else {
      (trainingText, validationText) = splitForValidation(text, fraction: options.validFraction)
    }
    sourceLabel = (path as NSString).lastPathComponent
    baseName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
  }

  // The vocabulary and the token streams.
  let minCount = options.minCount ?? (level == .word && options.synthetic == nil ? 2 : 1)
  let vocabulary =
    resume?.vocabulary
    ?? (level == .word
      ? TokenVocabulary.words(
        from: trainingText, minimumCount: minCount, maximumSize: options.maxVocabulary)
      : TokenVocabulary.characters(from: trainingText, minimumCount: minCount))
  var training = vocabulary.encode(trainingText)
  var validation = vocabulary.encode(validationText)
  if let end = vocabulary.endOfSentenceID {
    // Start each stream at a sentence boundary, as <s> does for an n-gram model.
    training.insert(end, at: 0)
    validation.insert(end, at: 0)
  }
  let sequenceLength = options.sequenceLength ?? (level == .word ? 20 : 32)
  let needed = ContiguousBatcher.minimumTokens(batchSize: options.batch, steps: sequenceLength)
  guard training.count >= needed else {
    throw CommandFailure.input(
      "\(sourceLabel) has \(training.count) training tokens, but one batch of \(options.batch) "
        + "x \(sequenceLength) needs \(needed); use a longer text or a smaller --batch or --seq")
  }
  if let truncation = options.truncation, truncation >= sequenceLength {
    throw CommandFailure.usage(
      "--truncate \(truncation) must be smaller than --seq \(sequenceLength)")
  }
  if validation.count < 2 {
    print("note: no held-out text, so no validation (give --valid FILE or --valid-fraction)")
  }

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
  let run = TrainRun(
    options: options, modelName: kind.name, vocabulary: vocabulary, training: training,
    validation: validation, settings: cell.settings, describe: cell.describe,
    configuration: configuration, sourceLabel: sourceLabel, optimum: optimum,
    checkpointPath: options.checkpoint ?? "\(baseName)-\(kind.name).checkpoint.json",
    curvePath: options.curve ?? "\(baseName)-\(kind.name).curve.svg", resume: resume)
  try cell.train(run, &rng)
}

/// Trains `RNNLanguageModel<Cell>` as `run` describes, then saves the checkpoint and curve.
private func trainLanguageModel<Cell: BackpropagatingCell>(
  cell: Cell, run: TrainRun, rng: inout RandomSource
) throws {
  var model = RNNLanguageModel(vocabularySize: run.vocabulary.count, cell: cell, rng: &rng)
  if let resume = run.resume { try resume.load(into: &model) }
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
    "E = \(model.embeddingSize), H = \(model.hiddenSize), \(model.parameterCount) parameters; "
      + "\(options.optimizer) lr \(formatNumber(rate)); \(config.steps) updates of "
      + "\(config.batchSize) x \(config.sequenceLength) tokens"
      + (config.truncation.map { ", truncated BPTT k = \($0)" } ?? "")
      + "; clipping: \(clipping.map { "\($0)" } ?? "none")")
  if let optimum = run.optimum {
    print(
      "the source's own perplexity on the held-out sentences (the optimum): "
        + formatNumber(optimum))
  }

  var trainer = LanguageModelTrainer<RNNLanguageModel<Cell>>(configuration: config)
  if let clipping { trainer.gradientTransform = { clipping.apply(&$0) } }
  trainer.onEvent = { event in print(event.line) }
  let started = Date()
  let history: TrainingHistory
  do {
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
  } catch let error as TrainingDivergedError {
    throw CommandFailure.input(
      "\(error) (options: --clip-norm C, --lr R); nothing was saved")
  }
  let seconds = Date().timeIntervalSince(started)

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

// MARK: - sample

private struct SampleOptions {
  var checkpoint: String?
  var count: Int?
  var length: Int?
  var temperature = 1.0
  var prime: String?
  var allowUnknown = false
  var seed: UInt64 = 1
}

/// Runs `rnnkit sample`; `arguments` are the words after `sample`. Returns the exit status.
func runSample(_ arguments: [String]) -> Int32 {
  do {
    var options = SampleOptions()
    var reader = ArgumentReader(arguments)
    while let option = try reader.next() {
      switch option {
      case "--help", "-h":
        print(sampleHelp)
        return 0
      case "--checkpoint": options.checkpoint = try reader.value()
      case "--count": options.count = try reader.integer(atLeast: 1)
      case "--length": options.length = try reader.integer(atLeast: 1)
      case "--temperature": options.temperature = try reader.positive()
      case "--prime": options.prime = try reader.value()
      case "--allow-unk": options.allowUnknown = true
      case "--seed": options.seed = try reader.seed()
      default: throw CommandFailure.usage("unknown argument '\(option)'")
      }
    }
    guard let path = options.checkpoint else {
      throw CommandFailure.usage("--checkpoint FILE is required")
    }
    let checkpoint = try Checkpoint.read(from: path)
    try modelKind(checkpoint.model).sample(checkpoint, options)
    return 0
  } catch CommandFailure.usage(let message) {
    FileHandle.standardError.write(
      Data("Error: \(message)\n\(sampleUsageLine)\n  See 'rnnkit sample --help'.\n".utf8))
    return 64
  } catch CommandFailure.input(let message) {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return 1
  } catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    return 1
  }
}

/// Loads `checkpoint` into a model around `cell` (of the right shapes) and prints samples.
private func sampleLanguageModel<Cell: RecurrentCell>(
  cell: Cell, checkpoint: Checkpoint, options: SampleOptions
) throws {
  let vocabulary = checkpoint.vocabulary
  var model = RNNLanguageModel(
    embedding: .zeros(vocabulary.count, cell.inputSize), cell: cell,
    outputWeight: .zeros(vocabulary.count, cell.hiddenSize),
    outputBias: .zeros(1, vocabulary.count))
  try checkpoint.load(into: &model)
  let words = vocabulary.level == .word
  var prompt: [Int]
  var shownPrime = ""
  if let prime = options.prime {
    prompt =
      words
      ? prime.split(whereSeparator: \.isWhitespace).map { vocabulary.id(of: String($0)) }
      : vocabulary.encode(prime)
    shownPrime = words && !prompt.isEmpty ? prime + " " : prime
  } else if let end = vocabulary.endOfSentenceID {
    prompt = [end]
  } else {
    prompt = [vocabulary.contains("\n") ? vocabulary.id(of: "\n") : min(1, vocabulary.count - 1)]
  }
  if prompt.isEmpty { prompt = [vocabulary.endOfSentenceID ?? 0] }
  let sampling = SamplingOptions(
    temperature: options.temperature, maximumLength: options.length ?? (words ? 50 : 400),
    endToken: vocabulary.endOfSentenceID,
    unknownToken: options.allowUnknown ? nil : vocabulary.unknownID)
  var rng = RandomSource(seed: options.seed)
  for index in 0..<(options.count ?? (words ? 5 : 1)) {
    let tokens = Sampler.generate(from: model, prompt: prompt, options: sampling, rng: &rng)
    var text = shownPrime + vocabulary.decode(tokens)
    if text.hasSuffix("\n") { text.removeLast() }
    if index > 0 && !words { print("---") }
    print(text)
  }
}
