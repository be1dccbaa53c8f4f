import RNNCommandLine

// The options of `rnnkit classify`: one table gives both the parsing and the help.

let classifyUsageLine = """
  Usage: rnnkit classify --train FILE [--valid FILE] [--test FILE] [options]
         rnnkit classify --positive FILE --negative FILE [options]
         rnnkit classify --synthetic N [options]
         rnnkit classify --homework
         rnnkit classify --checkpoint FILE [--input FILE|-] [--probability]
  """

var classifyHelp: String {
  """
  \(classifyUsageLine)

  Trains a sentence classifier (unit 09) on labeled sentences and reports its accuracy and
  confusion matrix on a test split; or labels raw sentences with a trained classifier. Four
  models: bow (logistic regression on word counts), cnn (an embedding, filters of several
  widths with max-over-time pooling, and a linear head), and gru or lstm (an embedding, a
  stack of recurrent layers reading both directions or left to right only, a readout that
  pools the outputs into one vector, and a linear head). Training uses Adam with clipping by global norm, optional
  dropout on the pooled features and weight decay, and keeps the epoch with the best
  validation accuracy, stopping after --patience epochs without a better one. Runs your
  exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference): unit 09, plus unit 05
  or 06 for the cell and 07 for the layers.

  Files: --train/--valid/--test hold one sentence per line, `label<TAB>text` (any labels,
  two or more classes; blank lines skipped). --positive/--negative hold one sentence per
  line and class, like the sentence polarity dataset's rt-polarity.pos and rt-polarity.neg;
  UTF-8, or Latin-1 (as that dataset is) when either file is not valid UTF-8.

  Words: the text is lowercased and split at whitespace, and punctuation and symbols are cut
  off as tokens of their own, except an apostrophe or hyphen between letters (`isn't`,
  `well-made`) and a `.`, `,`, `:` or `/` between digits (`3.5`); the same tokenizer reads
  --input, so `Great, isn't it?` becomes `great , isn't it ?`. Words seen fewer than
  --min-count times in training become <unk>.

  Splits: without --valid (or --test), a tenth of the --train sentences, drawn with --seed,
  is held out for validation (and another tenth for test). --positive/--negative are shuffled
  with --seed and split 80/10/10. --synthetic N draws the kit's synthetic sentiment task
  (seed 1): N training sentences and max(N/5, 200) each for validation and test, a quarter
  of each kind (plain, negated, contrast, long); the test accuracy is also given per kind.

  --homework trains exactly your homeworkConfiguration() (exercise 09.10) on the homework's
  data, as the grader does (2,000 training, 400 validation and 800 test sentences), prints
  every epoch, the test accuracy overall and per kind, and whether the configuration fits
  the budget (HomeworkBudget). Only --threads and --help go with it.

  \(classifyOptionTable.help)

  Progress: one line per epoch with the mean training loss (nats per sentence), the
  validation accuracy, the epoch's seconds and training sentences per second.

  Examples:
    rnnkit classify --synthetic 2000 --model cnn
    rnnkit classify --synthetic 2000 --model lstm --pooling max --save synthetic.json
    rnnkit classify --positive rt-polarity.pos --negative rt-polarity.neg \\
      --hidden 32 --embedding-size 32 --min-count 2 --dropout 0.5 --max-minutes 10
    rnnkit classify --train train.tsv --valid dev.tsv --test test.tsv \\
      --embeddings glove.6B.50d.txt --freeze-embeddings --save sst.json
    rnnkit classify --checkpoint sst.json --input sentences.txt --probability
    echo "a gorgeous, witty movie" | rnnkit classify --checkpoint sst.json
    rnnkit classify --homework

  Exit status: 0 on success, 1 for unreadable input or a diverged run, 64 for a usage error.
  """
}

/// What `rnnkit classify` was asked to do.
struct ClassifyOptions {
  var train: String?
  var valid: String?
  var test: String?
  var positive: String?
  var negative: String?
  var synthetic: Int?
  var homework = false
  var minimumCount = 1
  var maximumVocabulary: Int?
  var model = "gru"
  var bidirectional = true
  var layers = 2
  var hidden = 32
  var embeddingSize: Int?
  var pooling = "max"
  var widths = [2, 3, 4, 5]
  var filters = 32
  var embeddings: String?
  var freezeEmbeddings = false
  var epochs = 10
  var batch = 32
  var learningRate = 0.005
  var weightDecay = 0.0
  var dropout = 0.0
  var clipNorm: Double? = 5
  var patience = 3
  var seed: UInt64 = 1
  var threads = 1
  var maximumMinutes: Double?
  var save: String?
  var checkpoint: String?
  var input: String?
  var probability = false

