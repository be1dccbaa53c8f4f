import RNNCommandLine

// The options of `rnnkit translate`: one table gives both the parsing and the help.

let translateUsageLine = """
  Usage: rnnkit translate --train FILE [--valid FILE] [--test FILE] [options]
         rnnkit translate --synthetic dates|reversal [options]
         rnnkit translate --checkpoint FILE [--input FILE] [--beam K]
  """

var translateHelp: String {
  """
  \(translateUsageLine)

  Trains an encoder-decoder translation model (unit 08) on tab-separated sentence pairs, or
  on one of the kit's synthetic tasks, and reports corpus BLEU and exact match; or translates
  text with a trained model. The encoder reads the source (left to right, or in both
  directions), the decoder writes the target one token at a time from <s> to </s>, reading a
  context vector at every step: the encoder's summary (--attention none) or an attention-
  weighted sum of the encoder's outputs (additive or dot). Runs your exercises (in the full
  kit, RNNKIT_SOLUTIONS=1 runs the reference): unit 08, plus unit 02, 05 or 06 for the cell
  and 04 for clipping.

  Files: one pair per line, `source<TAB>target`; further tab-separated columns (such as the
  attribution column of the Tatoeba downloads) are ignored, blank lines skipped. Words are
  lowercased and punctuation split off (--level word), or every character is a token
  (--level character).

  Synthetic tasks: dates (human-written dates in twelve formats, such as `3rd of March 1997`
  or `03/03/97`, to `1997-03-03`; character level; validation and test dates are days that
  training never sees) and reversal (10 to 20 letters, reversed; word level; a task where a
  fixed-size context fails and attention does not).

  \(translateOptionTable.help)

  Progress lines show the epoch, the update, the mean training loss per target token since
  the last line and target tokens per second; after each epoch the validation BLEU (greedy
  decoding). The checkpoint keeps the epoch with the best validation BLEU (the last epoch
  without --valid). The test split is translated with --beam. In the validation and test
  splits, pairs with the same source are one sentence whose targets are all references.

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// What `rnnkit translate` was asked to do.
struct TranslateOptions {
  var train: String?
  var valid: String?
  var test: String?
  var synthetic: String?
  var pairs = 10_000
  var level: String?
  var minimumCount = 1
  var maxLength = 30
  var holdOut = 0
  var cell = "gru"
  var layers = 1
  var bidirectional = true
  var attention = "additive"
  var attentionSize: Int?
  var reverseSource = false
  var hidden = 128
  var embedding = 64
  var epochs = 10
  var batch = 32
  var optimizer = "adam"
  var learningRate: Double?
  var momentum = 0.0
  var clipNorm: Double? = 5
  var clipValue: Double?
  var seed: UInt64 = 1
  var threads = 1
  var logEvery = 100
  var beam = 1
  var lengthPenalty = 0.0
  var outputLength = 0
  var checkpoint: String?
  var curve: String?
  var heatmap: String?
  var heatmapSentence = 0
  var input: String?
  var show = 5
}

let translateOptionTable = OptionTable<TranslateOptions>(sections: [
  .init(
    "input",
    [
      .text("--train", "FILE", help: "training pairs, source<TAB>target per line") {
        $0.train = $1
      },
      .text(
        "--valid", "FILE", help: "held-out pairs: BLEU after every epoch, and the epoch kept",
        "in the checkpoint"
      ) { $0.valid = $1 },
      .text("--test", "FILE", help: "pairs translated once, with the kept model and --beam") {
        $0.test = $1
      },
      .choice(
        "--synthetic", "TASK", ["dates", "reversal"],
        help: "instead of files, a synthetic task: dates or reversal (see above)"
      ) { $0.synthetic = $1 },
      .integer(
        "--pairs", "N", atLeast: 1,
        help: "training pairs of the synthetic task (default 10000; validation and",
        "test get max(N/10, 200) each)"
      ) { $0.pairs = $1 },
      .choice(
        "--level", "NAME", ["word", "character"],
        help: "word or character tokens (default: character for dates, word",
        "otherwise)"
      ) { $0.level = $1 },
      .integer(
        "--min-count", "N", atLeast: 1,
        help: "tokens seen fewer than N times in training become <unk> (default 1)"
      ) { $0.minimumCount = $1 },
      .integer(
        "--hold-out", "N", atLeast: 1,
        help: "move the pairs of N distinct source sentences of --train to the",
        "validation split and N more to the test split (chosen with --seed)"
      ) { $0.holdOut = $1 },
      .integer(
        "--max-length", "N", atLeast: 1,
        help: "train only on pairs of at most N tokens on each side (default 30)"
      ) { $0.maxLength = $1 },
    ]),
  .init(
    "model",
    [
      .choice(
        "--cell", "NAME", ["elman", "gru", "lstm"],
        help: "elman (unit 02), gru (unit 05; the default) or lstm (unit 06)"
      ) { $0.cell = $1 },
      .integer(
        "--layers", "N", atLeast: 1,
        help: "recurrent layers stacked in the encoder and in the decoder (default 1)"
      ) { $0.layers = $1 },
      .flag(
        "--bidirectional",
        help: "the encoder reads the source both ways, separate weights (the default)"
      ) { $0.bidirectional = true },
      .flag("--forward-only", help: "the encoder reads left to right only") {
        $0.bidirectional = false
      },
      .choice(
        "--attention", "KIND", ["none", "additive", "dot"],
        help: "none (the summary at every step), additive (the default) or dot"
      ) { $0.attention = $1 },
      .integer(
        "--attention-size", "N", atLeast: 1,
        help: "hidden units of additive attention's scoring layer (default: --hidden)"
      ) { $0.attentionSize = $1 },
      .flag(
        "--reverse-source", help: "the encoder reads every source back to front"
      ) { $0.reverseSource = true },
      .integer(
        "--hidden", "N", atLeast: 1,
        help: "encoder hidden units per direction (default 128); the decoder has as",
        "many as the encoder's output (twice as many when bidirectional)"
      ) { $0.hidden = $1 },
      .integer(
        "--embedding", "N", atLeast: 1, help: "source and target embedding size (default 64)"
      ) { $0.embedding = $1 },
    ]),
  .init(
    "training",
    [
      .integer("--epochs", "N", atLeast: 1, help: "passes over the training pairs (default 10)") {
        $0.epochs = $1
      },
      .integer("--batch", "N", atLeast: 1, help: "pairs per update (default 32)") {
        $0.batch = $1
      },
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
      .seed("--seed", "S", help: "seeds the weights and the shuffling (default 1)") {
        $0.seed = $1
      },
      .threads { $0.threads = $1 },
      .integer("--log-every", "N", atLeast: 1, help: "updates between progress lines (default 100)")
      { $0.logEvery = $1 },
    ]),
  .init(
    "decoding and output",
    [
      .integer(
        "--beam", "K", atLeast: 1,
        help: "beam width for the test split and --input (default 1: greedy)"
      ) { $0.beam = $1 },
      .number(
        "--length-penalty", "A", requirement: "a number at least 0", where: { $0 >= 0 },
        help: "rank the beam's finished outputs by log p / length^A (default 0)"
      ) { $0.lengthPenalty = $1 },
      .integer(
        "--output-length", "N", atLeast: 1,
        help: "the most target tokens to produce (default: twice the longest",
        "training target, plus 10)"
      ) { $0.outputLength = $1 },
      .integer(
        "--show", "N", atLeast: 0,
        help: "test translations to print beside their references (default 5)"
      ) { $0.show = $1 },
      .text(
        "--checkpoint", "PATH",
        help: "training: where to save the model (default:",
        "<name>-translator.checkpoint.json); otherwise the model to use"
      ) { $0.checkpoint = $1 },
      .text(
        "--curve", "PATH",
        help: "where to draw the validation BLEU per epoch (the training loss",
        "without --valid), SVG (default: <name>-translator.curve.svg)"
      ) { $0.curve = $1 },
      .text(
        "--heatmap", "PATH",
        help: "where to draw the attention weights of one test sentence, SVG",
        "(default: <name>-translator.attention.svg; not drawn without attention)"
      ) { $0.heatmap = $1 },
      .integer(
        "--heatmap-sentence", "N", atLeast: 1,
        help: "which test sentence (1-based; validation, then training, without",
        "a test split) the heatmap shows (default: the longest)"
      ) { $0.heatmapSentence = $1 },
      .text(
        "--input", "FILE",
        help: "with --checkpoint: translate FILE, one sentence per line (default:",
        "standard input)"
      ) { $0.input = $1 },
      .helpFlag,
    ]),
])

/// Parses the options of `translate`; `nil` means `--help`.
func parseTranslateOptions(_ arguments: [String]) throws -> TranslateOptions? {
  var options = TranslateOptions()
  guard try translateOptionTable.parse(arguments, into: &options) else { return nil }
  let training = options.train != nil || options.synthetic != nil
  if options.checkpoint != nil && !training {
    if options.valid != nil || options.test != nil {
      throw CommandFailure.usage(
        "--valid and --test need --train or --synthetic; with only --checkpoint the model "
          + "translates --input or standard input")
    }
    return options
  }
  if options.input != nil {
    throw CommandFailure.usage(
      "--input translates with a trained model: give --checkpoint FILE and no --train/--synthetic")
  }
  if options.synthetic != nil
    && (options.train != nil || options.valid != nil || options.test != nil)
  {
    throw CommandFailure.usage(
      "--synthetic replaces --train, --valid and --test; give one or the other")
  }
  if !training {
    throw CommandFailure.usage(
      "--train FILE (or --synthetic dates|reversal, or --checkpoint FILE to translate) is "
        + "required")
  }
  if options.momentum != 0 && options.optimizer != "sgd" {
    throw CommandFailure.usage("--momentum applies to --optimizer sgd only")
  }
  return options
}
