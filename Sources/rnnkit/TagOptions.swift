import RNNCommandLine

// The options of `rnnkit tag`: one table gives both the parsing and the help.

let tagUsageLine = """
  Usage: rnnkit tag --train FILE [--valid FILE] [--test FILE] [options]
         rnnkit tag --synthetic N [options]
         rnnkit tag --checkpoint FILE --input FILE [--format spans|conll]
  """

var tagHelp: String {
  """
  \(tagUsageLine)

  Trains a sequence tagger (unit 07) on CoNLL-format files, or on the kit's synthetic tagging
  task, and reports span precision, recall and F1 per entity type, the way CoNLL's evaluation
  script counts them; or tags raw text with a trained tagger. The model embeds each word and
  its shape (xxxx, Xxxx, XXXX, digits, ...), runs a recurrent encoder (one direction or both,
  one or more layers) and scores every tag at every token, with a per-token softmax or a
  linear-chain CRF on top. Runs your exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the
  reference): unit 07, plus unit 02, 05 or 06 for the cell and 04 for clipping.

  Files: one token per line, columns separated by spaces or tabs, the word first and the tag
  last; a blank line between sentences; -DOCSTART- lines are skipped. Tags are IOB1 or IOB2
  (O, B-TYPE, I-TYPE); IOB1 is converted to IOB2 as the file is read.

  \(tagOptionTable.help)

  Progress lines show the epoch, the update, the mean training loss per token since the last
  line and tokens per second; after each epoch the validation span F1. The checkpoint keeps
  the epoch with the best validation F1 (the last epoch without --valid).

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// What `rnnkit tag` was asked to do.
struct TagOptions {
  var train: String?
  var valid: String?
  var test: String?
  var synthetic: Int?
  var keepCase = false
  var unknownRate = 0.5
  var cell = "lstm"
  var layers = 1
  var bidirectional = true
  var crf = true
  var hidden = 100
  var embedding = 50
  var shapeEmbedding = 8
  var epochs = 10
  var batch = 16
  var optimizer = "adam"
  var learningRate: Double?
  var momentum = 0.0
  var clipNorm: Double? = 5
  var clipValue: Double?
  var seed: UInt64 = 1
  var threads = 1
  var logEvery = 100
  var checkpoint: String?
  var curve: String?
  var input: String?
  var format = "spans"
}

let tagOptionTable = OptionTable<TagOptions>(sections: [
  .init(
    "input",
    [
      .text("--train", "FILE", help: "training sentences, CoNLL format") { $0.train = $1 },
      .text(
        "--valid", "FILE", help: "held-out sentences: F1 after every epoch, and the epoch",
        "kept in the checkpoint"
      ) { $0.valid = $1 },
      .text("--test", "FILE", help: "sentences scored once, with the kept model") {
        $0.test = $1
      },
      .integer(
        "--synthetic", "N", atLeast: 1,
        help: "instead of files, N sentences of the kit's synthetic task (seed",
        "1), whose entity types are decided by a cue word anywhere in the",
        "span; validated and tested on max(N/5, 100) more (seeds 2, 3)"
      ) { $0.synthetic = $1 },
      .flag(
        "--keep-case", help: "embed words as written (default: lowercased; the shape",
        "feature keeps the case)"
      ) { $0.keepCase = true },
      .number(
        "--unk-rate", "P", requirement: "a number in [0, 1]", where: { $0 >= 0 && $0 <= 1 },
        help: "while training, replace a word seen once by <unk> with probability P,",
        "so <unk> learns to stand for unseen words (default 0.5)"
      ) { $0.unknownRate = $1 },
    ]),
  .init(
    "model",
    [
      .choice(
        "--cell", "NAME", ["elman", "gru", "lstm"],
        help: "elman (unit 02), gru (unit 05) or lstm (unit 06; the default)"
      ) { $0.cell = $1 },
      .integer("--layers", "N", atLeast: 1, help: "stacked recurrent layers (default 1)") {
        $0.layers = $1
      },
      .flag(
        "--bidirectional",
        help: "read each sentence in both directions, separate weights (the default)"
      ) { $0.bidirectional = true },
      .flag("--forward-only", help: "read left to right only") { $0.bidirectional = false },
      .flag("--crf", help: "score whole tag sequences with a linear-chain CRF (the default)") {
        $0.crf = true
      },
      .flag("--softmax", help: "choose each token's tag on its own, no CRF") { $0.crf = false },
      .integer(
        "--hidden", "N", atLeast: 1, help: "hidden units per direction and layer (default 100)"
      ) { $0.hidden = $1 },
      .integer("--embedding", "N", atLeast: 1, help: "word embedding size (default 50)") {
        $0.embedding = $1
      },
      .integer(
        "--shape-embedding", "N", atLeast: 1, help: "word-shape embedding size (default 8)"
      ) { $0.shapeEmbedding = $1 },
    ]),
  .init(
    "training",
    [
      .integer("--epochs", "N", atLeast: 1, help: "passes over the training sentences (default 10)")
      { $0.epochs = $1 },
      .integer("--batch", "N", atLeast: 1, help: "sentences per update (default 16)") {
        $0.batch = $1
      },
      .choice(
        "--optimizer", "NAME", ["adam", "sgd", "adagrad"],
        help: "adam | sgd | adagrad (default adam)"
      ) { $0.optimizer = $1 },
      .positive(
        "--lr", "R", help: "learning rate (default: adam 0.005, sgd 0.1, adagrad 0.1)"
      ) { $0.learningRate = $1 },
      .number(
        "--momentum", "M", requirement: "a number in [0, 1)", where: { $0 >= 0 && $0 < 1 },
        help: "momentum of sgd, in [0, 1) (default 0)"
      ) { $0.momentum = $1 },
      .positive(
        "--clip-norm", "C",
        help: "rescale the gradient to global norm C when it is larger",
        "(exercise 04.1; default 5)"
      ) {
        $0.clipNorm = $1
        $0.clipValue = nil
      },
      .positive(
        "--clip-value", "C", help: "clip every gradient element to [-C, C] instead (exercise 04.2)"
      ) {
        $0.clipValue = $1
        $0.clipNorm = nil
      },
      .flag("--no-clip", help: "do not clip the gradient") {
        $0.clipNorm = nil
        $0.clipValue = nil
      },
      .seed("--seed", "S", help: "seeds the weights, the shuffling and <unk> (default 1)") {
        $0.seed = $1
      },
      .threads { $0.threads = $1 },
      .integer("--log-every", "N", atLeast: 1, help: "updates between progress lines (default 100)")
      { $0.logEvery = $1 },
    ]),
  .init(
    "output and tagging",
    [
      .text(
        "--checkpoint", "PATH",
        help: "training: where to save the tagger (default:",
        "<name>-tagger.checkpoint.json); with --input: the tagger to use"
      ) { $0.checkpoint = $1 },
      .text(
        "--curve", "PATH",
        help: "where to draw the validation F1 per epoch (the training loss",
        "without --valid), SVG (default: <name>-tagger.curve.svg)"
      ) { $0.curve = $1 },
      .text(
        "--input", "FILE",
        help: "tag raw text with --checkpoint: one sentence per line, words",
        "separated by spaces"
      ) { $0.input = $1 },
      .choice(
        "--format", "NAME", ["spans", "conll"],
        help: "with --input: spans prints [TYPE words] inline (default);",
        "conll prints 'word tag' lines"
      ) { $0.format = $1 },
      .helpFlag,
    ]),
])

/// Parses the options of `tag`; `nil` means `--help`.
func parseTagOptions(_ arguments: [String]) throws -> TagOptions? {
  var options = TagOptions()
  guard try tagOptionTable.parse(arguments, into: &options) else { return nil }
  if options.input != nil {
    if options.checkpoint == nil {
      throw CommandFailure.usage("--input FILE needs --checkpoint FILE (a trained tagger)")
    }
    if options.train != nil || options.synthetic != nil {
      throw CommandFailure.usage(
        "--input tags text with a trained tagger; drop --train/--synthetic")
    }
    return options
  }
  if options.synthetic != nil
    && (options.train != nil || options.valid != nil || options.test != nil)
  {
    throw CommandFailure.usage(
      "--synthetic replaces --train, --valid and --test; give one or the other")
  }
  if options.synthetic == nil && options.train == nil {
    throw CommandFailure.usage(
      "--train FILE (or --synthetic N, or --checkpoint with --input) is required")
  }
  if options.momentum != 0 && options.optimizer != "sgd" {
    throw CommandFailure.usage("--momentum applies to --optimizer sgd only")
  }
  return options
}
