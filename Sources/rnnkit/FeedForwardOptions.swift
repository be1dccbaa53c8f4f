import RNNCommandLine

// The options of `rnnkit ffnn`: one table gives both the parsing and the help.

let feedForwardUsageLine = """
  Usage: rnnkit ffnn --text FILE [--valid FILE | --valid-fraction F] [--test FILE] [options]
         rnnkit ffnn --train FILE --valid FILE [--test FILE] [options]
         rnnkit ffnn --synthetic N [options]
  """

var feedForwardHelp: String {
  """
  \(feedForwardUsageLine)

  Trains Bengio's feed-forward neural language model (unit 10) on word-level text: the next
  word from the --context words before it, through shared word vectors, one tanh hidden layer
  and an output layer. With --output full (the default) that is a softmax over the whole
  vocabulary, exercises 10.7 and 10.8 (with --direct, also a linear path from the word vectors
  to the output); with --output classes or tree, your class-based (10.1-10.3) or hierarchical
  (10.4-10.6) softmax reads the hidden layer, exercise 10.12, many times faster for a large
  vocabulary. Runs your exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference).

  Text: tokens are the whitespace-separated words of each line, and every line ends with the
  token <eos>, Penn Treebank's convention (its files already contain <unk>). The vocabulary
  comes from the training text, as for `rnnkit train --words`; validation and test words
  outside it are read as <unk>. Each file is one stream: a word's context is the words before
  it, across line ends (<eos> included); before the first word of a file the context is
  <eos>, as after a sentence end.

  \(feedForwardOptionTable.help)

  Training: Adam on minibatches of contexts drawn in a seeded random order, every position of
  the training stream once per epoch. About every 5% of an epoch a progress line shows the
  mean training loss (nats per token) and its perplexity since the last line, and tokens per
  second; after each epoch, the validation perplexity. The model of the epoch with the best
  validation perplexity is kept, and its validation and test perplexities are printed last.
  The same seed gives the same numbers, with any --threads.

  Examples:
    rnnkit ffnn --synthetic 2000 --epochs 3
    rnnkit ffnn --synthetic 2000 --output classes --classes 20
    rnnkit ffnn --train ptb.train.txt --valid ptb.valid.txt --test ptb.test.txt --min-count 1

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// What `rnnkit ffnn` was asked to do.
struct FeedForwardOptions {
  var text: String?
  var valid: String?
  var validFraction = 0.1
  var test: String?
  var synthetic: Int?
  var minCount: Int?
  var maxVocabulary: Int?
  var context = 4
  var hidden = 128
  var embedding = 64
  var direct = false
  var output = OutputKind.full.rawValue
  var classCount: Int?
  var epochs = 3
  var steps: Int?
  var batch = 128
  var learningRate = 0.002
  var seed: UInt64 = 1
  var threads = 1
}

let feedForwardOptionTable = OptionTable<FeedForwardOptions>(sections: [
  .init(
    "input",
    [
      CommandOption(
        names: ["--text", "--train"], valueName: "FILE",
        help: [
          "training text; the last --valid-fraction of it (cut at a line",
          "break) is held out for validation unless --valid is given",
        ]
      ) { options, value, _ in options.text = value },
      .text("--valid", "FILE", help: "held-out text for validation") { $0.valid = $1 },
      .number(
        "--valid-fraction", "F", requirement: "a number in [0, 0.5]",
        where: { $0 >= 0 && $0 <= 0.5 },
        help: "share of --text held out, in [0, 0.5] (default 0.1)"
      ) { $0.validFraction = $1 },
      .text("--test", "FILE", help: "test text: its perplexity is printed at the end") {
        $0.test = $1
      },
      .integer(
        "--synthetic", "N", atLeast: 1,
        help: "instead of files, N sentences of the kit's synthetic corpus (seed 1),",
        "validated on max(N/10, 100) more (seed 2) and tested on as many",
        "(seed 3); also prints the source's own perplexity, the best possible"
      ) { $0.synthetic = $1 },
      .integer(
        "--min-count", "N", atLeast: 1,
        help: "words seen fewer than N times in training become <unk> (default 2;",
        "1 with --synthetic; give 1 for Penn Treebank, whose files already",
        "map rare words to <unk>)"
      ) { $0.minCount = $1 },
      .integer(
        "--max-vocab", "N", atLeast: 3,
        help: "keep at most N tokens, the most frequent (default: no limit)"
      ) { $0.maxVocabulary = $1 },
    ]),
  .init(
    "model",
    [
      .integer(
        "--context", "N", atLeast: 1,
        help: "the n-1 words the model reads before each word (default 4: a",
        "5-gram model)"
      ) { $0.context = $1 },
      .integer("--hidden", "N", atLeast: 1, help: "tanh hidden units (default 128)") {
        $0.hidden = $1
      },
      .integer("--embedding", "N", atLeast: 1, help: "word vector size E (default 64)") {
        $0.embedding = $1
      },
      .flag(
        "--direct", help: "direct connections from the word vectors to the output (a",
        "V x (n-1)E block more)"
      ) { $0.direct = true },
      .choice(
        "--output", "KIND", OutputKind.allCases.map(\.rawValue),
        help: "full (softmax over V, the default), classes (class-based softmax,",
        "exercise 10.12) or tree (hierarchical softmax, exercise 10.12)"
      ) { $0.output = $1 },
      .integer(
        "--classes", "K", atLeast: 1,
        help: "classes of --output classes (default: √V rounded)"
      ) { $0.classCount = $1 },
    ]),
  .init(
    "training",
    [
      .integer("--epochs", "N", atLeast: 1, help: "passes over the training text (default 3)") {
        $0.epochs = $1
      },
      .integer(
        "--steps", "N", atLeast: 1,
        help: "stop after N updates in all, even inside an epoch (default: whole",
        "epochs); the cut epoch is validated like the others"
      ) { $0.steps = $1 },
      .integer("--batch", "N", atLeast: 1, help: "contexts per update (default 128)") {
        $0.batch = $1
      },
      .positive("--lr", "R", help: "Adam's learning rate (default 0.002)") {
        $0.learningRate = $1
      },
      .seed("--seed", "S", help: "seeds the weights and the order of the contexts (default 1)") {
        $0.seed = $1
      },
      .threads { $0.threads = $1 },
      .helpFlag,
    ]),
])

/// Parses the options of `ffnn`; `nil` means `--help`.
func parseFeedForwardOptions(_ arguments: [String]) throws -> FeedForwardOptions? {
  var options = FeedForwardOptions()
  guard try feedForwardOptionTable.parse(arguments, into: &options) else { return nil }
  if options.synthetic != nil
    && (options.text != nil || options.valid != nil || options.test != nil)
  {
    throw CommandFailure.usage(
      "--synthetic replaces --text, --valid and --test; give one or the other")
  }
  if options.direct && options.output != OutputKind.full.rawValue {
    throw CommandFailure.usage(
      "--direct needs --output full: direct connections feed a softmax over the vocabulary")
  }
  if options.classCount != nil && options.output != OutputKind.classes.rawValue {
    throw CommandFailure.usage("--classes K applies to --output classes only")
  }
  if options.synthetic == nil && options.text == nil {
    throw CommandFailure.usage("--text FILE (or --train FILE, or --synthetic N) is required")
  }
  return options
}
