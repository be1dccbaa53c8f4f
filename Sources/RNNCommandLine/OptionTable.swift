/// A command's options declared once, as a table: each entry has its names, the kind of value
/// it takes (with its check), its help lines, and what it does to the command's options value.
/// Parsing and the option part of `--help` both come from the table, so they cannot disagree.
///
///     struct Options { var hidden = 128; var words = false }
///     let table = OptionTable<Options>(sections: [
///       .init("model", [
///         .integer("--hidden", "N", atLeast: 1, help: "hidden units (default 128)") {
///           $0.hidden = $1
///         },
///         .flag("--words", help: "word level") { $0.words = true },
///       ])
///     ])
///     var options = Options()
///     let wantsHelp = try table.parse(["--hidden=64"], into: &options)
///
/// Every option accepts `--name value` and `--name=value`; `--help` and `-h` are understood by
/// every table (``OptionTable/parse(_:into:)`` returns `false` for them).
public struct OptionTable<Options>: Sendable {
  /// The options under one heading of the help text.
  public struct Section: Sendable {
    /// The heading (`"input"`, `"model"`, ...), printed as `input:`.
    public var title: String
    /// The options, in help order.
    public var options: [CommandOption<Options>]

    public init(_ title: String, _ options: [CommandOption<Options>]) {
      self.title = title
      self.options = options
    }
  }

  /// The sections, in help order.
  public var sections: [Section]
  /// The width of the `--name VALUE` column in the help text (the help starts after it).
  public var nameColumn: Int

  public init(sections: [Section], nameColumn: Int = 21) {
    self.sections = sections
    self.nameColumn = nameColumn
  }

  /// Every option of every section.
  public var options: [CommandOption<Options>] { sections.flatMap(\.options) }

