import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit10

// MARK: Lecture 10: perplexity against the number of classes

/// The same Elman language model (E 16, H 32, 400 updates of 16 x 20 tokens with Adam 0.01)
/// trained on the synthetic corpus with a class-based softmax of `K` frequency-binned classes,
/// for `K` from 1 (one class: the full softmax with an extra constant factor) to one class per
/// word, next to the same model with the full softmax. Beside the test perplexity it draws the
/// number of scores the output layer computes per token, `K` plus the expected size of the
/// target's class, on the same log axis: the cost the classes save. Training is deterministic,
/// so the figure regenerates byte for byte.
func classCountFigure() -> String {
  let words = SyntheticCorpus.words
  let ids = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
  let boundary = words.count
  let vocabulary = words.count + 1
  func stream(_ corpus: SyntheticCorpus) -> [Int] {
    corpus.sentences.flatMap { $0.compactMap { ids[$0] } + [boundary] }
  }
  let train = [boundary] + stream(SyntheticCorpus.generate(sentences: 12_000, seed: 1))
  let testCorpus = SyntheticCorpus.generate(sentences: 300, seed: 2)
  let test = [boundary] + stream(testCorpus)
  var counts = [Int](repeating: 0, count: vocabulary)
  for t in train { counts[t] += 1 }
  let total = Double(train.count)

  func perplexity<Output: OutputLayer>(_ makeOutput: (inout RandomSource) -> Output) -> Double {
    var rng = RandomSource(seed: 1010)
    let cell = ElmanCell(inputSize: 16, hiddenSize: 32, rng: &rng)
    var model = FactoredLanguageModel(cell: cell, output: makeOutput(&rng), rng: &rng)
    let trainer = LanguageModelTrainer<FactoredLanguageModel<ElmanCell, Output>>(
      configuration: TrainingConfiguration(steps: 400, batchSize: 16, sequenceLength: 20))
    var adam = Adam(learningRate: 0.01)
    _ = try? trainer.train(&model, optimizer: &adam, training: train, validation: [])
    return model.score(test, steps: 50).perplexity
  }

  let classCounts = [1, 2, 4, 8, 16, 32, 64, 128, vocabulary]
  var perplexities: [Double] = []
  var scores: [Double] = []
  for k in classCounts {
    let classes = WordClasses.frequencyBinned(counts: counts, classCount: k)
    perplexities.append(perplexity { ClassSoftmax(hiddenSize: 32, classes: classes, rng: &$0) })
    // K class scores, then the members of the target's class, weighted by how often it occurs.
    let expectedClassSize = classes.members.reduce(0.0) { sum, members in
      sum + Double(members.reduce(0) { $0 + counts[$1] }) / total * Double(members.count)
    }
    scores.append(Double(k) + expectedClassSize)
  }
  let full = perplexity { FullSoftmax(vocabularySize: vocabulary, hiddenSize: 32, rng: &$0) }

  var chart = LineChart(
    title: "Classes on the synthetic corpus (|V| = \(vocabulary)): perplexity and cost",
    xLabel: "number of classes K", yLabel: "perplexity; scores per token", xScale: .logarithmic,
    yScale: .logarithmic)
  chart.xRange = 1...500
  let x = classCounts.map(Double.init)
  chart.addSeries(
    LineChart.Series(
      "test perplexity, K classes", x: x, y: perplexities, color: SVGColor.palette(0),
      showsMarkers: true))
  chart.addSeries(
    LineChart.Series(
      "scores per token: K + expected class size", x: x, y: scores,
      color: SVGColor.palette(1), dashed: true, showsMarkers: true))
  chart.addHorizontalLine(
    at: full, label: "full softmax: perplexity \((full * 10).rounded() / 10), \(vocabulary) scores")
  chart.addHorizontalLine(
    at: testCorpus.sampleEntropy.perplexity,
    label:
      "the source's own perplexity \((testCorpus.sampleEntropy.perplexity * 10).rounded() / 10)")
  chart.legendPosition = .topRight
  return chart.svg()
}
