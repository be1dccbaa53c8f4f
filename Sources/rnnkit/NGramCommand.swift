import Foundation
import RNNCommandLine
import RNNCore
import RNNData
import Unit01

// `rnnkit ngram` and `rnnkit bench ngram`: count-based language models (unit 01).

private let ngramUsageLine = """
  Usage: rnnkit ngram --train FILE [--test FILE] [--sample K] [options]
         rnnkit ngram --synthetic N [--sample K] [options]
  """

private var ngramHelp: String {
  """
  \(ngramUsageLine)

  Trains an n-gram language model by counting (unit 01) and reports how well it predicts
  held-out text. Text files are UTF-8 with one sentence per line; blank lines are skipped.
  Runs your exercises (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference solutions).

  \(ngramOptionTable.help)

  Perplexity is e^H, H the mean of -ln p over every test token: each word (<unk> included)
  and the </s> that ends each sentence; <s> is context, never predicted. A token with
  probability 0 makes the perplexity infinite (mle does that for any unseen n-gram).

  Exit status: 0 on success, 1 for unreadable or empty input, 64 for a usage error.
  """
}

/// What `rnnkit ngram` was asked to do.
private struct NGramOptions {
  var train: String?
  var test: String?
  var synthetic: Int?
  var seed: UInt64 = 1
  var order = 3
  var smoothing = Smoothing.kn
  var k = 1.0
  var discount = 0.75
  var characters = false
  var whitespace = false
  var lowercase = false
  var minCount: Int?
  var maxVocabulary: Int?
  var samples = 0
  var maxLength = 40
  var scores: [String] = []
}

/// Runs `rnnkit ngram`; `arguments` are the words after `ngram`. Returns the exit status.
func runNGram(_ arguments: [String]) -> Int32 {
  runCommand(name: "ngram", usageLine: ngramUsageLine) {
    guard let options = try parseNGramOptions(arguments) else {
      print(ngramHelp)
      return
    }
    try runNGram(options)
  }
}

private let ngramOptionTable = OptionTable<NGramOptions>(
  sections: [
    .init(
      "input",
      [
        .text("--train", "FILE", help: "training text") { $0.train = $1 },
        .text("--test", "FILE", help: "held-out text: prints the OOV rate and the perplexity") {
          $0.test = $1
        },
        .integer(
          "--synthetic", "N", atLeast: 1,
          help: "instead of files, draw N training sentences and max(N/10, 100) test",
          "sentences from the kit's synthetic corpus, use its full vocabulary",
          "(no <unk>), and print the true entropy: the best perplexity possible"
        ) { $0.synthetic = $1 },
        .seed(
          "--seed", "S", help: "seed of --sample, and of --synthetic (training sentences use S,",
          "test sentences S + 1) (default 1)"
        ) { $0.seed = $1 },
      ]),
    .init(
      "model",
      [
        .integer("--order", "N", atLeast: 1, help: "n-gram order, 1 or more (default 3)") {
          $0.order = $1
        },
        .choice(
          "--smoothing", "NAME", Smoothing.allCases.map(\.rawValue),
          help: "mle | addk | interp | backoff | kn (default kn)"
        ) { $0.smoothing = Smoothing(rawValue: $1) ?? .kn },
        .positive("--k", "K", help: "add-k pseudo-count, > 0 (default 1: Laplace, add-one)") {
          $0.k = $1
        },
        .number(
          "--discount", "D", requirement: "a number strictly between 0 and 1",
          where: { $0 > 0 && $0 < 1 },
          help: "absolute discount of backoff and kn, in (0, 1) (default 0.75)",
          "(interp tunes its weights on every 10th training sentence)"
        ) { $0.discount = $1 },
      ]),
    .init(
      "tokens and vocabulary",
      [
        .init(
          names: ["--tokens"], valueName: "KIND",
          help: [
            "words: the kit's tokenizer (words, numbers and punctuation apart;",
            "the default) | whitespace: split each line on spaces and tabs only,",
            "for corpora that are already tokenized such as Penn Treebank, so",
            "perplexities compare with the published ones | chars (as --chars)",
          ]
        ) { options, kind, given in
          switch kind {
          case "words": (options.characters, options.whitespace) = (false, false)
          case "whitespace": (options.characters, options.whitespace) = (false, true)
          case "chars": (options.characters, options.whitespace) = (true, false)
          default:
            throw UsageError("\(given) takes words, whitespace or chars, got '\(kind)'")
          }
        },
        .flag(
          "--chars", help: "character-level model: every character, spaces included, is a token"
        ) { $0.characters = true },
        .flag("--lowercase", help: "lowercase the text first") { $0.lowercase = true },
        .integer(
          "--min-count", "N", atLeast: 1,
          help: "keep words seen at least N times in training; every other word is",
          "read as <unk> (default 2, or 1 with --chars)"
        ) { $0.minCount = $1 },
        .integer(
          "--max-vocab", "N", atLeast: 1,
          help: "keep at most the N most frequent words (default: no limit)"
        ) { $0.maxVocabulary = $1 },
      ]),
    .init(
      "output",
      [
        .integer("--sample", "K", atLeast: 0, help: "print K sentences sampled from the model") {
          $0.samples = $1
        },
        .integer(
          "--max-length", "N", atLeast: 1, help: "cut sampled sentences at N tokens (default 40)"
        ) { $0.maxLength = $1 },
        .text(
          "--score", "TEXT",
          help: "print the probability of every token of the sentence TEXT; repeat",
          "the option for several sentences"
        ) { $0.scores.append($1) },
        .helpFlag,
      ]),
  ], nameColumn: 20)

