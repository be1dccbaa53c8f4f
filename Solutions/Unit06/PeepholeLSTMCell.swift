import RNNCore
import RNNTraining

/// An LSTM whose gates also look at the memory cell: the *peephole connections* of Gers,
/// Schraudolph and Schmidhuber (2002), in the diagonal form most libraries use (an extension
/// exercise).
///
/// Each unit's gates see that unit's own memory through one extra weight per gate and unit:
///
///     [a_i | a_f | a_g | a_o] = x_t Wᵀ + h_{t-1} Uᵀ + b      (as in ``LSTMCell``)
///     i_t = σ(a_i + c_{t-1} ⊙ p_i)
///     f_t = σ(a_f + c_{t-1} ⊙ p_f)
///     g_t = tanh(a_g)
///     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
///     o_t = σ(a_o + c_t ⊙ p_o)          the output gate peeks at the *new* memory
///     h_t = o_t ⊙ tanh(c_t)
///
/// `p_i`, `p_f`, `p_o` are `1 x H` row vectors (a diagonal matrix each), broadcast over the
/// batch. The input and forget gates see `c_{t-1}`, because `c_t` does not exist yet when they
/// are computed; the output gate is computed after `c_t` and sees it. (Some lectures instead
/// feed `c_{t-1}` to all three gates through full `H x H` matrices, as one more block of the
/// concatenated input; the diagonal form is cheaper and is the one in the original paper.)
///
/// `W` (`4H x E`), `U` (`4H x H`) and `b` (`1 x 4H`) use the gate order i, f, g, o of
/// ``LSTMCell``. Parameter blocks: `W`, `U`, `b`, `p_i`, `p_f`, `p_o`.
public struct PeepholeLSTMCell: RecurrentCell, Equatable {
  /// The state is the pair `(h, c)`.
  public typealias State = LSTMState

  /// What the forward step keeps for the backward step (the same fields as an LSTM's).
  public typealias StepCache = LSTMCell.StepCache

  /// `W = [W_i; W_f; W_g; W_o]`, `4H x E`.
  public var inputWeight: Matrix
  /// `U = [U_i; U_f; U_g; U_o]`, `4H x H`.
  public var recurrentWeight: Matrix
  /// `b = [b_i, b_f, b_g, b_o]`, `1 x 4H`.
  public var bias: Matrix
  /// `p_i`, `1 x H`: each unit's input gate reads its own `c_{t-1}` with this weight.
  public var inputPeephole: Matrix
  /// `p_f`, `1 x H`: each unit's forget gate reads its own `c_{t-1}` with this weight.
  public var forgetPeephole: Matrix
  /// `p_o`, `1 x H`: each unit's output gate reads its own `c_t` with this weight.
  public var outputPeephole: Matrix

  /// Creates a cell from explicit weights: `W` `4H x E`, `U` `4H x H`, `b` `1 x 4H`, and three
  /// `1 x H` peephole vectors.
  public init(
    inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix, inputPeephole: Matrix,
    forgetPeephole: Matrix, outputPeephole: Matrix
  ) {
    let h = recurrentWeight.cols
    shapePrecondition(
      recurrentWeight.rows == 4 * h && inputWeight.rows == 4 * h && bias.rows == 1
        && bias.cols == 4 * h
        && [inputPeephole, forgetPeephole, outputPeephole].allSatisfy {
          $0.rows == 1 && $0.cols == h
        },
      "PeepholeLSTMCell: W \(inputWeight.shapeDescription), U "
        + "\(recurrentWeight.shapeDescription), b \(bias.shapeDescription), p_i "
        + "\(inputPeephole.shapeDescription), p_f \(forgetPeephole.shapeDescription) and p_o "
        + "\(outputPeephole.shapeDescription) do not fit (expected 4HxE, 4HxH, 1x4H and 1xH)")
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
    self.inputPeephole = inputPeephole
    self.forgetPeephole = forgetPeephole
    self.outputPeephole = outputPeephole
  }

  /// An LSTM's weights with all peepholes zero: the cell then computes exactly what `lstm`
  /// computes, and training can grow the peepholes from there.
  public init(_ lstm: LSTMCell) {
    let zero = Matrix.zeros(1, lstm.hiddenSize)
    self.init(
      inputWeight: lstm.inputWeight, recurrentWeight: lstm.recurrentWeight, bias: lstm.bias,
      inputPeephole: zero, forgetPeephole: zero, outputPeephole: zero)
  }

  /// `E`.
  public var inputSize: Int { inputWeight.cols }
  /// `H`.
  public var hiddenSize: Int { recurrentWeight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W", &inputWeight)
    try body("U", &recurrentWeight)
    try body("b", &bias)
    try body("p_i", &inputPeephole)
    try body("p_f", &forgetPeephole)
    try body("p_o", &outputPeephole)
  }

