import Foundation
import RNNCommandLine
import RNNCore
import RNNTraining
import Unit02
import Unit03
import Unit04
import Unit05
import Unit06

// `rnnkit bench train`: training speed of the three recurrent language models.

private var benchTrainHelp: String {
  """
  \(trainBenchUsageLine)

  Measures how fast the kit trains a character-level recurrent language model (embedding,
  one recurrent layer, softmax output; mean cross-entropy, full BPTT over each chunk with the
  state carried between chunks, Adam, gradients clipped to global norm 5) and prints, for
  each cell and configuration, tokens per second, milliseconds per update and the peak
  resident memory of the run. Runs your exercises (units 02-06; in the full kit,
  RNNKIT_SOLUTIONS=1 runs the reference).

  Two configurations by default:
    realistic   hidden 128, embedding 128, batch 32, sequence 64, 200 timed updates
    course      hidden 32, embedding 32, batch 1, sequence 25, 2,000 timed updates
  Giving any of --hidden, --embedding, --batch, --seq or --steps measures one configuration
  instead, built from those values (the realistic one for the others).

  \(trainBenchOptionTable.help)

  Each run builds a fresh model from seed 1, makes 10 untimed updates, then times --steps
  updates. Tokens per second counts B x T tokens per update. Each cell and configuration is
  measured in a process of its own; "peak MiB" is that process's largest resident size, and
  "(at start)" its size before the first model was built (the program and the token stream),
  so the difference is what training took. The exit status is 0 unless the input is unusable.
  """
}

private let trainBenchUsageLine = "Usage: rnnkit bench train [options]"

/// One measured configuration.
private struct TrainBenchConfiguration {
  var label: String
  var hidden: Int
  var embedding: Int
  var batch: Int
  var sequence: Int
  var steps: Int

  var description: String {
    "H \(hidden), E \(embedding), B \(batch), T \(sequence)"
  }
}

private struct TrainBenchOptions {
  var models = ["elman", "gru", "lstm"]
  var hidden: Int?
  var embedding: Int?
  var batch: Int?
  var sequence: Int?
  var steps: Int?
  var vocabulary = 65
  var text: String?
  var repetitions = 3
  var threads = 1
  /// Set in the child process that measures one cell and configuration.
  var child = false

  var configurations: [TrainBenchConfiguration] {
    let realistic = TrainBenchConfiguration(
      label: "realistic", hidden: 128, embedding: 128, batch: 32, sequence: 64, steps: 200)
    let course = TrainBenchConfiguration(
      label: "course", hidden: 32, embedding: 32, batch: 1, sequence: 25, steps: 2000)
    if hidden == nil && embedding == nil && batch == nil && sequence == nil && steps == nil {
      return [realistic, course]
    }
    return [
      TrainBenchConfiguration(
        label: "custom", hidden: hidden ?? realistic.hidden,
        embedding: embedding ?? realistic.embedding, batch: batch ?? realistic.batch,
        sequence: sequence ?? realistic.sequence, steps: steps ?? realistic.steps)
    ]
  }
}

private let trainBenchOptionTable = OptionTable<TrainBenchOptions>(sections: [
  .init(
    "options",
    [
      .init(
        names: ["--models"], valueName: "LIST",
        help: ["comma-separated cells: elman, gru, lstm (default all three)"]
      ) { options, list, given in
        let names = list.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if let unknown = names.first(where: { !["elman", "gru", "lstm"].contains($0) }) {
          throw UsageError("\(given): unknown cell '\(unknown)'; choose from elman, gru, lstm")
        }
        guard !names.isEmpty else { throw UsageError("\(given) needs at least one cell") }
        options.models = names
      },
      .integer("--hidden", "N", atLeast: 1, help: "hidden size H") { $0.hidden = $1 },
      .integer("--embedding", "N", atLeast: 1, help: "embedding size E") { $0.embedding = $1 },
      .integer("--batch", "N", atLeast: 1, help: "sequences per update B") { $0.batch = $1 },
      .integer("--seq", "N", atLeast: 1, help: "time steps per update T") { $0.sequence = $1 },
      .integer("--steps", "N", atLeast: 1, help: "timed updates") { $0.steps = $1 },
      .integer(
        "--vocabulary", "V", atLeast: 2,
        help: "distinct tokens (default 65, the character set of Tiny Shakespeare)"
      ) { $0.vocabulary = $1 },
      .text(
        "--text", "FILE",
        help: "train on the characters of FILE instead of a random token stream",
        "(the speed depends on V, not on the text)"
      ) { $0.text = $1 },
      .integer(
        "--repetitions", "N", atLeast: 1,
        help: "runs per measurement; the median is shown (default 3)"
      ) { $0.repetitions = $1 },
      .threads { $0.threads = $1 },
      .helpFlag,
    ])
])