  /// The embedding width when neither --embedding-size nor --embeddings sets it.
  static let defaultEmbeddingSize = 32
}

let classifyOptionTable = OptionTable<ClassifyOptions>(sections: [
  .init(
    "input",
    [
      .text("--train", "FILE", help: "training sentences, label<TAB>text per line") {
        $0.train = $1
      },
      .text(
        "--valid", "FILE", help: "sentences that pick the epoch (default: a tenth of --train)"
      ) { $0.valid = $1 },
      .text(
        "--test", "FILE", help: "sentences scored once, with the kept model (default: a",
        "tenth of --train)"
      ) { $0.test = $1 },
      .text("--positive", "FILE", help: "positive sentences, one per line (with --negative)") {
        $0.positive = $1
      },
      .text("--negative", "FILE", help: "negative sentences, one per line (with --positive)") {
        $0.negative = $1
      },
      .integer(
        "--synthetic", "N", atLeast: 1,
        help: "instead of files, N sentences of the kit's synthetic sentiment task"
      ) { $0.synthetic = $1 },
      .flag("--homework", help: "train and score your homework configuration (see above)") {
        $0.homework = true
      },
      .integer(
        "--min-count", "N", atLeast: 1,
        help: "words seen fewer than N times in training become <unk> (default 1)"
      ) { $0.minimumCount = $1 },
      .integer(
        "--max-vocab", "N", atLeast: 3,
        help: "keep at most N words, the most frequent (default: no limit)"
      ) { $0.maximumVocabulary = $1 },
    ]),
  .init(
    "model",
    [
      .choice(
        "--model", "NAME", ["bow", "cnn", "gru", "lstm"],
        help: "bow | cnn | gru (unit 05; the default) | lstm (unit 06)"
      ) { $0.model = $1 },
      .flag(
        "--bidirectional",
        help: "gru, lstm: every layer reads both directions, separate weights",
        "(the default)"
      ) { $0.bidirectional = true },
      .flag("--forward-only", help: "gru, lstm: every layer reads left to right only") {
        $0.bidirectional = false
      },
      .integer("--layers", "N", atLeast: 1, help: "gru, lstm: stacked layers (default 2)") {
        $0.layers = $1
      },
      .integer(
        "--hidden", "N", atLeast: 1, help: "gru, lstm: hidden units per direction (default 32)"
      ) { $0.hidden = $1 },
      .choice(
        "--pooling", "NAME", ["last", "mean", "max"],
        help: "gru, lstm: last (each direction's final state), mean or max",
        "(the default) over the outputs"
      ) { $0.pooling = $1 },
      .init(
        names: ["--widths"], valueName: "LIST",
        help: ["cnn: filter widths, comma-separated (default 2,3,4,5)"]
      ) { options, value, given in
        let widths = value.split(separator: ",", omittingEmptySubsequences: false).map {
          Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 }) else {
          throw UsageError(
            "\(given) needs whole numbers of at least 1 separated by commas, got '\(value)'")
        }
        options.widths = widths.compactMap { $0 }
      },
      .integer("--filters", "F", atLeast: 1, help: "cnn: filters per width (default 32)") {
        $0.filters = $1
      },
      .integer(
        "--embedding-size", "E", atLeast: 1,
        help: "cnn, gru, lstm: word embedding size (default 32; with --embeddings,",
        "the file's dimension)"
      ) { $0.embeddingSize = $1 },
      .text(
        "--embeddings", "FILE",
        help: "cnn, gru, lstm: start the embedding from pretrained vectors (GloVe",
        "or word2vec text; UTF-8, or else Latin-1); words without a vector",
        "start random"
      ) { $0.embeddings = $1 },
      .flag(
        "--freeze-embeddings", help: "keep the embedding as it starts (with --embeddings)"
      ) { $0.freezeEmbeddings = true },
    ]),
  .init(
    "training",
    [
      .integer(
        "--epochs", "N", atLeast: 1, help: "the most passes over the training sentences",
        "(default 10)"
      ) { $0.epochs = $1 },
      .integer("--batch", "N", atLeast: 1, help: "sentences per update (default 32)") {
        $0.batch = $1
      },
      .positive("--lr", "R", help: "Adam's learning rate (default 0.005)") {
        $0.learningRate = $1
      },
      .number(
        "--weight-decay", "W", requirement: "a number at least 0", where: { $0 >= 0 },
        help: "Adam's L2 weight decay on every block but the biases (default 0)"
      ) { $0.weightDecay = $1 },
      .number(
        "--dropout", "P", requirement: "a number in [0, 1)", where: { $0 >= 0 && $0 < 1 },
        help: "cnn, gru, lstm: drop each pooled feature with probability P while",
        "training (default 0)"
      ) { $0.dropout = $1 },
      .positive(
        "--clip-norm", "C",
        help: "rescale the gradient to global norm C when it is larger (default 5)"
      ) { $0.clipNorm = $1 },
      .flag("--no-clip", help: "do not clip the gradient") { $0.clipNorm = nil },
      .integer(
        "--patience", "N", atLeast: 1,
        help: "stop after N epochs in a row without a better validation accuracy",
        "(default 3)"
      ) { $0.patience = $1 },
      .number(
        "--max-minutes", "M", requirement: "a positive number", where: { $0 > 0 },
        help: "stop after the epoch during which M minutes of training have passed"
      ) { $0.maximumMinutes = $1 },
      .seed(
        "--seed", "S",
        help: "seeds the split, the weights, the shuffling and dropout (default 1)"
      ) { $0.seed = $1 },
      .threads { $0.threads = $1 },
    ]),
  .init(
    "output and labeling",
    [
      .text("--save", "PATH", help: "save the trained classifier (JSON checkpoint)") {
        $0.save = $1
      },
      .text(
        "--checkpoint", "PATH",
        help: "label sentences with this saved classifier instead of training"
      ) { $0.checkpoint = $1 },
      .text(
        "--input", "FILE",
        help: "with --checkpoint: one sentence per line; '-' or no --input reads",
        "standard input. Prints label<TAB>sentence per line"
      ) { $0.input = $1 },
      .flag(
        "--probability",
        help: "with --checkpoint: print label<TAB>probability<TAB>sentence"
      ) { $0.probability = true },
      .helpFlag,
    ]),
])

