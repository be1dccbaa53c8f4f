import RNNCore
import RNNTraining

/// Scoring and sampling for a trained model (provided; it uses your forward pass, loss and
/// perplexity, exercises 02.2 to 02.4).
extension RNNLanguageModel: LanguageModelEvaluating {
  /// Scores `tokens` as one stream: every token but the first is predicted from everything
  /// before it. The stream is read as a single sequence in pieces of `steps` tokens, carrying
  /// the state from piece to piece (no gradient is involved), so the result does not depend
  /// on `steps` up to rounding.
  public func score(_ tokens: [Int], steps: Int) -> LanguageModelScore {
    var state = initialState(batchSize: 1)
    var total = 0.0
    var count = 0
    for chunk in ContiguousBatcher.evaluationChunks(tokens, steps: steps) {
      let pass = forward(chunk.inputs, initialState: state)
      let loss = SequenceLoss.meanCrossEntropy(logits: pass.logits, targets: chunk.targets)
      total += loss * Double(chunk.tokenCount)
      count += chunk.tokenCount
      state = pass.finalState
    }
    let meanLoss = count == 0 ? 0 : total / Double(count)
    return LanguageModelScore(
      meanLoss: meanLoss, perplexity: SequenceLoss.perplexity(meanCrossEntropy: meanLoss),
      tokens: count)
  }
}

extension RNNLanguageModel: TokenPredictor {
  /// `h_0 = 0` for one sequence.
  public func initialState() -> Cell.State { initialState(batchSize: 1) }

  /// One step of ``forward(_:initialState:)`` for a single sequence: the logits of the token
  /// after `token`, and the new state.
  public func nextTokenLogits(
    after token: Int, state: Cell.State
  ) -> (
    logits: [Double], state: Cell.State
  ) {
    let pass = forward([[token]], initialState: state)
    return (pass.logits[0].row(0), pass.finalState)
  }
}