/// Parses the options; `nil` means `--help`.
private func parseNGramOptions(_ arguments: [String]) throws -> NGramOptions? {
  var options = NGramOptions()
  guard try ngramOptionTable.parse(arguments, into: &options) else { return nil }
  if options.synthetic != nil {
    if options.train != nil || options.test != nil {
      throw CommandFailure.usage("--synthetic replaces --train and --test; give one or the other")
    }
    if options.characters || options.whitespace || options.lowercase || options.minCount != nil
      || options.maxVocabulary != nil
    {
      throw CommandFailure.usage(
        "--chars, --tokens, --lowercase, --min-count and --max-vocab do not apply to --synthetic "
          + "(it uses the source's own words)")
    }
  } else {
    guard options.train != nil else { throw CommandFailure.usage("--train FILE is required") }
    if options.test == nil && options.samples == 0 && options.scores.isEmpty {
      throw CommandFailure.usage("nothing to do: give --test FILE, --sample K or --score TEXT")
    }
  }
  return options
}

/// How `rnnkit ngram` cuts text into sentences of tokens: the kit's tokenizer (the student's
/// exercise 01.1), or plain whitespace splitting for text that is already tokenized.
private struct SentenceSplitter {
  var tokenizer: Tokenizer
  var whitespace: Bool

  /// One sentence per non-blank line.
  func sentences(in text: String) -> [[String]] {
    guard whitespace else { return tokenizer.sentences(in: text) }
    return text.split(whereSeparator: \.isNewline).map { line in
      (tokenizer.lowercased ? line.lowercased() : String(line))
        .split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }.filter { !$0.isEmpty }
  }
}

/// Reads and tokenizes a file, with errors that name it.
private func readSentences(_ path: String, tokenizer: SentenceSplitter) throws -> [[String]] {
  let text: String
  do {
    text = try TextFile.read(path)
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  }
  let sentences = tokenizer.sentences(in: text)
  if sentences.isEmpty { throw CommandFailure.input("'\(path)' contains no sentences") }
  return sentences
}

