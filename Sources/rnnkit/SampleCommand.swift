import Foundation
import RNNCommandLine
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit04
import Unit05
import Unit06

let sampleUsageLine = "Usage: rnnkit sample --checkpoint FILE [options]"

var sampleHelp: String {
  """
  \(sampleUsageLine)

  Samples novel text from a model saved by `rnnkit train` (exercise 02.5): reads the prime,
  then draws each token from the model's distribution and feeds it back. Runs your
  exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference).

  \(sampleOptionTable.help)

  Exit status: 0 on success, 1 for an unreadable checkpoint, 64 for a usage error.
  """
}

/// What `rnnkit sample` was asked to do.
struct SampleOptions {
  var checkpoint: String?
  var count: Int?
  var length: Int?
  var temperature = 1.0
  var prime: String?
  var allowUnknown = false
  var seed: UInt64 = 1
}

let sampleOptionTable = OptionTable<SampleOptions>(sections: [
  .init(
    "options",
    [
      .text("--checkpoint", "FILE", help: "the model to sample from (required)") {
        $0.checkpoint = $1
      },
      .integer(
        "--count", "N", atLeast: 1,
        help: "number of samples (default 1 at character level, 5 at word level)"
      ) { $0.count = $1 },
      .integer(
        "--length", "N", atLeast: 1,
        help: "most tokens per sample (default 400 characters, 50 words); a word",
        "sample also ends when the model draws <eos>"
      ) { $0.length = $1 },
      .positive(
        "--temperature", "T",
        help: "divide the logits by T > 0 before the softmax: below 1 is more",
        "conservative, above 1 more surprising (default 1)"
      ) { $0.temperature = $1 },
      .text(
        "--prime", "TEXT", help: "text to read before sampling (default: a line break at character",
        "level, the start of a sentence at word level)"
      ) { $0.prime = $1 },
      .flag(
        "--allow-unk", help: "let <unk> appear in the output (default: redraw it, as the lectures",
        "suggest)"
      ) { $0.allowUnknown = true },
      .seed("--seed", "S", help: "random seed (default 1)") { $0.seed = $1 },
      .helpFlag,
    ])
])

/// Runs `rnnkit sample`; `arguments` are the words after `sample`. Returns the exit status.
func runSample(_ arguments: [String]) -> Int32 {
  runCommand(name: "sample", usageLine: sampleUsageLine) {
    var options = SampleOptions()
    guard try sampleOptionTable.parse(arguments, into: &options) else {
      print(sampleHelp)
      return
    }
    guard let path = options.checkpoint else {
      throw CommandFailure.usage("--checkpoint FILE is required")
    }
    let checkpoint = try Checkpoint.read(from: path)
    try modelKind(checkpoint.model).sample(checkpoint, options)
  }
}

/// Loads `checkpoint` into a model around `cell` (of the right shapes) and prints samples.
func sampleLanguageModel<Cell: RecurrentCell>(
  cell: Cell, checkpoint: Checkpoint, options: SampleOptions
) throws {
  let vocabulary = checkpoint.vocabulary
  var model = RNNLanguageModel(
    embedding: .zeros(vocabulary.count, cell.inputSize), cell: cell,
    outputWeight: .zeros(vocabulary.count, cell.hiddenSize),
    outputBias: .zeros(1, vocabulary.count))
  try checkpoint.load(into: &model)
  printSamples(model, checkpoint: checkpoint, options: options)
}

/// Prints the samples `options` asks for from any next-token predictor over the checkpoint's
/// vocabulary.
func printSamples<Predictor: TokenPredictor>(
  _ model: Predictor, checkpoint: Checkpoint, options: SampleOptions
) {
  let vocabulary = checkpoint.vocabulary
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