  /// One time step (see the type's documentation).
  ///
  /// - Parameters:
  ///   - input: `x_t`, `B x E`.
  ///   - state: `(h_{t-1}, c_{t-1})`, each `B x H`.
  /// - Returns: `(h_t, c_t)` and the cache of the step.
  public func forward(_ input: Matrix, state: LSTMState) -> (state: LSTMState, cache: StepCache) {
    shapePrecondition(
      input.cols == inputSize && state.hidden.cols == hiddenSize
        && input.rows == state.hidden.rows,
      "PeepholeLSTMCell.forward: x_t is \(input.shapeDescription) and h_{t-1} is "
        + "\(state.hidden.shapeDescription); expected Bx\(inputSize) and Bx\(hiddenSize)")
    // BEGIN SOLUTION 06.6 PeepholeLSTMCell.forward | Lectures/06-lstm.md §9
    let h = hiddenSize
    let a =
      input.matmul(inputWeight, transposeOther: true)
      + state.hidden.matmul(recurrentWeight, transposeOther: true).adding(rowVector: bias)
    let previousCell = state.cell
    let inputGate =
      (a.columns(0..<h) + previousCell.multiplying(rowVector: inputPeephole)).sigmoid()
    let forgetGate =
      (a.columns(h..<(2 * h)) + previousCell.multiplying(rowVector: forgetPeephole)).sigmoid()
    let candidate = a.columns((2 * h)..<(3 * h)).tanh()
    let cell = forgetGate * previousCell + inputGate * candidate
    let outputGate =
      (a.columns((3 * h)..<(4 * h)) + cell.multiplying(rowVector: outputPeephole)).sigmoid()
    let cellTanh = cell.tanh()
    let output = outputGate * cellTanh
    let cache = StepCache(
      input: input, previousHidden: state.hidden, previousCell: previousCell,
      inputGate: inputGate, forgetGate: forgetGate, candidate: candidate, outputGate: outputGate,
      cell: cell, cellTanh: cellTanh, output: output)
    return (LSTMState(hidden: output, cell: cell), cache)
    // END SOLUTION
  }
}

extension PeepholeLSTMCell: BackpropagatingCell {
  /// One step backward (Lectures/06-lstm.md §9).
  ///
  /// The contract is that of ``LSTMCell/backward(_:stateGradient:)``: `stateGradient` holds the
  /// gradients with respect to `h_t` (everything that reaches it) and `c_t` (what step `t + 1`
  /// sent back). The peepholes add paths through which `c_{t-1}` and `c_t` reach the gates;
  /// the returned gradients must include them.
  ///
  /// - Returns: the gradient with respect to `x_t` (`B x E`), the gradients with respect to
  ///   `(h_{t-1}, c_{t-1})`, and a cell holding this step's gradients for `W`, `U`, `b` (fused,
  ///   gate order i, f, g, o) and for `p_i`, `p_f`, `p_o` (`1 x H` each).
  public func backward(
    _ cache: StepCache, stateGradient: LSTMState
  ) -> (inputGradient: Matrix, previousStateGradient: LSTMState, gradients: PeepholeLSTMCell) {
    shapePrecondition(
      stateGradient.hidden.rows == cache.output.rows && stateGradient.hidden.cols == hiddenSize,
      "PeepholeLSTMCell.backward: ∂L/∂h_t is \(stateGradient.hidden.shapeDescription), h_t is "
        + "\(cache.output.shapeDescription)")
    // BEGIN SOLUTION 06.7 PeepholeLSTMCell.backward | Lectures/06-lstm.md §9
    // As for the LSTM, plus: da_o = dh ⊙ tanh(c_t) ⊙ o(1-o); dc gains da_o ⊙ p_o (c_t feeds
    // o_t); ∂L/∂c_{t-1} = dc ⊙ f + da_i ⊙ p_i + da_f ⊙ p_f; ∂L/∂p_i = the column sums of
    // da_i ⊙ c_{t-1}, ∂L/∂p_f those of da_f ⊙ c_{t-1}, ∂L/∂p_o those of da_o ⊙ c_t.
    let dh = stateGradient.hidden
    let (i, f, g, o) = (cache.inputGate, cache.forgetGate, cache.candidate, cache.outputGate)
    let daOutput = dh * cache.cellTanh * o.map { $0 * (1 - $0) }
    let dCell =
      stateGradient.cell + dh * o * cache.cellTanh.map { 1 - $0 * $0 }
      + daOutput.multiplying(rowVector: outputPeephole)
    let daInput = dCell * g * i.map { $0 * (1 - $0) }
    let daForget = dCell * cache.previousCell * f.map { $0 * (1 - $0) }
    let daCandidate = dCell * i * g.map { 1 - $0 * $0 }
    let da = Matrix.hstack([daInput, daForget, daCandidate, daOutput])
    let gradients = PeepholeLSTMCell(
      inputWeight: da.matmul(cache.input, transposeSelf: true),
      recurrentWeight: da.matmul(cache.previousHidden, transposeSelf: true),
      bias: da.sumRows(),
      inputPeephole: (daInput * cache.previousCell).sumRows(),
      forgetPeephole: (daForget * cache.previousCell).sumRows(),
      outputPeephole: (daOutput * cache.cell).sumRows())
    let dPreviousCell =
      dCell * f + daInput.multiplying(rowVector: inputPeephole)
      + daForget.multiplying(rowVector: forgetPeephole)
    let previous = LSTMState(hidden: da.matmul(recurrentWeight), cell: dPreviousCell)
    return (da.matmul(inputWeight), previous, gradients)
    // END SOLUTION
  }
}