private func runNGram(_ options: NGramOptions) throws {
  let tokenizer = SentenceSplitter(
    tokenizer: Tokenizer(
      mode: options.characters ? .characters : .words, lowercased: options.lowercase),
    whitespace: options.whitespace)
  let joiner = options.characters ? "" : " "
  let trainSentences: [[String]]
  var testSentences: [[String]]?
  let vocabulary: Vocabulary
  var optimum: Entropy?

  let header = "n-gram model: order \(options.order), \(describe(options))"
  if let count = options.synthetic {
    let train = SyntheticCorpus.generate(sentences: count, seed: options.seed)
    let test = SyntheticCorpus.generate(
      sentences: max(count / 10, 100), seed: options.seed &+ 1)
    trainSentences = train.sentences
    testSentences = test.sentences
    vocabulary = Vocabulary(words: SyntheticCorpus.words)
    optimum = test.sampleEntropy
    print(header)
    print("training text: synthetic corpus, seed \(options.seed): \(sizes(trainSentences))")
    print(
      "vocabulary: the source's \(vocabulary.count - 3) words + <unk>, <s>, </s> "
        + "(closed: nothing is unknown)")
  } else {
    let trainPath = options.train ?? ""
    // Read every file before any work, so a bad path fails fast.
    trainSentences = try readSentences(trainPath, tokenizer: tokenizer)
    if let testPath = options.test {
      testSentences = try readSentences(testPath, tokenizer: tokenizer)
    }
    let minCount = options.minCount ?? (options.characters ? 1 : 2)
    vocabulary = Vocabulary.build(
      from: trainSentences, minCount: minCount, maxWords: options.maxVocabulary)
    print(header)
    let trainWords = trainSentences.reduce(0) { $0 + $1.count }
    let unknown = trainSentences.reduce(0) { total, s in
      total + s.filter { !vocabulary.contains($0) }.count
    }
    print("training text: \(trainPath): \(sizes(trainSentences))")
    print(
      "vocabulary: \(vocabulary.count - 3) \(options.characters ? "characters" : "words") "
        + "+ <unk>, <s>, </s> (min count \(minCount)"
        + (options.maxVocabulary.map { ", at most \($0)" } ?? "") + "); "
        + "\(unknown) of \(trainWords) training tokens (\(percent(unknown, trainWords))) "
        + "read as <unk>")
  }

  let trainIDs = trainSentences.map(vocabulary.encode)
  let settings = NGramSettings(
    order: options.order, smoothing: options.smoothing, k: options.k,
    discount: options.discount)
  let start = DispatchTime.now().uptimeNanoseconds
  let model = NGramModel.train(settings, sentences: trainIDs, vocabularySize: vocabulary.count)
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
  if let counts = countsOf(model) {
    let perOrder = counts.distinctNGramsPerOrder.enumerated()
      .map { "\($0.offset + 1)-grams \(groupedThousands($0.element))" }.joined(separator: ", ")
    print(
      "n-grams stored: \(perOrder) (about \(megabytes(counts.approximateMemoryBytes)) MB); "
        + "trained in \(String(format: "%.2f", seconds)) s")
  }
  if let interpolated = model as? Interpolated {
    let weights = interpolated.weights.enumerated()
      .map { "λ\($0.offset) = \(String(format: "%.4f", $0.element))" }
      .joined(separator: ", ")
    print("interpolation weights (λ0 uniform, λk order k), tuned on held-out sentences: \(weights)")
  }

  if let test = testSentences {
    let source = options.synthetic != nil ? "synthetic corpus" : (options.test ?? "")
    let words = test.reduce(0) { $0 + $1.count }
    let oov = test.reduce(0) { total, s in total + s.filter { !vocabulary.contains($0) }.count }
    print(
      "test text: \(source): \(groupedThousands(test.count)) sentences, \(groupedThousands(words)) words + "
        + "\(groupedThousands(test.count)) </s> = \(groupedThousands(words + test.count)) tokens")
    print("OOV rate: \(percent(oov, words)) of test words (\(oov) of \(words)) read as <unk>")
    let report = model.evaluate(test.map(vocabulary.encode))
    print(perplexityLine(report))
    if let optimum {
      let ratio = report.perplexity / optimum.perplexity
      print(
        "true optimum (the source's own cross-entropy on this test text): perplexity "
          + String(
            format: "%.2f (%.4f nats = %.4f bits per token); ", optimum.perplexity, optimum.nats,
            optimum.bits)
          + (ratio.isFinite
            ? "this model is \(String(format: "%.3f", ratio))× it"
            : "this model is infinitely worse"))
    }
  }

  for text in options.scores {
    let words = tokenizer.sentences(in: text).flatMap { $0 }
    print("score: \(words.joined(separator: joiner))")
    let ids = vocabulary.encode(words)
    let padded = [Int](repeating: Vocabulary.startID, count: options.order - 1) + ids
    var logTotal = 0.0
    for (offset, id) in (ids + [Vocabulary.endID]).enumerated() {
      let p = model.probability(of: id, given: padded[..<(options.order - 1 + offset)])
      logTotal += log(p)
      let shown = id == Vocabulary.endID ? Vocabulary.end : words[offset]
      let unknownMark = id == Vocabulary.unknownID && shown != Vocabulary.unknown ? " (<unk>)" : ""
      let context = padded[..<(options.order - 1 + offset)].suffix(options.order - 1)
        .map(vocabulary.token).joined(separator: " ")
      print(
        "  p(\(shown)\(unknownMark)\(context.isEmpty ? "" : " | " + context)) = "
          + "\(String(format: "%.6f", p))   ln p = \(String(format: "%.4f", log(p)))")
    }
    let perToken = -logTotal / Double(ids.count + 1)
    print(
      "  ln p(sentence) = \(String(format: "%.4f", logTotal)) over \(ids.count + 1) tokens; "
        + "perplexity \(formatPerplexity(exp(perToken)))")
  }

  if options.samples > 0 {
    print("samples (seed \(options.seed), at most \(options.maxLength) tokens):")
    var rng = RandomSource(seed: options.seed)
    for _ in 0..<options.samples {
      let ids = model.sampleSentence(using: &rng, maxLength: options.maxLength)
      print("  " + vocabulary.decode(ids).joined(separator: joiner))
    }
  }
}

