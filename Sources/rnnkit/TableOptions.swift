import RNNCommandLine

// The options of `rnnkit table`: one table gives both the parsing and the help.

let tableUsageLine = """
  Usage: rnnkit table --train FILE --valid FILE --test FILE [--models LIST] [options]
         rnnkit table --synthetic N [--models LIST] [options]
  """

var tableHelp: String {
  """
  \(tableUsageLine)

  The perplexity table of unit 10 (lecture 10, §5): trains, one after another, a count-based
  model, a feed-forward neural model and four recurrent ones on the same word-level text,
  scores each on the same test tokens alone and mixed with the count-based model, and prints
  a Markdown table beside the numbers Mikolov et al. published for Penn Treebank. Runs your
  exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference): units 01, 02, 03, 05,
  06 and 10.

  The rows (--models names them; they are trained and printed in this order):
    kn5       interpolated Kneser-Ney 5-gram (unit 01, one absolute discount), counted on
              the training text. Always counted: every mixture needs it.
    ffnn      Bengio's feed-forward model reading the 4 words before each word (--context),
              with the --output layer on its hidden layer (exercise 10.12; with --output
              full or --direct, the full-softmax model of exercises 10.7-10.8), trained as
              `rnnkit ffnn` trains it.
    elman-bp  the Elman network trained by plain backpropagation (`rnnkit train
              --truncate 1`): each step's loss reaches that step's weights and input only,
              never an earlier step; the state is still carried forward.
    elman     the Elman network trained by backpropagation through time over --seq steps.
    gru       the gated recurrent unit (unit 05), BPTT.
    lstm      the long short-term memory (unit 06), BPTT.
  The recurrent rows are the models of `rnnkit train --words --model elman|gru|lstm` over
  unit 10's FactoredLanguageModel with the --output layer (default: a class-based softmax,
  K = round(√V) frequency-binned classes), trained by the same trainer with the same
  progress lines: Adam, clipping by global norm, stateful truncated BPTT over --batch
  streams of --seq steps.

  Text: whitespace-separated words, and every line ends with the token <eos> (Penn
  Treebank's convention; its files already contain <unk>). The vocabulary is every word of
  the training file (--min-count 1, since Penn Treebank is already cut to 10,000 words);
  validation and test words outside it are read as <unk>.

  The scored tokens are every word and every <eos> of a file, in order: the same tokens,
  the same count, for every model. Each file is read as one stream, and the history of a
  token is everything before it in the file, across line ends (an <eos> in the history
  marks where the sentence began): KN5 and the feed-forward model condition on its last 4
  tokens, the recurrent models on all of it (their state is carried from line to line, never
  reset). Before the first word of a file the history is a sentence end: KN5 and ffnn read
  <eos> in all 4 positions, the recurrent models read one <eos> from the zero state. The
  training text is read the same way.

  Each neural model is mixed with KN5 token by token, p = λ p_model + (1 - λ) p_KN5, with
  the weight λ tuned on the validation tokens by EM (Interpolation.tuneLambda, exercise
  10.9); the mixture is scored on the test tokens (Interpolation.perplexity).

  \(tableOptionTable.help)

  Budgets: the defaults, \(TableOptions.defaultFeedForwardSteps) updates of \(TableOptions.defaultFeedForwardBatch) contexts for ffnn and
  \(TableOptions.defaultElmanSteps) updates of \(TableOptions.defaultBatch) x \(TableOptions.defaultSequence) tokens for each recurrent row, are sized for
  Penn Treebank (930,000 training tokens, V = 10,000) in the debug build of `swift run`,
  one thread: about three epochs of the feed-forward model and five of each recurrent one,
  the whole table within an hour on a two-core machine (the README gives a measured run).
  That is far from the published models' training (tens of epochs, larger models), so the
  table shows the models early in training. The budgets are updates, not epochs: on a
  smaller training text, give fewer. The class-based and tree layers are what make these
  budgets affordable; with --output full every row is many times slower.

  Reading the table: "test perplexity" is each model alone on the test tokens (lower is
  better); "λ" is the model's weight in its mixture with KN5 (near 1: KN5 adds little, near
  0: the model adds little); "with KN5" is the mixture's test perplexity, never much above
  the better of the two, and lower when they err on different tokens; "training" is the
  wall-clock time of training (of counting, for KN5). The last two columns are the numbers
  Mikolov et al. (2011) published for Penn Treebank's test set, models trained to
  convergence: published, not measured by this run; they compare only with a run on the
  real Penn Treebank, and — marks a row their table does not have.

  Progress: a line naming each model before it trains, its training progress lines, and its
  validation and test perplexities (alone and with KN5) once it is scored; then the table.

  Examples:
    rnnkit table --train ptb.train.txt --valid ptb.valid.txt --test ptb.test.txt \\
      --out ptb-table.md
    rnnkit table --synthetic 2000 --models kn5,ffnn,lstm

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// The rows of the table, in their order.
enum TableModel: String, CaseIterable {
  case kn5
  case ffnn
  case elmanBP = "elman-bp"
  case elman
  case gru
  case lstm

  /// The first column of the row; `context` is the feed-forward model's.
  func title(context: Int = 4) -> String {
    switch self {
    case .kn5: return "KN5 (Kneser-Ney 5-gram)"
    case .ffnn: return "feed-forward (\(context) words)"
    case .elmanBP: return "Elman RNN, plain backpropagation"
    case .elman: return "Elman RNN, BPTT"
    case .gru: return "GRU, BPTT"
    case .lstm: return "LSTM, BPTT"
    }
  }

  /// Penn Treebank test perplexities published by Mikolov et al. (2011): alone, and
  /// interpolated with KN5 (`nil`: no such row there).
  var published: (alone: Int?, withKN5: Int?) {
    switch self {
    case .kn5: return (141, nil)
    case .ffnn: return (141, 118)
    case .elmanBP: return (137, 113)
    case .elman: return (123, 106)
    case .gru, .lstm: return (nil, nil)
    }
  }
}

/// What `rnnkit table` was asked to do.
struct TableOptions {
  static let defaultFeedForwardSteps = 21_800
  static let defaultFeedForwardBatch = 128
  static let defaultElmanSteps = 7_300
  static let defaultGatedSteps = 7_300
  static let defaultBatch = 32
  static let defaultSequence = 20

  var train: String?
  var valid: String?
  var test: String?
  var synthetic: Int?
  var minCount = 1
  var maxVocabulary: Int?
  var models = TableModel.allCases
  var discount = 0.75
  var output = OutputKind.classes.rawValue
  var classCount: Int?
  var context = 4
  var direct = false
  var hidden = 128
  var embedding = 64
  var feedForwardSteps = defaultFeedForwardSteps
  var feedForwardBatch = defaultFeedForwardBatch
  var elmanSteps = defaultElmanSteps
  var gatedSteps = defaultGatedSteps
  var batch = defaultBatch
  var sequenceLength = defaultSequence
  var learningRate = 0.002
  var clipNorm = 5.0
  var seed: UInt64 = 1
  var threads = 1
  var out: String?
}

let tableOptionTable = OptionTable<TableOptions>(sections: [
  .init(
    "input",
    [
      .text("--train", "FILE", help: "training text (word level, one sentence per line)") {
        $0.train = $1
      },
      .text("--valid", "FILE", help: "validation text: tunes each mixture's λ") {
        $0.valid = $1
      },
      .text("--test", "FILE", help: "test text: every perplexity of the table") {
        $0.test = $1
      },
      .integer(
        "--synthetic", "N", atLeast: 1,
        help: "instead of files, N sentences of the kit's synthetic corpus (seed 1),",
        "validated and tested on max(N/10, 100) more each (seeds 2 and 3)"
      ) { $0.synthetic = $1 },
      .integer(
        "--min-count", "N", atLeast: 1,
        help: "words seen fewer than N times in training become <unk> (default 1)"
      ) { $0.minCount = $1 },
      .integer(
        "--max-vocab", "N", atLeast: 3,
        help: "keep at most N tokens, the most frequent (default: no limit)"
      ) { $0.maxVocabulary = $1 },
    ]),
  .init(
    "models",
    [
      .list(
        "--models", "LIST", TableModel.allCases.map(\.rawValue),
        help: "the rows, comma-separated, from kn5, ffnn, elman-bp, elman, gru,",
        "lstm (default: all); they are trained and printed in that order"
      ) { options, names in
        options.models = TableModel.allCases.filter { names.contains($0.rawValue) }
      },
      .number(
        "--discount", "D", requirement: "a number strictly between 0 and 1",
        where: { $0 > 0 && $0 < 1 }, help: "KN5's absolute discount, in (0, 1) (default 0.75)"
      ) { $0.discount = $1 },
      .integer(
        "--context", "N", atLeast: 1,
        help: "ffnn: the words it reads before each word (default 4, as KN5)"
      ) { $0.context = $1 },
      .flag("--direct", help: "ffnn: direct connections from the word vectors to the output") {
        $0.direct = true
      },
      .choice(
        "--output", "KIND", OutputKind.allCases.map(\.rawValue),
        help: "the output layer of ffnn and of the recurrent rows: classes",
        "(class-based softmax, the default), tree (hierarchical softmax) or",
        "full (softmax over V)"
      ) { $0.output = $1 },
      .integer(
        "--classes", "K", atLeast: 1,
        help: "classes of --output classes (default: √V rounded)"
      ) { $0.classCount = $1 },
      .integer(
        "--hidden", "N", atLeast: 1, help: "hidden units of every neural model (default 128)"
      ) { $0.hidden = $1 },
      .integer(
        "--embedding", "N", atLeast: 1, help: "word vector size of every neural model (default 64)"
      ) { $0.embedding = $1 },
    ]),
  .init(
    "budgets and training",
    [
      .integer(
        "--ffnn-steps", "N", atLeast: 1,
        help: "updates of the feed-forward model (default \(TableOptions.defaultFeedForwardSteps))"
      ) { $0.feedForwardSteps = $1 },
      .integer(
        "--ffnn-batch", "N", atLeast: 1,
        help: "contexts per feed-forward update (default \(TableOptions.defaultFeedForwardBatch))"
      ) { $0.feedForwardBatch = $1 },
      .integer(
        "--elman-steps", "N", atLeast: 1,
        help: "updates of each Elman row (default \(TableOptions.defaultElmanSteps))"
      ) { $0.elmanSteps = $1 },
      .integer(
        "--gated-steps", "N", atLeast: 1,
        help: "updates of the GRU and of the LSTM (default \(TableOptions.defaultGatedSteps))"
      ) { $0.gatedSteps = $1 },
      .integer(
        "--batch", "N", atLeast: 1,
        help: "recurrent rows: sequences per update (default \(TableOptions.defaultBatch))"
      ) { $0.batch = $1 },
      .integer(
        "--seq", "N", atLeast: 2,
        help: "recurrent rows: time steps per chunk, the BPTT window (default",
        "\(TableOptions.defaultSequence))"
      ) { $0.sequenceLength = $1 },
      .positive("--lr", "R", help: "Adam's learning rate, every neural model (default 0.002)") {
        $0.learningRate = $1
      },
      .positive(
        "--clip-norm", "C",
        help: "recurrent rows: rescale the gradient to global norm C when it is",
        "larger (default 5)"
      ) { $0.clipNorm = $1 },
      .seed(
        "--seed", "S",
        help: "seeds every model's weights and the feed-forward model's order of",
        "contexts (default 1); each model starts from this seed, whichever",
        "--models are chosen"
      ) { $0.seed = $1 },
      .threads { $0.threads = $1 },
    ]),
  .init(
    "output",
    [
      .text("--out", "FILE", help: "also write the Markdown table (and its notes) to FILE") {
        $0.out = $1
      },
      .helpFlag,
    ]),
])

/// Parses the options of `table`; `nil` means `--help`.
func parseTableOptions(_ arguments: [String]) throws -> TableOptions? {
  var options = TableOptions()
  guard try tableOptionTable.parse(arguments, into: &options) else { return nil }
  if options.synthetic != nil {
    if options.train != nil || options.valid != nil || options.test != nil {
      throw CommandFailure.usage(
        "--synthetic replaces --train, --valid and --test; give one or the other")
    }
  } else {
    for (name, value) in [
      ("--train", options.train), ("--valid", options.valid), ("--test", options.test),
    ] where value == nil {
      throw CommandFailure.usage(
        "\(name) FILE is required (or --synthetic N): the table needs training, validation "
          + "and test text")
    }
  }
  if options.classCount != nil && options.output != OutputKind.classes.rawValue {
    throw CommandFailure.usage("--classes K applies to --output classes only")
  }
  return options
}