/// Parses the options of `classify`; `nil` means `--help`.
func parseClassifyOptions(_ arguments: [String]) throws -> ClassifyOptions? {
  var options = ClassifyOptions()
  guard try classifyOptionTable.parse(arguments, into: &options) else { return nil }
  let sources = [
    options.train != nil, options.positive != nil || options.negative != nil,
    options.synthetic != nil, options.homework,
  ].filter { $0 }.count
  if options.checkpoint != nil {
    if sources > 0 || options.valid != nil || options.test != nil {
      throw CommandFailure.usage(
        "--checkpoint labels sentences with a trained classifier; drop the training data "
          + "(use --save to name the checkpoint a training run writes)")
    }
    return options
  }
  if options.input != nil || options.probability {
    throw CommandFailure.usage(
      "--input and --probability label sentences with a trained classifier: give --checkpoint")
  }
  if options.homework {
    let allowed: Set<String> = ["--homework", "--threads", "--help"]
    let named = arguments.filter { $0.hasPrefix("--") }.map {
      String($0.split(separator: "=", maxSplits: 1).first ?? "")
    }
    if let other = named.first(where: { !allowed.contains($0) }) {
      throw CommandFailure.usage(
        "--homework trains exactly your homeworkConfiguration(); \(other) does not apply "
          + "(change the configuration in Exercises/Unit09/Homework.swift instead)")
    }
  }
  if sources > 1 {
    throw CommandFailure.usage(
      "give one source of sentences: --train, --positive/--negative, --synthetic or --homework")
  }
  if sources == 0 {
    throw CommandFailure.usage(
      "--train FILE (or --positive FILE --negative FILE, --synthetic N, --homework, or "
        + "--checkpoint FILE to label sentences) is required")
  }
  if (options.positive == nil) != (options.negative == nil) {
    throw CommandFailure.usage("--positive and --negative go together")
  }
  if options.train == nil && (options.valid != nil || options.test != nil) {
    throw CommandFailure.usage(
      "--valid and --test go with --train (the other sources make their own splits)")
  }
  if options.model == "bow" {
    if options.dropout > 0 {
      throw CommandFailure.usage("--dropout applies to cnn, gru and lstm (bow has no features)")
    }
    if options.embeddings != nil {
      throw CommandFailure.usage("--embeddings applies to cnn, gru and lstm (bow has no embedding)")
    }
  }
  if options.freezeEmbeddings && options.embeddings == nil {
    throw CommandFailure.usage("--freeze-embeddings needs --embeddings FILE")
  }
  return options
}
