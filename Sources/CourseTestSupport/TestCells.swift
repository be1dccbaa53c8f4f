import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState

// Recurrent cells for the course tests of units that wrap a cell (bidirectional layers, stacks,
// encoders and decoders), so those tests never depend on the cells the students write in units
// 02, 05 and 06: a wrapper that works with these works with any cell of the protocol.

/// A tanh cell: `h_t = tanh(x_t W_xᵀ + h_{t-1} W_hᵀ + b)`, with `W_x` `H x E`, `W_h` `H x H` and
/// `b` `1 x H`.
public struct TanhCell: BackpropagatingCell, Equatable {
  public var inputWeight: Matrix
  public var recurrentWeight: Matrix
  public var bias: Matrix

  public struct StepCache: Sendable {
    public var input: Matrix
    public var previous: Matrix
    public var output: Matrix
  }

  public init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  /// A cell with seeded, non-symmetric Gaussian weights.
  public init(inputSize: Int, hiddenSize: Int, std: Double = 0.6, rng: inout RandomSource) {
    self.init(
      inputWeight: .gaussian(hiddenSize, inputSize, std: std, rng: &rng),
      recurrentWeight: .gaussian(hiddenSize, hiddenSize, std: std, rng: &rng),
      bias: .gaussian(1, hiddenSize, std: 0.3, rng: &rng))
  }

  public var inputSize: Int { inputWeight.cols }
  public var hiddenSize: Int { inputWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_x", &inputWeight)
    try body("W_h", &recurrentWeight)
    try body("b", &bias)
  }

  public func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: StepCache) {
    let h =
      (input.matmul(inputWeight, transposeOther: true)
      + state.matmul(recurrentWeight, transposeOther: true)).adding(rowVector: bias).tanh()
    return (h, StepCache(input: input, previous: state, output: h))
  }

  public func backward(
    _ cache: StepCache, stateGradient: Matrix
  ) -> (inputGradient: Matrix, previousStateGradient: Matrix, gradients: TanhCell) {
    let da = stateGradient * cache.output.map { 1 - $0 * $0 }
    return (
      da.matmul(inputWeight), da.matmul(recurrentWeight),
      TanhCell(
        inputWeight: da.matmul(cache.input, transposeSelf: true),
        recurrentWeight: da.matmul(cache.previous, transposeSelf: true), bias: da.sumRows())
    )
  }
}

/// The state of ``LeakyCell``: the hidden vectors and a memory that only the cell reads, like
/// an LSTM's `(h, c)`.
public struct LeakyState: RecurrentState {
  public var hidden: Matrix
  public var memory: Matrix

  public init(hidden: Matrix, memory: Matrix) {
    self.hidden = hidden
    self.memory = memory
  }

  public static func zeros(batchSize: Int, hiddenSize: Int) -> LeakyState {
    LeakyState(
      hidden: .zeros(batchSize, hiddenSize), memory: .zeros(batchSize, hiddenSize))
  }

  public func addingToHidden(_ delta: Matrix) -> LeakyState {
    LeakyState(hidden: hidden + delta, memory: memory)
  }

  public static func + (lhs: LeakyState, rhs: LeakyState) -> LeakyState {
    LeakyState(hidden: lhs.hidden + rhs.hidden, memory: lhs.memory + rhs.memory)
  }
}

/// A cell with a two-part state: `m_t = 0.5 m_{t-1} + tanh(x_t W_xᵀ + h_{t-1} W_hᵀ + b)`,
/// `h_t = tanh(m_t)`. Wrappers must carry (and backpropagate) the memory part as well.
public struct LeakyCell: BackpropagatingCell, Equatable {
  public var inputWeight: Matrix
  public var recurrentWeight: Matrix
  public var bias: Matrix

  public struct StepCache: Sendable {
    public var input: Matrix
    public var previous: LeakyState
    public var drive: Matrix
    public var output: Matrix
  }

  public init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  public init(inputSize: Int, hiddenSize: Int, std: Double = 0.6, rng: inout RandomSource) {
    self.init(
      inputWeight: .gaussian(hiddenSize, inputSize, std: std, rng: &rng),
      recurrentWeight: .gaussian(hiddenSize, hiddenSize, std: std, rng: &rng),
      bias: .gaussian(1, hiddenSize, std: 0.3, rng: &rng))
  }

  public var inputSize: Int { inputWeight.cols }
  public var hiddenSize: Int { inputWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_x", &inputWeight)
    try body("W_h", &recurrentWeight)
    try body("b", &bias)
  }

  public func forward(_ input: Matrix, state: LeakyState) -> (state: LeakyState, cache: StepCache) {
    let drive =
      (input.matmul(inputWeight, transposeOther: true)
      + state.hidden.matmul(recurrentWeight, transposeOther: true)).adding(rowVector: bias).tanh()
    let memory = 0.5 * state.memory + drive
    let h = memory.tanh()
    return (
      LeakyState(hidden: h, memory: memory),
      StepCache(input: input, previous: state, drive: drive, output: h)
    )
  }

  public func backward(
    _ cache: StepCache, stateGradient: LeakyState
  ) -> (inputGradient: Matrix, previousStateGradient: LeakyState, gradients: LeakyCell) {
    let dm = stateGradient.memory + stateGradient.hidden * cache.output.map { 1 - $0 * $0 }
    let da = dm * cache.drive.map { 1 - $0 * $0 }
    return (
      da.matmul(inputWeight),
      LeakyState(hidden: da.matmul(recurrentWeight), memory: 0.5 * dm),
      LeakyCell(
        inputWeight: da.matmul(cache.input, transposeSelf: true),
        recurrentWeight: da.matmul(cache.previous.hidden, transposeSelf: true),
        bias: da.sumRows())
    )
  }
}
