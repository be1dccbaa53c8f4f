/// One `rnnkit` subcommand.
struct RNNKitCommand: Sendable {
  var name: String
  var summary: String
  var run: @Sendable ([String]) -> Int32

  /// Every command, in the order `rnnkit --help` lists them.
  static let all: [RNNKitCommand] = [
    RNNKitCommand(
      name: "bench",
      summary:
        "measure matrix-product GFLOP/s and an Elman step; `bench train`: training speed;"
        + " `bench ngram`: counting speed",
      run: { runBench($0) }),
    RNNKitCommand(
      name: "figures", summary: "regenerate the lecture figures (SVG) from fixed seeds",
      run: { runFigures($0) }),
    RNNKitCommand(
      name: "ngram", summary: "count an n-gram language model and report perplexity (unit 01)",
      run: { runNGram($0) }),
    RNNKitCommand(
      name: "train",
      summary: "train a recurrent language model (Elman, GRU or LSTM) on a text file",
      run: { runTrain($0) }),
    RNNKitCommand(
      name: "sample", summary: "sample text from a trained recurrent language model",
      run: { runSample($0) }),
    RNNKitCommand(
      name: "ffnn",
      summary: "train Bengio's feed-forward language model on word-level text (unit 10)",
      run: { runFeedForward($0) }),
    RNNKitCommand(
      name: "table",
      summary:
        "train KN5, the feed-forward LM and Elman/GRU/LSTM on one text; print the perplexity"
        + " table, alone and mixed with KN5 (unit 10)",
      run: { runTable($0) }),
    RNNKitCommand(
      name: "tag",
      summary:
        "train a sequence tagger (bidirectional, stacked, CRF) on CoNLL files; tag text (unit 07)",
      run: { runTag($0) }),
    RNNKitCommand(
      name: "translate",
      summary:
        "train an encoder-decoder (attention, beam search) on sentence pairs; translate (unit 08)",
      run: { runTranslate($0) }),
    RNNKitCommand(
      name: "classify",
      summary:
        "train a sentence classifier (bag of words, CNN, bidirectional GRU/LSTM) on labeled"
        + " sentences; label text (unit 09)",
      run: { runClassify($0) }),
  ]
}
