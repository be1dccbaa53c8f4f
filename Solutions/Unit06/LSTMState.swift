import RNNCore
import RNNTraining

/// What an LSTM carries from one step to the next: the hidden state `h` and the memory cell
/// `c`, both `B x H` (one sequence per row).
///
/// Only `h` is visible outside the cell (the output layer and the next step's gates read it);
/// `c` is the cell's private memory. A gradient with respect to a state has the same two parts:
/// `∂L/∂h` and `∂L/∂c`. When the language model adds the output layer's gradient to a state
/// gradient (``addingToHidden(_:)``), only the `h` part changes; the `c` part, which flows
/// only from step `t + 1`, passes through untouched.
public struct LSTMState: RecurrentState, Equatable {
  /// `h`, `B x H`.
  public var hidden: Matrix
  /// `c`, `B x H`.
  public var cell: Matrix

  /// Creates a state; `hidden` and `cell` must have the same shape.
  public init(hidden: Matrix, cell: Matrix) {
    shapePrecondition(
      hidden.rows == cell.rows && hidden.cols == cell.cols,
      "LSTMState: h is \(hidden.shapeDescription) but c is \(cell.shapeDescription)")
    self.hidden = hidden
    self.cell = cell
  }

  /// `h = 0` and `c = 0`, both `batchSize x hiddenSize`.
  public static func zeros(batchSize: Int, hiddenSize: Int) -> LSTMState {
    LSTMState(hidden: .zeros(batchSize, hiddenSize), cell: .zeros(batchSize, hiddenSize))
  }

  /// `(h + delta, c)`.
  public func addingToHidden(_ delta: Matrix) -> LSTMState {
    LSTMState(hidden: hidden + delta, cell: cell)
  }

  /// `(h₁ + h₂, c₁ + c₂)`.
  public static func + (lhs: LSTMState, rhs: LSTMState) -> LSTMState {
    LSTMState(hidden: lhs.hidden + rhs.hidden, cell: lhs.cell + rhs.cell)
  }
}
