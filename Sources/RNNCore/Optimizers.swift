/// An update rule that moves parameters against their gradient.
///
/// State (velocities, running averages) is kept per block name, so one optimizer serves one
/// model whose block names do not change.
///
/// **Weight decay.** Every optimizer takes an optional `weightDecay` `λ`: it then minimizes
/// `L + (λ/2) Σ ‖W‖²` over the weight blocks, which adds `λ W` to each weight gradient before
/// the update (the delta rule with an L2 penalty). Bias blocks (see ``isBias(_:)``) are not
/// decayed: shrinking an offset toward zero does not simplify the function.
public protocol Optimizer {
  /// Updates every block of `parameters` using the block of the same name in `gradients`.
  mutating func step<P: Parameterized>(_ parameters: inout P, gradients: P)
}

extension Optimizer {
  fileprivate static func gradientTable<P: Parameterized>(_ gradients: P) -> [String: Matrix] {
    Dictionary(gradients.namedParameters.map { ($0.name, $0.value) }) { a, _ in a }
  }

  fileprivate static func gradient(
    _ table: [String: Matrix], _ name: String, like m: Matrix, weightDecay: Double = 0
  )
    -> Matrix
  {
    guard var g = table[name] else {
      preconditionFailed("Optimizer: no gradient for block \"\(name)\"")
    }
    shapePrecondition(
      g.rows == m.rows && g.cols == m.cols,
      "Optimizer: gradient of \"\(name)\" is \(g.shapeDescription), parameter is \(m.shapeDescription)"
    )
    if weightDecay != 0 && !isBias(name) { g.add(m, scaledBy: weightDecay) }
    return g
  }
}

/// Whether a parameter block is a bias, which weight decay leaves alone: its name (after the
/// last `.`) is `b` or `bias`, starts with `b_`, or ends in `Bias`.
public func isBias(_ name: String) -> Bool {
  let last = name.split(separator: ".").last.map(String.init) ?? name
  return last == "b" || last == "bias" || last.hasPrefix("b_") || last.hasSuffix("Bias")
}

/// Stochastic gradient descent with optional (heavy-ball) momentum:
/// `v ← μ v - η g`, `θ ← θ + v`. With `μ = 0` this is plain `θ ← θ - η g`.
public struct SGD: Optimizer {
  public var learningRate: Double
  public var momentum: Double
  /// `λ` of the L2 penalty on weight blocks (see ``Optimizer``); 0 for none.
  public var weightDecay: Double
  private var velocity: [String: Matrix] = [:]

  public init(learningRate: Double, momentum: Double = 0, weightDecay: Double = 0) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  public mutating func step<P: Parameterized>(_ parameters: inout P, gradients: P) {
    let table = Self.gradientTable(gradients)
    parameters.visitParameters { name, m in
      let g = Self.gradient(table, name, like: m, weightDecay: weightDecay)
      if momentum == 0 {
        m.add(g, scaledBy: -learningRate)
      } else {
        // Taken out of the table while it changes, so the update happens in place.
        var v = velocity.removeValue(forKey: name) ?? Matrix.zeros(like: m)
        v.scale(by: momentum)
        v.add(g, scaledBy: -learningRate)
        m += v
        velocity[name] = v
      }
    }
  }
}

/// Adagrad: per-element step sizes that shrink with the sum of past squared gradients,
/// `G ← G + g²`, `θ ← θ - η g / (sqrt(G) + ε)`.
public struct Adagrad: Optimizer {
  public var learningRate: Double
  public var epsilon: Double
  /// `λ` of the L2 penalty on weight blocks (see ``Optimizer``); 0 for none.
  public var weightDecay: Double
  private var accumulated: [String: Matrix] = [:]

  public init(learningRate: Double, epsilon: Double = 1e-8, weightDecay: Double = 0) {
    self.learningRate = learningRate
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public mutating func step<P: Parameterized>(_ parameters: inout P, gradients: P) {
    let table = Self.gradientTable(gradients)
    parameters.visitParameters { name, m in
      let g = Self.gradient(table, name, like: m, weightDecay: weightDecay)
      var acc = accumulated.removeValue(forKey: name) ?? Matrix.zeros(like: m)
      for k in 0..<m.count {
        acc.storage[k] += g.storage[k] * g.storage[k]
        m.storage[k] -= learningRate * g.storage[k] / (acc.storage[k].squareRoot() + epsilon)
      }
      accumulated[name] = acc
    }
  }
}

/// Adam: bias-corrected running averages of the gradient and its square,
/// `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`,
/// `θ ← θ - η m̂ / (sqrt(v̂) + ε)` with `m̂ = m/(1-β₁ᵗ)`, `v̂ = v/(1-β₂ᵗ)`.
public struct Adam: Optimizer {
  public var learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  /// `λ` of the L2 penalty on weight blocks (see ``Optimizer``), added to the gradient before
  /// the moments (the classic coupled form, not AdamW's decoupled one); 0 for none.
  public var weightDecay: Double
  /// Number of steps taken so far.
  public private(set) var t = 0
  private var first: [String: Matrix] = [:]
  private var second: [String: Matrix] = [:]

  public init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public mutating func step<P: Parameterized>(_ parameters: inout P, gradients: P) {
    let table = Self.gradientTable(gradients)
    t += 1
    let c1 = 1 - pow(beta1, Double(t))
    let c2 = 1 - pow(beta2, Double(t))
    parameters.visitParameters { name, p in
      let g = Self.gradient(table, name, like: p, weightDecay: weightDecay)
      // The moments leave their tables while they change, so they are updated in place
      // (a copy still held by the table would make every write copy the whole block).
      var m = first.removeValue(forKey: name) ?? Matrix.zeros(like: p)
      var v = second.removeValue(forKey: name) ?? Matrix.zeros(like: p)
      let (beta1, beta2, rate, epsilon) = (self.beta1, self.beta2, learningRate, self.epsilon)
      let count = p.count
      // A plain loop over raw buffers. (Eight-lane vectors bought nothing here: the compiler
      // turns `SIMD8.squareRoot()` into eight scalar square roots, each lane stored and
      // reloaded around its own.)
      g.storage.withUnsafeBufferPointer { g in
        m.storage.withUnsafeMutableBufferPointer { m in
          v.storage.withUnsafeMutableBufferPointer { v in
            p.storage.withUnsafeMutableBufferPointer { p in
              guard let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress,
                let p = p.baseAddress
              else { return }  // an empty block
              for k in 0..<count {
                let gk = g[k]
                let mk = beta1 * m[k] + (1 - beta1) * gk
                let vk = beta2 * v[k] + (1 - beta2) * gk * gk
                m[k] = mk
                v[k] = vk
                p[k] -= rate * (mk / c1) / ((vk / c2).squareRoot() + epsilon)
              }
            }
          }
        }
      }
      first[name] = m
      second[name] = v
    }
  }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
  var result = 1.0
  var e = Int(exponent)
  var b = base
  while e > 0 {
    if e & 1 == 1 { result *= b }
    b *= b
    e >>= 1
  }
  return result
}