/// Runs `rnnkit bench train`; `arguments` are the words after `train`. Returns the status.
func runTrainBench(_ arguments: [String]) -> Int32 {
  runCommand(name: "bench train", usageLine: trainBenchUsageLine) {
    // `--child` (internal: the parent starts one process per measurement) is not in the table.
    var rest = arguments
    let child = rest.firstIndex(of: "--child").map { rest.remove(at: $0) } != nil
    guard
      var options = try parseOptions(
        rest, with: trainBenchOptionTable, defaults: TrainBenchOptions(),
        help: { benchTrainHelp })
    else { return }
    options.child = child
    try benchTrain(options)
  }
}

private func benchTrain(_ options: TrainBenchOptions) throws {
  // The token stream: the characters of --text, or uniform random tokens.
  var stream: [Int]
  var vocabularySize = options.vocabulary
  var source = "uniform random tokens, V = \(vocabularySize)"
  if let path = options.text {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CommandFailure.input("cannot read --text file '\(path)'")
    }
    guard let text = String(data: data, encoding: .utf8), !text.isEmpty else {
      throw CommandFailure.input("'\(path)' is empty or not UTF-8 text")
    }
    let vocabulary = TokenVocabulary.characters(from: text)
    stream = vocabulary.encode(text)
    vocabularySize = vocabulary.count
    source = "the characters of \(path), V = \(vocabularySize)"
  } else {
    var rng = RandomSource(seed: 3)
    let longest = options.configurations.map { $0.batch * $0.sequence * ($0.steps + 10) + 1 }
    stream = (0..<(longest.max() ?? 1)).map { _ in rng.int(below: vocabularySize) }
  }
  for configuration in options.configurations {
    let needed = ContiguousBatcher.minimumTokens(
      batchSize: configuration.batch, steps: configuration.sequence)
    if stream.count < needed {
      throw CommandFailure.input(
        "the text has \(stream.count) tokens; \(configuration.description) needs at least "
          + "\(needed)")
    }
  }

  MatrixThreads.count = options.threads
  if options.child, let configuration = options.configurations.first,
    let model = options.models.first
  {
    let result = measureTraining(
      model: model, configuration: configuration, vocabularySize: vocabularySize,
      stream: stream, repetitions: options.repetitions)
    print(
      "result \(result.tokensPerSecond) \(result.secondsPerUpdate) \(result.peakMiB) "
        + "\(result.startMiB) \(result.parameters)")
    return
  }
  print(
    "rnnkit bench train: \(source); Adam, clipping at norm 5, full BPTT per chunk; "
      + "\(options.threads) thread\(options.threads == 1 ? "" : "s") for large products; "
      + "median of \(options.repetitions) run\(options.repetitions == 1 ? "" : "s"), "
      + "each cell and configuration in a process of its own")
  print(
    "configuration                       cell      tokens/s  ms/update  peak MiB  (at start)"
      + "  parameters")
  for configuration in options.configurations {
    for model in options.models {
      // A process per measurement, so its peak memory is its own.
      var childArguments = [
        "bench", "train", "--child", "--models", model,
        "--hidden", "\(configuration.hidden)", "--embedding", "\(configuration.embedding)",
        "--batch", "\(configuration.batch)", "--seq", "\(configuration.sequence)",
        "--steps", "\(configuration.steps)", "--vocabulary", "\(options.vocabulary)",
        "--repetitions", "\(options.repetitions)", "--threads", "\(options.threads)",
      ]
      if let text = options.text { childArguments += ["--text", text] }
      let fields = try runChild(childArguments)
      let label = "\(configuration.label): \(configuration.description)"
      print(
        (label.count < 36 ? label.padding(toLength: 36, withPad: " ", startingAt: 0) : label + " ")
          + model.padding(toLength: 7, withPad: " ", startingAt: 0)
          + groupedThousands(Int(fields[0].rounded())).rightAligned(11)
          + String(format: "%.2f", fields[1] * 1e3).rightAligned(11)
          + String(format: "%.1f", fields[2]).rightAligned(10)
          + String(format: "(%.1f)", fields[3]).rightAligned(12)
          + groupedThousands(Int(fields[4])).rightAligned(12))
    }
  }
}

