import RNNCore

/// The nonlinearity `f` of an Elman cell, `h_t = f(z_t)`.
///
/// The lectures' Elman language model uses `tanh`; the logistic sigmoid and the rectifier
/// (ReLU) appear in the vanishing-gradient analysis (unit 03) and in the identity-initialized
/// ReLU network, the IRNN (unit 04). Their derivatives are part of exercise 03.1.
public enum RecurrentActivation: String, CaseIterable, Codable, Sendable {
  /// `tanh(z)`, values in `(-1, 1)`, `f'(z) = 1 - f(z)²` (at most 1).
  case tanh
  /// `σ(z) = 1 / (1 + e^-z)`, values in `(0, 1)`, `f'(z) = f(z)(1 - f(z))` (at most 1/4).
  case sigmoid
  /// `max(0, z)`, `f'(z)` is 1 for `z > 0` and 0 otherwise.
  case relu

  /// `f` applied to every element of `z`. Finite for every finite input.
  public func apply(_ z: Matrix) -> Matrix {
    switch self {
    case .tanh: return z.tanh()
    case .sigmoid: return z.sigmoid()
    case .relu: return z.relu()
    }
  }
}
