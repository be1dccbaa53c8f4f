import RNNCore
import RNNTraining
import Unit02

/// Makes every language model whose cell can run backward trainable by
/// ``LanguageModelTrainer`` (provided; it uses exercises 02.2, 02.3, 03.2 and 03.3).
extension RNNLanguageModel: TrainableLanguageModel where Cell: BackpropagatingCell {
  /// Forward over the chunk from `initialState`, the mean cross-entropy, and its gradient by
  /// full BPTT (`truncation == nil`) or truncated BPTT with window `truncation`. The initial
  /// state is a constant: its gradient is computed but not used.
  public func lossAndGradients(
    _ chunk: TokenChunk, initialState: Cell.State, truncation: Int?
  ) -> (loss: Double, gradients: RNNLanguageModel, finalState: Cell.State) {
    let pass = forward(chunk.inputs, initialState: initialState)
    let loss = SequenceLoss.meanCrossEntropy(logits: pass.logits, targets: chunk.targets)
    let logitGradients = SequenceLoss.logitGradients(logits: pass.logits, targets: chunk.targets)
    let gradients: RNNLanguageModel
    if let truncation, truncation < chunk.steps {
      gradients =
        truncatedBackward(pass, logitGradients: logitGradients, window: truncation)
        .gradients
    } else {
      gradients = backward(pass, logitGradients: logitGradients).gradients
    }
    return (loss, gradients, pass.finalState)
  }
}
