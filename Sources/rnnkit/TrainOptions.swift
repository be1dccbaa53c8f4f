import RNNCommandLine
import Unit02

// The options of `rnnkit train`: one table gives both the parsing and the help.

let trainUsageLine = """
  Usage: rnnkit train --text FILE [--model elman|gru|lstm] [--words] [options]
         rnnkit train --synthetic N [--model elman|gru|lstm] [--words] [options]
         rnnkit train --text FILE --words --output classes|tree [--classes K] [options]
  """

var trainHelp: String {
  """
  \(trainUsageLine)

  Trains a recurrent language model on UTF-8 text with stateful truncated backpropagation
  through time (units 02-04), prints its progress, and writes a checkpoint and a learning
  curve. Runs your exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference); training
  needs units 02 and 03 (and 04 for --clip-norm, --clip-value and --irnn, 05 for --model gru,
  06 for --model lstm, 10 for --output classes and --output tree).

  \(trainOptionTable.help)

  Each progress line shows the update, the mean training loss (nats per token) and its
  perplexity since the last line, the largest gradient norm before clipping, and tokens per
  second. Training stops with an error if the loss or the gradient stops being a finite
  number (exploding gradients); clip the gradients or lower the learning rate.

  --output classes and --output tree replace the softmax over the whole vocabulary (O(V H)
  per token) with a class-based softmax, O((K + |class|) H), or a hierarchical softmax,
  O(depth H) (unit 10): worth it at word level, where V is large. Their classes and tree come
  from the token counts of the training text, which the checkpoint keeps; `rnnkit sample` and
  --resume rebuild them from it.

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// What `rnnkit train` was asked to do.
struct TrainOptions {
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
  var output: String?
  var classCount: Int?
}

let trainOptionTable = OptionTable<TrainOptions>(sections: [
  .init(
    "input",
    [
      .text(
        "--text", "FILE",
        help: "training text; the last --valid-fraction of it (cut at a line",
        "break) is held out for validation unless --valid is given"
      ) { $0.text = $1 },
      .text("--valid", "FILE", help: "held-out text for validation") { $0.valid = $1 },
      .number(
        "--valid-fraction", "F", requirement: "a number in [0, 0.5]",
        where: { $0 >= 0 && $0 <= 0.5 },
        help: "share of --text held out, in [0, 0.5] (default 0.1)"
      ) { $0.validFraction = $1 },
      .integer(
        "--synthetic", "N", atLeast: 1,
        help: "instead of a file, N sentences of the kit's synthetic corpus (seed 1),",
        "validated on max(N/10, 100) more (seed 2); at word level the curve",
        "also shows the source's own perplexity, the best possible"
      ) { $0.synthetic = $1 },
      .flag(
        "--words", help: "word level: tokens are whitespace-separated words and every line",
        "ends with <eos> (default: character level)"
      ) { $0.words = true },
      .flag("--chars", help: "character level (the default)") { $0.words = false },
      .integer(
        "--min-count", "N", atLeast: 1,
        help: "word level: words seen fewer than N times become <unk> (default 2;",
        "1 with --synthetic)"
      ) { $0.minCount = $1 },
      .integer(
        "--max-vocab", "N", atLeast: 3,
        help: "keep at most N tokens, the most frequent (default: no limit)"
      ) { $0.maxVocabulary = $1 },
    ]),
  .init(
    "model",
    [
      .text("--model", "NAME", help: "elman (default), gru (unit 05) or lstm (unit 06)") {
        $0.model = $1
      },
      .integer("--hidden", "N", atLeast: 1, help: "hidden units H (default 128)") {
        $0.hidden = $1
      },
      .integer(
        "--embedding", "N", atLeast: 1,
        help: "embedding size E (default 32 at character level, 64 at word level)"
      ) { $0.embedding = $1 },
      .choice(
        "--activation", "NAME", RecurrentActivation.allCases.map(\.rawValue),
        help: "tanh | sigmoid | relu (default tanh)"
      ) {
        $0.activation = RecurrentActivation(rawValue: $1) ?? .tanh
        $0.activationGiven = true
      },
      .flag(
        "--irnn", help: "identity-initialized ReLU network (exercise 04.3): W_hh = I, b = 0,",
        "ReLU units; use with --clip-norm"
      ) { $0.irnn = true },
      .choice(
        "--output", "KIND", OutputKind.allCases.map(\.rawValue),
        help: "the output layer: full (softmax over the vocabulary, the default),",
        "classes (class-based softmax, exercises 10.1-10.3) or tree",
        "(hierarchical softmax over a Huffman tree, exercises 10.4-10.6)"
      ) { $0.output = $1 },
      .integer(
        "--classes", "K", atLeast: 1,
        help: "number of frequency-binned classes of --output classes (default:",
        "√V rounded)"
      ) { $0.classCount = $1 },
      .text(
        "--resume", "FILE",
        help: "continue training the model saved in a checkpoint: its model, sizes,",
        "activation, output layer and vocabulary replace --model, --hidden,",
        "--embedding, --activation, --irnn, --classes, --min-count and",
        "--max-vocab; --words and --output must match it; the optimizer starts",
        "afresh"
      ) { $0.resume = $1 },
    ]),
  .init(
    "training",
    [
      .integer("--steps", "N", atLeast: 1, help: "parameter updates (default 2000)") {
        $0.steps = $1
      },
      .integer("--batch", "N", atLeast: 1, help: "sequences per update (default 32)") {
        $0.batch = $1
      },
      .integer(
        "--seq", "N", atLeast: 1,
        help: "time steps per chunk: the BPTT window; the state is carried from one",
        "chunk to the next as a constant (default 32 characters, 20 words)"
      ) { $0.sequenceLength = $1 },
      .integer(
        "--truncate", "K", atLeast: 1,
        help: "backpropagate each step's loss through at most K steps (K < --seq)"
      ) { $0.truncation = $1 },
      .choice(
        "--optimizer", "NAME", ["adam", "sgd", "adagrad"],
        help: "adam | sgd | adagrad (default adam)"
      ) { $0.optimizer = $1 },
      .positive(
        "--lr", "R", help: "learning rate (default: adam 0.002, sgd 0.5, adagrad 0.1)"
      ) { $0.learningRate = $1 },
      .number(
        "--momentum", "M", requirement: "a number in [0, 1)", where: { $0 >= 0 && $0 < 1 },
        help: "momentum of sgd, in [0, 1) (default 0)"
      ) { $0.momentum = $1 },
      .number(
        "--weight-decay", "L", requirement: "a number ≥ 0", where: { $0 >= 0 && $0.isFinite },
        help: "L2 penalty (L/2)·‖W‖² on every weight block (biases excluded): adds",
        "L·W to each weight gradient before the update (default 0)"
      ) { $0.weightDecay = $1 },
      .positive(
        "--clip-norm", "C",
        help: "rescale the gradient to global norm C when it is larger (exercise 04.1)"
      ) { $0.clipNorm = $1 },
      .positive(
        "--clip-value", "C", help: "clip every gradient element to [-C, C] (exercise 04.2)"
      ) { $0.clipValue = $1 },
      .seed("--seed", "S", help: "seeds the weights (default 1)") { $0.seed = $1 },
      .threads { $0.threads = $1 },
      .integer(
        "--log-every", "N", atLeast: 1, help: "updates between progress lines (default: steps / 20)"
      ) { $0.logEvery = $1 },
      .integer(
        "--eval-every", "N", atLeast: 1,
        help: "updates between validation passes (default: steps / 10)"
      ) { $0.evaluateEvery = $1 },
      .integer(
        "--max-valid-tokens", "N", atLeast: 2,
        help: "validate on the first N held-out tokens (default 20000)"
      ) { $0.maxValidTokens = $1 },
    ]),
  .init(
    "output",
    [
      .text(
        "--checkpoint", "PATH",
        help: "where to save the model (default: <name>-<model>.checkpoint.json in",
        "the current directory, <name> from the text file, <model> followed by",
        "-classes or -tree for those outputs)"
      ) { $0.checkpoint = $1 },
      .text(
        "--curve", "PATH", help: "where to draw the learning curve, SVG (default:",
        "<name>-<model>.curve.svg, <model> as for --checkpoint)"
      ) { $0.curve = $1 },
      .helpFlag,
    ]),
])

/// Parses the options of `train`; `nil` means `--help`.
func parseTrainOptions(_ arguments: [String]) throws -> TrainOptions? {
  var options = TrainOptions()
  guard try trainOptionTable.parse(arguments, into: &options) else { return nil }
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
  if options.classCount != nil && options.output != OutputKind.classes.rawValue {
    throw CommandFailure.usage("--classes K applies to --output classes only")
  }
  if options.resume != nil && options.classCount != nil {
    throw CommandFailure.usage("--resume takes the classes from the checkpoint; drop --classes")
  }
  _ = try modelKind(options.model)
  return options
}