private func describe(_ options: NGramOptions) -> String {
  switch options.smoothing {
  case .mle: return "maximum likelihood (no smoothing)"
  case .addk: return "add-k smoothing (k = \(options.k))"
  case .interp: return "linear interpolation (weights tuned by EM)"
  case .backoff: return "Katz backoff (absolute discount \(options.discount))"
  case .kn: return "interpolated Kneser-Ney (discount \(options.discount))"
  }
}

/// The counts under any of the unit's models.
private func countsOf(_ model: any LanguageModel) -> NGramCounts? {
  switch model {
  case let m as MaximumLikelihood: return m.counts
  case let m as AddK: return m.counts
  case let m as Interpolated: return m.counts
  case let m as KatzBackoff: return m.counts
  case let m as KneserNey: return m.counts
  default: return nil
  }
}

private func perplexityLine(_ report: PerplexityReport) -> String {
  if report.perplexity.isInfinite {
    return "perplexity: infinite (some test token has probability 0; maximum likelihood gives "
      + "0 to every unseen n-gram, so smooth the model)"
  }
  return "perplexity: \(formatPerplexity(report.perplexity)) (cross-entropy "
    + "\(String(format: "%.4f", report.crossEntropy)) nats = "
    + "\(String(format: "%.4f", report.bitsPerToken)) bits per token, </s> included)"
}

private func formatPerplexity(_ value: Double) -> String {
  value.isFinite ? String(format: "%.2f", value) : "infinite"
}

private func sizes(_ sentences: [[String]]) -> String {
  let tokens = sentences.reduce(0) { $0 + $1.count }
  return "\(groupedThousands(sentences.count)) sentences, \(groupedThousands(tokens)) tokens"
}

private func percent(_ part: Int, _ whole: Int) -> String {
  whole == 0 ? "0.00%" : String(format: "%.2f%%", 100 * Double(part) / Double(whole))
}

private func megabytes(_ bytes: Int) -> String {
  String(format: "%.1f", Double(bytes) / 1_048_576)
}

// MARK: - rnnkit bench ngram

private let ngramBenchUsageLine =
  "Usage: rnnkit bench ngram [--tokens N] [--order N] [--repetitions N]"

private var ngramBenchHelp: String {
  """
  \(ngramBenchUsageLine)

  Measures how fast n-gram counting runs (exercise 01.4, NGramCounts.add): counts a model of
  the given order on about N tokens of the synthetic corpus (words and </s>), several times,
  and reports the median time and tokens per second, then how fast Kneser-Ney scores text.
  Build with -c release for meaningful numbers. Runs your exercises (in the full kit,
  RNNKIT_SOLUTIONS=1 runs the reference).

  \(ngramBenchOptionTable.help)

  The last line compares a trigram count of 1,000,000 tokens with the target of 2 seconds.
  It is a report: the exit status is 0 either way (64 for a usage error).
  """
}

private struct NGramBenchOptions {
  var tokens = 1_000_000
  var order = 3
  var repetitions = 5
}

