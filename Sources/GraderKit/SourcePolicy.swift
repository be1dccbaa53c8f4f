import Foundation

/// Rules exercise code must follow to be built at all. A unit that breaks one is graded with
/// the stubs, and the reason goes into the feedback.
///
/// - Every file is valid UTF-8 (a file the grader cannot read exactly is a file it cannot check).
/// - No attribute that reaches around the language: `@_silgen_name`, `@_cdecl`, `@_section`,
///   `@_used`, `@_dynamicReplacement`; no `dlopen`/`dlsym`. They are searched for after comments
///   are removed, so `@/**/_cdecl`-style spellings are seen as the compiler sees them.
/// - No import of XCTest, Swift Testing or the kit's test support, read from the compiler's own
///   dependency records after the build (``importViolations(unit:buildFolder:)``), with a
///   textual pre-check on comment-free source.
public enum SourcePolicy {
  /// Modules exercise code may not import.
  static let forbiddenModules = [
    "XCTest", "Testing", "CourseTestSupport", "_Testing_Foundation", "XCTestCore",
  ]

  static let forbiddenPatterns: [(what: String, pattern: String)] = [
    ("@_silgen_name", #"@\s*_silgen_name\b"#),
    ("@_cdecl", #"@\s*_cdecl\b"#),
    ("@_section", #"@\s*_section\b"#),
    ("@_used", #"@\s*_used\b"#),
    ("@_dynamicReplacement", #"@\s*_dynamicReplacement\b"#),
    ("dlopen", #"\bdlopen\b"#),
    ("dlsym", #"\bdlsym\b"#),
    (
      "an import of a test module",
      #"\bimport\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(?:XCTest|Testing|CourseTestSupport|_Testing_Foundation|XCTestCore)\b"#
    ),
  ]

  /// The first rule a unit's files break, as a message naming the file and line; `nil` if none.
  public static func violation(files: [(path: String, data: Data)]) -> String? {
    for (path, data) in files {
      guard let text = String(validating: data, as: UTF8.self) else {
        return "\(path): not valid UTF-8; save the file as UTF-8"
      }
      let code = strippingComments(text)
      for (what, pattern) in forbiddenPatterns {
        guard let range = code.range(of: pattern, options: .regularExpression) else { continue }
        let line = code[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        return "\(path):\(line): exercise code may not use \(what)"
      }
    }
    return nil
  }

  /// Modules from ``forbiddenModules`` that the compiler recorded as dependencies of module
  /// `unit`'s files (its `.d` files in `buildFolder`, such as `.build/debug/Unit00.build`).
  public static func importViolations(buildFolder: URL) -> [String] {
    let fm = FileManager.default
    guard let files = try? fm.contentsOfDirectory(atPath: buildFolder.path) else { return [] }
    var found = Set<String>()
    for file in files where file.hasSuffix(".d") {
      guard let data = fm.contents(atPath: buildFolder.appendingPathComponent(file).path) else {
        continue
      }
      let text = String(decoding: data, as: UTF8.self)
      for module in forbiddenModules where text.contains("/\(module).swiftmodule") {
        found.insert(module)
      }
    }
    return found.sorted()
  }

  /// Symbols that module `module`'s objects in `buildFolder` define but a Swift module of
  /// exercise code never defines by itself: a strong symbol outside the module's own mangled
  /// namespace, or any symbol with a plain C name. They are what `@_silgen_name`, `@_cdecl` or a
  /// second `main` leave behind, however the source spelled them (`nm` must be on `PATH`).
  public static func symbolViolations(buildFolder: URL, module: String) -> [String] {
    guard let nm = ProcessRunner.which("nm"),
      let files = try? FileManager.default.contentsOfDirectory(atPath: buildFolder.path)
    else { return [] }
    let own = "\(module.count)\(module)"
    // Names the compiler itself emits (a closure that captures a generic context, for example,
    // gets a weak `generic environment ...` record).
    let compilerPrefixes = [
      "$s", "__swift_", "symbolic ", "associated ", "generic environment ", "got.", "_swift_",
    ]
    var found: [String] = []
    for file in files.sorted() where file.hasSuffix(".o") {
      let path = buildFolder.appendingPathComponent(file).path
      guard let result = try? ProcessRunner.run(nm, ["-g", "--defined-only", path], timeout: 60),
        result.succeeded
      else { continue }
      for line in result.output.split(separator: "\n") {
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count == 3 else { continue }
        let type = fields[1]
        var name = String(fields[2])
        #if os(macOS)
          if name.hasPrefix("_") { name.removeFirst() }
        #endif
        let weak = type == "W" || type == "V" || type == "w" || type == "v"
        let fromCompiler = compilerPrefixes.contains { name.hasPrefix($0) }
        let inOwnNamespace = name.contains(own) || name.hasPrefix("__swift_")
        if !fromCompiler || (!weak && !inOwnNamespace) {
          if !found.contains(name) { found.append(name) }
        }
      }
    }
    return found
  }

  /// The source with every comment replaced by spaces (newlines kept, so line numbers hold).
  /// String literals (plain, raw `#"…"#` and multi-line) are kept and skipped over, including
  /// the code inside their interpolations, and block comments nest, as in Swift.
  public static func strippingComments(_ text: String) -> String {
    var lexer = CommentStripper(Array(text.unicodeScalars))
    lexer.code(insideInterpolation: false)
    return String(lexer.out)
  }
}

/// A small lexer that knows just enough Swift to tell comments from strings.
struct CommentStripper {
  let chars: [Unicode.Scalar]
  var i = 0
  var out = String.UnicodeScalarView()

  init(_ chars: [Unicode.Scalar]) { self.chars = chars }

  func at(_ k: Int) -> Unicode.Scalar? { k < chars.count ? chars[k] : nil }

  mutating func take(_ count: Int = 1) {
    for _ in 0..<count where i < chars.count {
      out.append(chars[i])
      i += 1
    }
  }

  mutating func blank(_ count: Int = 1) {
    for _ in 0..<count where i < chars.count {
      out.append(chars[i] == "\n" ? "\n" : " ")
      i += 1
    }
  }

  /// Code, up to the `)` that closes an interpolation when `insideInterpolation`.
  mutating func code(insideInterpolation: Bool) {
    var depth = 0
    while i < chars.count {
      let c = chars[i]
      if c == "/" && at(i + 1) == "/" {
        while i < chars.count && chars[i] != "\n" { blank() }
      } else if c == "/" && at(i + 1) == "*" {
        var nesting = 0
        repeat {
          if chars[i] == "/" && at(i + 1) == "*" {
            nesting += 1
            blank(2)
          } else if chars[i] == "*" && at(i + 1) == "/" {
            nesting -= 1
            blank(2)
          } else {
            blank()
          }
        } while i < chars.count && nesting > 0
      } else if c == "\"" || (c == "#" && startsRawString()) {
        string()
      } else {
        if insideInterpolation && c == "(" { depth += 1 }
        if insideInterpolation && c == ")" {
          if depth == 0 {
            take()
            return
          }
          depth -= 1
        }
        take()
      }
    }
  }

  func startsRawString() -> Bool {
    var k = i
    while at(k) == "#" { k += 1 }
    return at(k) == "\""
  }

  /// A string literal starting at `i`, with its interpolations.
  mutating func string() {
    var hashes = 0
    while at(i + hashes) == "#" { hashes += 1 }
    let quote = at(i + hashes + 1) == "\"" && at(i + hashes + 2) == "\"" ? 3 : 1
    take(hashes + quote)
    while i < chars.count {
      let c = chars[i]
      if c == "\\" && (0..<hashes).allSatisfy({ at(i + 1 + $0) == "#" }) {
        take(1 + hashes)
        if at(i) == "(" {
          take()
          code(insideInterpolation: true)
        } else {
          take()
        }
        continue
      }
      if c == "\"" && (0..<quote).allSatisfy({ at(i + $0) == "\"" })
        && (0..<hashes).allSatisfy({ at(i + quote + $0) == "#" })
      {
        take(quote + hashes)
        return
      }
      if c == "\n" && quote == 1 { return }
      take()
    }
  }
}
