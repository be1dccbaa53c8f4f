import Foundation
import RNNCore
import RNNTraining
import Unit01
import Unit10

// Per-token log-probabilities of a token stream under each kind of model `rnnkit table`
// compares. A stream starts with `<eos>` (see `encodeStream`), and every function returns
// `log p(stream[t] | history)` for `t = 1 ..< stream.count`: the same tokens, in the same
// order, for every model, so that their per-token mixture is defined.

/// An output layer that scores the actual next words of a batch of hidden states.
protocol TargetScoring: OutputLayer {
  /// `log p(targets[b] | hidden row b)` for every row.
  func targetLogProbabilities(hidden: Matrix, targets: [Int]) -> [Double]
}

extension FullSoftmax: TargetScoring {
  /// The whole distribution costs one matrix product, so it is read off that.
  func targetLogProbabilities(hidden: Matrix, targets: [Int]) -> [Double] {
    let logP = logProbabilities(hidden: hidden)
    return targets.enumerated().map { logP[$0.offset, $0.element] }
  }
}

/// `log p(c | h) + log p(w | c, h)` read off the layer's weights with the numeric core's
/// optimized products: the K class scores and the scores of the target's class members only.
/// The layer's own loss (exercise 10.2) and its provided `logProbabilities(hidden:)` give the
/// same numbers, but both loop over words in the unit module, which `swift run` compiles
/// without optimization: scoring Penn Treebank's validation and test text that way took over
/// five minutes per model. The first row of every batch is checked against the provided
/// `logProbabilities(hidden:)`.
extension ClassSoftmax: TargetScoring {
  func targetLogProbabilities(hidden: Matrix, targets: [Int]) -> [Double] {
    let classLog = hidden.matmul(classWeight, transposeOther: true).adding(rowVector: classBias)
      .logSoftmaxRows()
    let biasColumn = wordBias.transposed()
    let out = targets.enumerated().map { b, word in
      let c = classes.classOf[word]
      let members = classes.members[c]
      let scores = hidden.rowMatrix(b).matmul(wordWeight.gatherRows(members), transposeOther: true)
        .adding(rowVector: biasColumn.gatherRows(members).reshaped(1, members.count))
      return classLog[b, c]
        + Softmax.logProbabilities(scores.storage)[classes.positionInClass[word]]
    }
    if let first = targets.first {
      let expected = logProbabilities(hidden: hidden.rows(0..<1))[0, first]
      precondition(
        abs(out[0] - expected) <= 1e-9 * max(1, abs(expected)),
        "ClassSoftmax target scoring: log p = \(out[0]), the layer's logProbabilities(hidden:) "
          + "gives \(expected)")
    }
    return out
  }
}

/// The loss of one row is `-log p` of its target, at the layer's own cost per token,
/// O(depth H), rather than the O(V H) of the whole distribution.
extension HierarchicalSoftmax: TargetScoring {
  func targetLogProbabilities(hidden: Matrix, targets: [Int]) -> [Double] {
    rowByRowLogProbabilities(self, hidden: hidden, targets: targets)
  }
}

private func rowByRowLogProbabilities<Output: OutputLayer>(
  _ output: Output, hidden: Matrix, targets: [Int]
) -> [Double] {
  targets.enumerated().map { b, target in
    -output.lossAndCache(hidden: hidden.rowMatrix(b), targets: [target]).loss
  }
}

/// `log p(stream[t] | stream[..<t])` for every `t ≥ 1` under a recurrent model reading the
/// stream from the zero state, one sequence, `steps` tokens at a time with the state carried.
func recurrentLogProbabilities<Cell: BackpropagatingCell, Output: TargetScoring>(
  _ model: FactoredLanguageModel<Cell, Output>, stream: [Int], steps: Int = 100
) -> [Double] {
  var state = model.initialState(batchSize: 1)
  var out: [Double] = []
  out.reserveCapacity(max(stream.count - 1, 0))
  for chunk in ContiguousBatcher.evaluationChunks(stream, steps: steps) {
    let pass = model.run(chunk.inputs, initialState: state)
    let hidden = Matrix(
      rows: pass.states.count, cols: model.hiddenSize,
      values: pass.states.flatMap(\.hidden.storage))
    out += model.output.targetLogProbabilities(hidden: hidden, targets: chunk.targets[0])
    state = pass.states.last ?? state
  }
  return out
}

/// Kneser-Ney (unit 01) over the ids of a `TokenVocabulary`, reading a stream as one text.
///
/// The unit 01 models number their tokens `<unk>` 0, `<s>` 1, `</s>` 2 and the words from 3,
/// while a word-level `TokenVocabulary` has `<unk>` 0, `<eos>` 1 and the words from 2: `<eos>`
/// becomes `</s>` and every word moves up by one, so both give the same `V` tokens a
/// probability (`<s>` is context only, never predicted).
struct StreamKneserNey {
  var model: KneserNey

  /// The unit 01 id of a `TokenVocabulary` id.
  static func unitID(_ id: Int) -> Int {
    id == 0 ? Vocabulary.unknownID : (id == 1 ? Vocabulary.endID : id + 1)
  }

  /// Counts the training stream (which starts with `<eos>`) as one long sentence: every token
  /// after that first `<eos>` once, the first words after `<s>` padding as unit 01 counts any
  /// sentence, and the stream's last `<eos>` as the sentence's `</s>`.
  init(order: Int, discount: Double, training stream: [Int], vocabularySize: Int) {
    var ids = stream.dropFirst().map(Self.unitID)
    if ids.last == Vocabulary.endID { ids.removeLast() }
    var counts = NGramCounts(order: order, vocabularySize: vocabularySize + 1)
    counts.add(sentence: ids)
    model = KneserNey(counts: counts, discount: discount)
  }

  /// `log p(stream[t] | the order - 1 tokens before t)` for every `t ≥ 1`; before the start
  /// of the stream the history is `</s>`, as after a sentence end.
  func logProbabilities(_ stream: [Int]) -> [Double] {
    guard stream.count >= 2 else { return [] }
    let padding = [Int](repeating: Vocabulary.endID, count: max(model.order - 2, 0))
    let ids = padding + stream.map(Self.unitID)
    return (padding.count + 1..<ids.count).map { i in
      log(model.probability(of: ids[i], given: ids[max(0, i - model.order + 1)..<i]))
    }
  }
}
