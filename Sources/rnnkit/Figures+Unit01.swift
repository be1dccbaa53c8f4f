import Foundation
import RNNData
import RNNPlot
import Unit01

// MARK: Lecture 01

/// Held-out perplexity against the order n = 1...5 for each smoothing method, on the synthetic
/// corpus (20,000 training and 2,000 test sentences, seeds 1 and 2, the source's closed
/// vocabulary), with the source's own cross-entropy on the test sentences as the floor.
/// Maximum likelihood is infinite from n = 2 on, so only its unigram point shows.
func ngramPerplexityFigure() -> String {
  let train = SyntheticCorpus.generate(sentences: 20_000, seed: 1)
  let test = SyntheticCorpus.generate(sentences: 2_000, seed: 2)
  let vocabulary = Vocabulary(words: SyntheticCorpus.words)
  let trainIDs = train.sentences.map(vocabulary.encode)
  let testIDs = test.sentences.map(vocabulary.encode)
  let orders = Array(1...5)

  let methods: [(label: String, settings: (Int) -> NGramSettings, dashed: Bool)] = [
    ("add-one (k = 1)", { NGramSettings(order: $0, smoothing: .addk, k: 1) }, true),
    ("add-k (k = 0.01)", { NGramSettings(order: $0, smoothing: .addk, k: 0.01) }, true),
    ("interpolation (EM weights)", { NGramSettings(order: $0, smoothing: .interp) }, false),
    ("Katz backoff (D = 0.75)", { NGramSettings(order: $0, smoothing: .backoff) }, false),
    ("Kneser-Ney (D = 0.75)", { NGramSettings(order: $0, smoothing: .kn) }, false),
  ]
  var chart = LineChart(
    title: "Held-out perplexity of n-gram models on the synthetic corpus",
    xLabel: "order n (context of n − 1 tokens)", yLabel: "perplexity on 2,000 test sentences",
    yScale: .logarithmic, width: 680, height: 480)
  let mle = orders.map { n -> Double in
    let counts = NGramCounts(order: n, vocabularySize: vocabulary.count, sentences: trainIDs)
    return MaximumLikelihood(counts: counts).evaluate(testIDs).perplexity
  }
  chart.addSeries(
    LineChart.Series(
      "maximum likelihood (infinite for n ≥ 2)", x: orders.map(Double.init), y: mle,
      showsMarkers: true))
  var best = (label: "", order: 0, perplexity: Double.infinity)
  for method in methods {
    let perplexities = orders.map { n in
      NGramModel.train(
        method.settings(n), sentences: trainIDs, vocabularySize: vocabulary.count
      ).evaluate(testIDs).perplexity
    }
    for (n, value) in zip(orders, perplexities) where value < best.perplexity {
      best = (method.label, n, value)
    }
    chart.addSeries(
      LineChart.Series(
        method.label, x: orders.map(Double.init), y: perplexities, dashed: method.dashed,
        showsMarkers: true))
  }
  let optimum = test.sampleEntropy.perplexity
  chart.addHorizontalLine(
    at: optimum, label: String(format: "true optimum (the source itself) %.1f", optimum))
  chart.addAnnotation(
    "best: \(best.label), n = \(best.order): \(String(format: "%.1f", best.perplexity))",
    x: Double(best.order) - 0.1, y: best.perplexity * 0.84, alignment: .leading)
  // Whole-number ticks on the x axis; room above the curves for the legend.
  chart.xRange = 0...6
  chart.yRange = 10...1000
  chart.legendPosition = .topRight
  return chart.svg()
}

/// How many distinct n-grams a model stores, against the number of training tokens, for each
/// order: the table of a high order keeps growing with the corpus, even over a vocabulary of a
/// few hundred words.
func ngramTableGrowthFigure() -> String {
  let vocabulary = Vocabulary(words: SyntheticCorpus.words)
  let corpus = SyntheticCorpus.generate(sentences: 200_000, seed: 3).sentences
    .map(vocabulary.encode)
  let sizes = [1_000, 3_000, 10_000, 30_000, 100_000, 200_000]
  var chart = LineChart(
    title: "Distinct n-grams stored vs. training data (synthetic corpus, \(vocabulary.count) ids)",
    xLabel: "training tokens", yLabel: "distinct n-grams of that order",
    xScale: .logarithmic, yScale: .logarithmic, width: 680, height: 440)
  var tokens: [Double] = []
  var perOrder = [[Double]](repeating: [], count: 5)
  for size in sizes {
    let counts = NGramCounts(
      order: 5, vocabularySize: vocabulary.count, sentences: Array(corpus.prefix(size)))
    tokens.append(Double(counts.tokenCount))
    for (k, n) in counts.distinctNGramsPerOrder.enumerated() { perOrder[k].append(Double(n)) }
  }
  for k in 0..<5 {
    chart.addSeries(
      LineChart.Series("\(k + 1)-grams", x: tokens, y: perOrder[k], showsMarkers: true))
  }
  if let last = tokens.last {
    chart.addSeries(
      LineChart.Series(
        "one new n-gram per token", x: [tokens[0], last], y: [tokens[0], last], color: .gray,
        dashed: true, lineWidth: 1))
  }
  chart.legendPosition = .topLeft
  return chart.svg()
}
