import RNNCore

/// What a recurrent cell carries from one time step to the next, for a batch of sequences.
///
/// An Elman or GRU cell carries only its hidden vectors `h` (a `batch x hiddenSize` matrix, so
/// `Matrix` itself conforms); an LSTM carries `h` and its memory cell `c`. Gradients with
/// respect to a state have the same type and shapes as the state.
public protocol RecurrentState: Sendable {
  /// `batch x hiddenSize`: the part of the state the output layer reads (`h_t`).
  var hidden: Matrix { get }

  /// The all-zero state for `batchSize` sequences: the usual initial state `h_0`, and the
  /// gradient of a state that nothing reads.
  static func zeros(batchSize: Int, hiddenSize: Int) -> Self

  /// The same state with `delta` (`batch x hiddenSize`) added to its hidden part and every
  /// other part unchanged. Backpropagation uses it to add `∂L/∂h_t` from the output layer to
  /// the gradient arriving from step `t + 1`.
  func addingToHidden(_ delta: Matrix) -> Self

  /// Part-by-part sum (for accumulating state gradients).
  static func + (lhs: Self, rhs: Self) -> Self
}

/// A plain matrix is the whole state of an Elman cell: its hidden part is itself.
extension Matrix: RecurrentState {
  /// The matrix itself (`batch x hiddenSize`).
  public var hidden: Matrix { self }

  /// A `batchSize x hiddenSize` matrix of zeros.
  public static func zeros(batchSize: Int, hiddenSize: Int) -> Matrix {
    Matrix(rows: batchSize, cols: hiddenSize)
  }

  /// `self + delta`.
  public func addingToHidden(_ delta: Matrix) -> Matrix { self + delta }
}

/// One recurrent layer, applied one time step at a time to a batch of sequences.
///
/// A cell maps the input vectors of step `t` (`batch x inputSize`, one sequence per row) and
/// the state after step `t - 1` to the state after step `t`. It also returns a *step cache*:
/// whatever its backward pass will need (inputs, pre-activations, outputs), so backward never
/// recomputes the forward pass. The cell's parameters are visited through ``Parameterized``;
/// a value of the cell type whose blocks hold gradients is how a cell reports its gradient.
///
/// The language model, trainer and sampler only talk to this protocol, so a new cell (GRU,
/// LSTM) plugs into all of them by conforming to it and to ``BackpropagatingCell``.
public protocol RecurrentCell: Parameterized, Sendable {
  /// What the cell carries between steps (`Matrix` for an Elman cell).
  associatedtype State: RecurrentState
  /// What one forward step keeps for the backward pass.
  associatedtype StepCache: Sendable

  /// The width of the inputs `x_t`.
  var inputSize: Int { get }
  /// The width of the hidden vectors `h_t`.
  var hiddenSize: Int { get }

  /// One time step for a batch.
  ///
  /// - Parameters:
  ///   - input: `x_t`, `batch x inputSize`.
  ///   - state: the state after the previous step (`h_{t-1}`), batch rows matching `input`.
  /// - Returns: the new state (`h_t`) and the cache its backward pass needs.
  func forward(_ input: Matrix, state: State) -> (state: State, cache: StepCache)
}

/// A recurrent cell that can also run one time step backward (backpropagation through time).
public protocol BackpropagatingCell: RecurrentCell {
  /// One time step backward.
  ///
  /// - Parameters:
  ///   - cache: what ``RecurrentCell/forward(_:state:)`` returned for this step.
  ///   - stateGradient: `∂L/∂(state after this step)`: *all* of the gradient reaching that
  ///     state, from the output layer at this step and from every later step.
  /// - Returns:
  ///   - `inputGradient`: `∂L/∂x_t` (`batch x inputSize`);
  ///   - `previousStateGradient`: `∂L/∂(state before this step)`, the part of the gradient
  ///     that flows on to step `t - 1` (or into the initial state);
  ///   - `gradients`: a cell whose parameter blocks hold this step's contribution to
  ///     `∂L/∂block`, summed over the batch.
  func backward(
    _ cache: StepCache, stateGradient: State
  ) -> (inputGradient: Matrix, previousStateGradient: State, gradients: Self)
}