  /// Applies `arguments` to `options` in order. Returns `false` when `--help` (or `-h`) was
  /// given, at the point it was met; `true` otherwise.
  ///
  /// - Throws: ``UsageError`` for an unknown option, a missing or invalid value, or a value
  ///   given to a flag; its message names the option.
  public func parse(
    _ arguments: [String], into options: inout Options
  ) throws
    -> Bool
  {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--help" || argument == "-h" { return false }
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      let name = argument.hasPrefix("--") ? parts[0] : argument
      let inline = argument.hasPrefix("--") && parts.count == 2 ? parts[1] : nil
      guard let option = self.options.first(where: { $0.names.contains(name) }) else {
        throw UsageError("unknown argument '\(name)'")
      }
      var value: String?
      if option.valueName == nil {
        if let inline { throw UsageError("\(name) takes no value (got '\(inline)')") }
      } else if let inline {
        value = inline
      } else {
        guard index < arguments.count else { throw UsageError("\(name) needs a value") }
        value = arguments[index]
        index += 1
      }
      try option.apply(&options, value ?? "", name)
    }
    return true
  }

  /// The option part of the help text: each section's title and its options, one block per
  /// section separated by blank lines, the options indented by two spaces, with help
  /// continuation lines under the help column.
  public var help: String {
    sections.map { section in
      (["\(section.title):"] + section.options.flatMap { helpLines(for: $0) })
        .joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  private func helpLines(for option: CommandOption<Options>) -> [String] {
    var label = option.names.joined(separator: ", ")
    if let valueName = option.valueName { label += " " + valueName }
    let indent = String(repeating: " ", count: 2 + nameColumn)
    var lines: [String] = []
    var rest = option.help
    if label.count < nameColumn, let first = rest.first {
      let padding = String(repeating: " ", count: nameColumn - label.count)
      lines.append("  " + label + padding + first)
      rest.removeFirst()
    } else {
      lines.append("  " + label)
    }
    lines += rest.map { indent + $0 }
    return lines
  }
}

/// A usage mistake on the command line; the message names the option.
public struct UsageError: Error, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// One entry of an ``OptionTable``.
public struct CommandOption<Options>: Sendable {
  /// The spellings, such as `["--hidden"]`.
  public var names: [String]
  /// The placeholder of the value in the help text (`"N"`, `"FILE"`), or `nil` for a flag.
  public var valueName: String?
  /// The help text, one string per line (wrapped by hand, so the help reads well).
  public var help: [String]
  /// Checks the value and stores it: `(options, value, the name as given)`. A flag's value
  /// is the empty string.
  public var apply: @Sendable (inout Options, String, String) throws -> Void

  public init(
    names: [String], valueName: String?, help: [String],
    apply: @escaping @Sendable (inout Options, String, String) throws -> Void
  ) {
    self.names = names
    self.valueName = valueName
    self.help = help
    self.apply = apply
  }

  /// `--help`, listed in the help text; ``OptionTable/parse(_:into:)`` handles it itself.
  public static var helpFlag: Self {
    Self(names: ["--help"], valueName: nil, help: ["show this text"]) { _, _, _ in }
  }

  /// A flag: no value.
  public static func flag(
    _ name: String, help: String..., set: @escaping @Sendable (inout Options) -> Void
  ) -> Self {
    Self(names: [name], valueName: nil, help: help) { options, _, _ in set(&options) }
  }

  /// Any text (a file name, a prompt).
  public static func text(
    _ name: String, _ valueName: String, help: String...,
    set: @escaping @Sendable (inout Options, String) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, _ in
      set(&options, value)
    }
  }

  /// A whole number of at least `minimum`.
  public static func integer(
    _ name: String, _ valueName: String, atLeast minimum: Int, help: String...,
    set: @escaping @Sendable (inout Options, Int) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, given in
      guard let n = Int(value), n >= minimum else {
        throw UsageError("\(given) needs a whole number of at least \(minimum), got '\(value)'")
      }
      set(&options, n)
    }
  }

  /// A finite number `> 0`.
  public static func positive(
    _ name: String, _ valueName: String, help: String...,
    set: @escaping @Sendable (inout Options, Double) -> Void
  ) -> Self {
    var option = number(
      name, valueName, requirement: "a positive number", where: { $0 > 0 && $0.isFinite },
      set: set)
    option.help = help
    return option
  }

  /// A number accepted by `isValid`; `requirement` completes "needs ..." in the error
  /// (such as `"a number in [0, 1)"`).
  public static func number(
    _ name: String, _ valueName: String, requirement: String,
    where isValid: @escaping @Sendable (Double) -> Bool, help: String...,
    set: @escaping @Sendable (inout Options, Double) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, given in
      guard let x = Double(value), isValid(x) else {
        throw UsageError("\(given) needs \(requirement), got '\(value)'")
      }
      set(&options, x)
    }
  }

  /// A random seed: a non-negative whole number that fits 64 bits.
  public static func seed(
    _ name: String, _ valueName: String, help: String...,
    set: @escaping @Sendable (inout Options, UInt64) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, given in
      guard let seed = UInt64(value) else {
        throw UsageError("\(given) needs a non-negative whole number, got '\(value)'")
      }
      set(&options, seed)
    }
  }

  /// A comma-separated list of words from a fixed set, such as `kn5,ffnn,lstm`: at least one,
  /// each at most once, kept in the order given.
  public static func list(
    _ name: String, _ valueName: String, _ choices: [String], help: String...,
    set: @escaping @Sendable (inout Options, [String]) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, given in
      let items = value.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
      }
      let known = choices.joined(separator: ", ")
      guard items.contains(where: { !$0.isEmpty }) else {
        throw UsageError("\(given) needs a comma-separated list of \(known); got '\(value)'")
      }
      var seen: [String] = []
      for item in items {
        guard choices.contains(item) else {
          throw UsageError("\(given): unknown '\(item)'; choose from \(known)")
        }
        guard !seen.contains(item) else { throw UsageError("\(given) lists '\(item)' twice") }
        seen.append(item)
      }
      set(&options, seen)
    }
  }

  /// One of a fixed set of words, such as an optimizer's name.
  public static func choice(
    _ name: String, _ valueName: String, _ choices: [String], help: String...,
    set: @escaping @Sendable (inout Options, String) -> Void
  ) -> Self {
    Self(names: [name], valueName: valueName, help: help) { options, value, given in
      guard choices.contains(value) else {
        throw UsageError(
          "\(given) must be one of \(choices.joined(separator: ", ")); got '\(value)'")
      }
      set(&options, value)
    }
  }
}