/// Runs this program with `arguments` and returns the five numbers of its `result` line
/// (the child's own messages pass through to stderr).
private func runChild(_ arguments: [String]) throws -> [Double] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
  process.arguments = arguments
  let output = Pipe()
  process.standardOutput = output
  do {
    try process.run()
  } catch {
    throw CommandFailure.input("could not start a measuring process: \(error)")
  }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let text = String(decoding: data, as: UTF8.self)
  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("result ") })
  let fields = line.map { $0.split(separator: " ").dropFirst().compactMap { Double($0) } }
  guard process.terminationStatus == 0, let fields, fields.count == 5 else {
    if !text.isEmpty { FileHandle.standardError.write(data) }
    throw CommandFailure.input(
      "the measuring process for `\(arguments.joined(separator: " "))` ended with status "
        + "\(process.terminationStatus)")
  }
  return fields
}

/// Times `repetitions` runs of one cell and configuration; reports the median run.
private func measureTraining(
  model: String, configuration: TrainBenchConfiguration, vocabularySize: Int, stream: [Int],
  repetitions: Int
) -> (
  tokensPerSecond: Double, secondsPerUpdate: Double, peakMiB: Double, startMiB: Double,
  parameters: Int
) {
  let startMiB = residentMiB()
  var runs: [(seconds: Double, peakMiB: Double, parameters: Int)] = []
  for _ in 0..<repetitions {
    switch model {
    case "gru":
      runs.append(
        timeTraining(configuration, vocabularySize: vocabularySize, stream: stream) { rng in
          GRUCell(
            inputSize: configuration.embedding, hiddenSize: configuration.hidden, rng: &rng)
        })
    case "lstm":
      runs.append(
        timeTraining(configuration, vocabularySize: vocabularySize, stream: stream) { rng in
          LSTMCell(
            inputSize: configuration.embedding, hiddenSize: configuration.hidden, rng: &rng)
        })
    default:
      runs.append(
        timeTraining(configuration, vocabularySize: vocabularySize, stream: stream) { rng in
          ElmanCell(
            inputSize: configuration.embedding, hiddenSize: configuration.hidden,
            activation: .tanh, rng: &rng)
        })
    }
  }
  runs.sort { $0.seconds < $1.seconds }
  let median = runs[runs.count / 2]
  let tokens = Double(configuration.steps * configuration.batch * configuration.sequence)
  return (
    tokens / median.seconds, median.seconds / Double(configuration.steps),
    runs.map(\.peakMiB).max() ?? 0, startMiB, median.parameters
  )
}

/// One run: a fresh model, 10 untimed updates, then `configuration.steps` timed ones.
private func timeTraining<Cell: BackpropagatingCell>(
  _ configuration: TrainBenchConfiguration, vocabularySize: Int, stream: [Int],
  makeCell: (inout RandomSource) -> Cell
) -> (seconds: Double, peakMiB: Double, parameters: Int) {
  var rng = RandomSource(seed: 1)
  var model = RNNLanguageModel(vocabularySize: vocabularySize, cell: makeCell(&rng), rng: &rng)
  var optimizer = Adam(learningRate: 0.002)
  func trainer(steps: Int) -> LanguageModelTrainer<RNNLanguageModel<Cell>> {
    LanguageModelTrainer(
      configuration: TrainingConfiguration(
        steps: steps, batchSize: configuration.batch, sequenceLength: configuration.sequence),
      gradientTransform: { GradientClipping.clipByGlobalNorm(&$0, threshold: 5) })
  }
  do {
    _ = try trainer(steps: 10).train(
      &model, optimizer: &optimizer, training: stream, validation: [])
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try trainer(steps: configuration.steps).train(
      &model, optimizer: &optimizer, training: stream, validation: [])
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    return (seconds, peakResidentMiB(), model.parameterCount)
  } catch {
    // Random tokens and clipping keep the loss finite; say so if a cell still diverges.
    FileHandle.standardError.write(Data("rnnkit bench train: \(error)\n".utf8))
    exit(1)
  }
}

/// The resident size now, in MiB (Linux; 0 elsewhere).
private func residentMiB() -> Double {
  statusKilobytes("VmRSS:").map { $0 / 1024 } ?? 0
}

/// A size line of `/proc/self/status` (Linux), in kilobytes.
private func statusKilobytes(_ key: String) -> Double? {
  #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
      let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    {
      return kilobytes
    }
  #endif
  return nil
}

/// The largest resident size of this process so far, in MiB.
private func peakResidentMiB() -> Double {
  if let kilobytes = statusKilobytes("VmHWM:") { return kilobytes / 1024 }
  var usage = rusage()
  #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes
  #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes
  #endif
}