private let ngramBenchOptionTable = OptionTable<NGramBenchOptions>(
  sections: [
    .init(
      "options",
      [
        .integer("--tokens", "N", atLeast: 1, help: "tokens to count (default 1000000)") {
          $0.tokens = $1
        },
        .integer("--order", "N", atLeast: 1, help: "n-gram order (default 3)") { $0.order = $1 },
        .integer(
          "--repetitions", "N", atLeast: 1, help: "timed runs, the median is reported (default 5)"
        ) { $0.repetitions = $1 },
        .helpFlag,
      ])
  ], nameColumn: 18)

/// Runs `rnnkit bench ngram`; `arguments` are the words after `ngram`. Returns the exit status.
func runNGramBench(_ arguments: [String]) -> Int32 {
  return runCommand(name: "bench ngram", usageLine: ngramBenchUsageLine) {
    guard
      let options = try parseOptions(
        arguments, with: ngramBenchOptionTable, defaults: NGramBenchOptions(),
        help: { ngramBenchHelp })
    else { return }
    measureCounting(tokens: options.tokens, order: options.order, repetitions: options.repetitions)
  }
}

/// Times counting and scoring and prints the report.
private func measureCounting(tokens: Int, order: Int, repetitions: Int) {
  // Draw sentences until there are enough tokens (about 7.6 per sentence, </s> included).
  let vocabulary = Vocabulary(words: SyntheticCorpus.words)
  var sentences: [[Int]] = []
  var drawn = 0
  var seed: UInt64 = 1
  while drawn < tokens {
    let batch = SyntheticCorpus.generate(
      sentences: max(1000, (tokens - drawn) / 7), seed: seed)
    for sentence in batch.sentences where drawn < tokens {
      sentences.append(vocabulary.encode(sentence))
      drawn += sentence.count + 1
    }
    seed += 1
  }
  print(
    "rnnkit bench ngram: order \(order), \(groupedThousands(drawn)) tokens "
      + "(\(groupedThousands(sentences.count)) synthetic sentences), median of \(repetitions) runs")

  var times: [Double] = []
  var counts = NGramCounts(order: order, vocabularySize: vocabulary.count)
  for _ in 0..<repetitions {
    let start = DispatchTime.now().uptimeNanoseconds
    var fresh = NGramCounts(order: order, vocabularySize: vocabulary.count)
    for sentence in sentences { fresh.add(sentence: sentence) }
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    counts = fresh
  }
  times.sort()
  let median = times[times.count / 2]
  let perOrder = counts.distinctNGramsPerOrder.enumerated()
    .map { "\($0.offset + 1)-grams \(groupedThousands($0.element))" }.joined(separator: ", ")
  print(
    "counting: \(String(format: "%.3f", median)) s, "
      + "\(groupedThousands(Int(Double(counts.tokenCount) / median))) tokens per second")
  print("  stored \(perOrder), about \(megabytes(counts.approximateMemoryBytes)) MB")

  let modelStart = DispatchTime.now().uptimeNanoseconds
  let model = KneserNey(counts: counts)
  let scoreStart = DispatchTime.now().uptimeNanoseconds
  let report = model.evaluate(Array(sentences.prefix(20_000)))
  let scoreEnd = DispatchTime.now().uptimeNanoseconds
  let scoreSeconds = Double(scoreEnd - scoreStart) * 1e-9
  print(
    "Kneser-Ney: continuation counts in "
      + "\(String(format: "%.3f", Double(scoreStart - modelStart) * 1e-9)) s; scoring "
      + "\(groupedThousands(report.tokens)) tokens in \(String(format: "%.3f", scoreSeconds)) s, "
      + "\(groupedThousands(Int(Double(report.tokens) / scoreSeconds))) tokens per second "
      + "(training-set perplexity \(String(format: "%.2f", report.perplexity)))")

  let target = 2.0
  let projected = median * 1_000_000 / Double(max(counts.tokenCount, 1))
  let verdict = order == 3 && projected < target ? "PASS" : (order == 3 ? "FAIL" : "INFO")
  print(
    "\(verdict): \(String(format: "%.3f", projected)) s per 1,000,000 tokens at order \(order) "
      + "(target: a trigram model in under \(String(format: "%.0f", target)) s)")
}
