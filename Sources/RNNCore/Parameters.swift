/// A value that owns named parameter blocks, so optimizers and gradient checks can visit
/// them all without knowing the model.
///
/// A model's gradient is usually a value of the same type (its blocks hold `dLoss/dBlock`), so
/// the same visitor pairs each parameter with its gradient by name.
///
///     struct Affine: Parameterized {
///       var weight: Matrix  // out x in
///       var bias: Matrix    // 1 x out
///       mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
///         try body("weight", &weight)
///         try body("bias", &bias)
///       }
///     }
public protocol Parameterized {
  /// Calls `body` once per parameter block, in a fixed order, with a unique name.
  /// Containers of other containers prefix their children's names (`"encoder.weight"`).
  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows
}

extension Parameterized {
  /// The blocks as `(name, value)` pairs, in visiting order.
  public var namedParameters: [(name: String, value: Matrix)] {
    var copy = self
    var out: [(name: String, value: Matrix)] = []
    copy.visitParameters { name, m in out.append((name, m)) }
    return out
  }

  /// Total number of scalar parameters.
  public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.value.count } }

  /// The global L2 norm over all blocks: `sqrt(Σ_blocks Σ_elements g²)`.
  public var globalNorm: Double {
    namedParameters.reduce(0) { $0 + $1.value.squaredNorm() }.squareRoot()
  }

  /// A copy with every block replaced by zeros of the same shape (an empty gradient).
  public func zerosLike() -> Self {
    var copy = self
    copy.visitParameters { _, m in m = Matrix.zeros(like: m) }
    return copy
  }

  /// Adds `other`'s blocks to these, matched by name (accumulating gradients).
  public mutating func accumulate(_ other: Self, scaledBy alpha: Double = 1) {
    let blocks = other.namedParameters
    // Both values visit their blocks in the same order, so the k-th block here is usually the
    // k-th there; match by name only when it is not (a type whose blocks vary by value).
    var index = 0
    var byName: [String: Matrix]?
    visitParameters { name, m in
      if index < blocks.count && blocks[index].name == name {
        m.add(blocks[index].value, scaledBy: alpha)
      } else {
        if byName == nil {
          byName = Dictionary(blocks.map { ($0.name, $0.value) }) { a, _ in a }
        }
        if let g = byName?[name] { m.add(g, scaledBy: alpha) }
      }
      index += 1
    }
  }
}

/// An ordered set of named blocks, for models built ad hoc (tests, experiments).
public struct ParameterStore: Parameterized, Equatable, Sendable {
  public private(set) var names: [String] = []
  private var blocks: [String: Matrix] = [:]

  public init() {}

  /// Creates a store from `(name, value)` pairs in order.
  public init(_ pairs: [(String, Matrix)]) {
    for (name, value) in pairs { self[name] = value }
  }

  /// The block named `name`; assigning a new name appends it.
  public subscript(name: String) -> Matrix {
    get {
      guard let m = blocks[name] else {
        preconditionFailed("ParameterStore: no block named \"\(name)\"; have \(names)")
      }
      return m
    }
    set {
      if blocks[name] == nil { names.append(name) }
      blocks[name] = newValue
    }
  }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    for name in names {
      guard var m = blocks[name] else { continue }
      blocks[name] = nil  // keep the block uniquely referenced while `body` mutates it
      try body(name, &m)
      blocks[name] = m
    }
  }
}
