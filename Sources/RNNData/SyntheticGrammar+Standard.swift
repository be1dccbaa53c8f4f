import Foundation

extension SyntheticGrammar {
  /// The kit's standard source: simple English-like sentences over about 450 words.
  ///
  /// A sentence is a subject noun phrase, any number of prepositional phrases, and one of
  /// three predicates:
  ///
  ///     the old dog near our gardens chases a red ball today
  ///     these sailors behind the tall bridge laugh
  ///     my robot is rusty
  ///
  /// Two things travel further than an n-gram model can see:
  /// - **number agreement**: the verb agrees with the subject noun (`dog … chases`,
  ///   `dogs … chase`) even after prepositional phrases whose own nouns may differ in number;
  /// - **topic**: each subject noun belongs to one of four topics (animals, people, machines,
  ///   nature), which selects the verbs, objects and predicate adjectives of the sentence.
  ///
  /// Within each word list, probabilities follow a Zipf law (the k-th word has weight `1/k`),
  /// so the corpus has frequent and rare words, as real text does.
  public static let standard = makeStandard()

  private static func makeStandard() -> SyntheticGrammar {
    var g = GrammarBuilder()
    let numbers = ["sg", "pl"]

    // States, named for debugging. Subject and PP states remember the subject's number and
    // topic; object states remember the topic.
    let start = g.state("start")
    var subjectDet: [String: Int] = [:]  // after the subject's determiner: sg, pl or open
    for n in ["sg", "pl", "open"] { subjectDet[n] = g.state("subject.det.\(n)") }
    var done: [String: Int] = [:]  // after the subject noun (or a PP noun): number.topic
    var afterPrep: [String: Int] = [:]
    var afterPPDet: [String: Int] = [:]
    for n in numbers {
      for t in topics.indices {
        let key = "\(n).\(t)"
        done[key] = g.state("subject.done.\(key)")
        afterPrep[key] = g.state("pp.prep.\(key)")
        afterPPDet[key] = g.state("pp.det.\(key)")
      }
    }
    var objectStart: [Int] = []
    var objectDet: [String: Int] = [:]
    var predicate: [Int] = []
    for t in topics.indices {
      objectStart.append(g.state("object.start.\(t)"))
      predicate.append(g.state("predicate.\(t)"))
      for n in ["sg", "pl", "open"] { objectDet["\(n).\(t)"] = g.state("object.det.\(n).\(t)") }
    }
    let tail = g.state("tail")  // optional adverb, then the end
    let final = g.state("final")  // only the end

    // Determiners pick the number (or leave it open for the noun).
    func determiners(from state: Int, to targets: [String: Int]) {
      g.add(from: state, words: singularDeterminers, probability: 0.35, to: targets["sg"])
      g.add(from: state, words: pluralDeterminers, probability: 0.25, to: targets["pl"])
      g.add(from: state, words: openDeterminers, probability: 0.40, to: targets["open"])
    }
    determiners(from: start, to: subjectDet)

    // Subject: adjectives, then a noun that fixes number (if still open) and topic.
    // In a fixed order (not the dictionary's), so word ids are the same in every process.
    for n in ["sg", "pl", "open"] {
      guard let state = subjectDet[n] else { continue }
      g.add(from: state, words: adjectives, probability: 0.3, to: state)
      let choices: [(String, Double)] =
        n == "open" ? [("sg", 0.6), ("pl", 0.4)] : [(n, 1.0)]
      for (number, p) in choices {
        for (t, topic) in topics.enumerated() {
          let nouns = number == "sg" ? topic.subjects.map(\.0) : topic.subjects.map(\.1)
          g.add(
            from: state, words: nouns, probability: 0.7 * p * topicPrior[t],
            to: done["\(number).\(t)"])
        }
      }
    }

    for n in numbers {
      for (t, topic) in topics.enumerated() {
        let key = "\(n).\(t)"
        guard let here = done[key], let prep = afterPrep[key], let ppDet = afterPPDet[key] else {
          preconditionFailure("SyntheticGrammar.standard: missing state \(key)")
        }
        let singular = n == "sg"
        // A prepositional phrase keeps the subject's number and topic in the state.
        g.add(from: here, words: prepositions, probability: 0.3, to: prep)
        g.add(from: prep, words: openDeterminers, probability: 1, to: ppDet)
        g.add(from: ppDet, words: adjectives, probability: 0.25, to: ppDet)
        g.add(from: ppDet, words: places.map(\.0), probability: 0.45, to: here)
        g.add(from: ppDet, words: places.map(\.1), probability: 0.30, to: here)
        // The verb agrees with the subject and comes from the subject's topic.
        g.add(
          from: here, words: topic.transitive.map { singular ? $0.0 : $0.1 },
          probability: 0.4, to: objectStart[t])
        g.add(
          from: here, words: topic.intransitive.map { singular ? $0.0 : $0.1 },
          probability: 0.2, to: tail)
        g.add(from: here, words: [singular ? "is" : "are"], probability: 0.1, to: predicate[t])
      }
    }

    for (t, topic) in topics.enumerated() {
      var targets: [String: Int] = [:]
      for n in ["sg", "pl", "open"] { targets[n] = objectDet["\(n).\(t)"] }
      determiners(from: objectStart[t], to: targets)
      for n in ["sg", "pl", "open"] {
        guard let state = objectDet["\(n).\(t)"] else { continue }
        g.add(from: state, words: adjectives, probability: 0.25, to: state)
        let choices: [(Bool, Double)] =
          n == "open" ? [(true, 0.6), (false, 0.4)] : [(n == "sg", 1.0)]
        for (singular, p) in choices {
          // Objects mostly come from the subject's topic, sometimes from another one.
          for (u, other) in topics.enumerated() {
            let share = u == t ? 0.85 : 0.05
            g.add(
              from: state, words: other.objects.map { singular ? $0.0 : $0.1 },
              probability: 0.75 * p * share, to: tail)
          }
        }
      }
      g.add(from: predicate[t], words: topic.predicates, probability: 1, to: final)
    }

    g.add(from: tail, words: adverbs, probability: 0.3, to: final)
    g.addEnd(from: tail, probability: 0.7)
    g.addEnd(from: final, probability: 1)
    return g.build(start: start)
  }

  // MARK: - Word lists (singular, plural)

  struct Topic {
    var subjects: [(String, String)]
    var transitive: [(String, String)]
    var intransitive: [(String, String)]
    var objects: [(String, String)]
    var predicates: [String]
  }

  static let topicPrior = [0.3, 0.3, 0.2, 0.2]

  static let singularDeterminers = ["a", "this", "that", "every", "one"]
  static let pluralDeterminers = ["some", "these", "two", "those", "many", "three", "few"]
  static let openDeterminers = ["the", "my", "our", "their", "his", "her", "your"]
  static let prepositions = ["near", "with", "behind", "under", "beside", "from", "by", "inside"]
  static let adverbs = [
    "today", "again", "slowly", "quickly", "now", "often", "loudly", "quietly", "later", "here",
    "there", "together",
  ]
  static let adjectives = [
    "big", "small", "old", "little", "young", "happy", "brown", "black", "white", "red", "tall",
    "quiet", "green", "sad", "lazy", "busy", "calm", "brave", "tiny", "clever", "gentle",
    "friendly", "noisy", "strange", "famous", "proud", "silly", "heavy", "bright", "dark",
  ]
  static let places: [(String, String)] = [
    ("house", "houses"), ("garden", "gardens"), ("river", "rivers"), ("hill", "hills"),
    ("bridge", "bridges"), ("road", "roads"), ("forest", "forests"), ("market", "markets"),
    ("tower", "towers"), ("lake", "lakes"), ("wall", "walls"), ("door", "doors"),
    ("window", "windows"), ("barn", "barns"), ("field", "fields"), ("gate", "gates"),
  ]

  static let topics: [Topic] = [
    Topic(
      subjects: [
        ("dog", "dogs"), ("cat", "cats"), ("horse", "horses"), ("bird", "birds"),
        ("fox", "foxes"), ("rabbit", "rabbits"), ("cow", "cows"), ("goat", "goats"),
        ("wolf", "wolves"), ("bear", "bears"), ("duck", "ducks"), ("frog", "frogs"),
        ("pig", "pigs"), ("mouse", "mice"),
      ],
      transitive: [
        ("chases", "chase"), ("watches", "watch"), ("follows", "follow"), ("bites", "bite"),
        ("hunts", "hunt"), ("smells", "smell"), ("finds", "find"), ("catches", "catch"),
      ],
      intransitive: [
        ("sleeps", "sleep"), ("runs", "run"), ("jumps", "jump"), ("hides", "hide"),
        ("swims", "swim"), ("growls", "growl"),
      ],
      objects: [
        ("bone", "bones"), ("ball", "balls"), ("nest", "nests"), ("stick", "sticks"),
        ("worm", "worms"), ("seed", "seeds"), ("carrot", "carrots"), ("fly", "flies"),
        ("bug", "bugs"), ("leaf", "leaves"),
      ],
      predicates: ["hungry", "sleepy", "fast", "furry", "wild", "playful", "lazy", "noisy"]),
    Topic(
      subjects: [
        ("teacher", "teachers"), ("student", "students"), ("farmer", "farmers"),
        ("doctor", "doctors"), ("child", "children"), ("baker", "bakers"), ("king", "kings"),
        ("queen", "queens"), ("sailor", "sailors"), ("driver", "drivers"),
        ("singer", "singers"), ("painter", "painters"), ("nurse", "nurses"),
        ("pilot", "pilots"),
      ],
      transitive: [
        ("helps", "help"), ("visits", "visit"), ("meets", "meet"), ("calls", "call"),
        ("teaches", "teach"), ("thanks", "thank"), ("trusts", "trust"), ("paints", "paint"),
      ],
      intransitive: [
        ("smiles", "smile"), ("laughs", "laugh"), ("sings", "sing"), ("works", "work"),
        ("travels", "travel"), ("dances", "dance"),
      ],
      objects: [
        ("letter", "letters"), ("book", "books"), ("song", "songs"), ("picture", "pictures"),
        ("story", "stories"), ("gift", "gifts"), ("map", "maps"), ("coin", "coins"),
        ("cake", "cakes"), ("hat", "hats"),
      ],
      predicates: ["tired", "happy", "busy", "kind", "patient", "clever", "polite", "famous"]),
    Topic(
      subjects: [
        ("car", "cars"), ("bus", "buses"), ("train", "trains"), ("truck", "trucks"),
        ("boat", "boats"), ("bike", "bikes"), ("ship", "ships"), ("plane", "planes"),
        ("tram", "trams"), ("taxi", "taxis"), ("van", "vans"), ("robot", "robots"),
        ("wagon", "wagons"), ("tractor", "tractors"),
      ],
      transitive: [
        ("carries", "carry"), ("pulls", "pull"), ("pushes", "push"), ("passes", "pass"),
        ("hits", "hit"), ("blocks", "block"), ("reaches", "reach"), ("tows", "tow"),
      ],
      intransitive: [
        ("stops", "stop"), ("moves", "move"), ("turns", "turn"), ("rattles", "rattle"),
        ("beeps", "beep"), ("crashes", "crash"),
      ],
      objects: [
        ("box", "boxes"), ("crate", "crates"), ("load", "loads"), ("sign", "signs"),
        ("post", "posts"), ("barrel", "barrels"), ("pole", "poles"), ("cone", "cones"),
        ("bag", "bags"), ("rock", "rocks"),
      ],
      predicates: ["broken", "fast", "new", "noisy", "rusty", "shiny", "heavy", "slow"]),
    Topic(
      subjects: [
        ("storm", "storms"), ("cloud", "clouds"), ("wind", "winds"), ("wave", "waves"),
        ("flower", "flowers"), ("tree", "trees"), ("plant", "plants"), ("bush", "bushes"),
        ("vine", "vines"), ("rose", "roses"), ("daisy", "daisies"), ("tulip", "tulips"),
        ("weed", "weeds"), ("stream", "streams"),
      ],
      transitive: [
        ("covers", "cover"), ("touches", "touch"), ("shades", "shade"), ("bends", "bend"),
        ("feeds", "feed"), ("shakes", "shake"), ("fills", "fill"), ("floods", "flood"),
      ],
      intransitive: [
        ("grows", "grow"), ("blooms", "bloom"), ("sways", "sway"), ("fades", "fade"),
        ("falls", "fall"), ("rises", "rise"),
      ],
      objects: [
        ("roof", "roofs"), ("stone", "stones"), ("path", "paths"), ("valley", "valleys"),
        ("meadow", "meadows"), ("hedge", "hedges"), ("pond", "ponds"), ("cliff", "cliffs"),
        ("shore", "shores"), ("slope", "slopes"),
      ],
      predicates: ["green", "tall", "wet", "dark", "cold", "bright", "gentle", "strong"]),
  ]
}

/// Assembles a ``SyntheticGrammar`` from word lists with Zipf weights.
struct GrammarBuilder {
  var words: [String] = []
  var wordIndex: [String: Int] = [:]
  var stateNames: [String] = []
  /// Per state: word index (or -1 for the end) -> (probability, target).
  var pending: [[Int: (probability: Double, target: Int?)]] = []
  var order: [[Int]] = []

  mutating func state(_ name: String) -> Int {
    stateNames.append(name)
    pending.append([:])
    order.append([])
    return stateNames.count - 1
  }

  mutating func wordID(_ word: String) -> Int {
    if let id = wordIndex[word] { return id }
    words.append(word)
    wordIndex[word] = words.count - 1
    return words.count - 1
  }

  /// Spreads `probability` over `list` with weights `1/k` and adds the arcs. The same word may
  /// be added twice from one state only with the same target (the probabilities add up).
  mutating func add(from state: Int, words list: [String], probability: Double, to target: Int?) {
    let weights = list.indices.map { 1 / Double($0 + 1) }
    let total = weights.reduce(0, +)
    for (word, weight) in zip(list, weights) {
      insert(state, wordID(word), probability * weight / total, target)
    }
  }

  mutating func addEnd(from state: Int, probability: Double) {
    insert(state, -1, probability, nil)
  }

  private mutating func insert(_ state: Int, _ word: Int, _ p: Double, _ target: Int?) {
    if let existing = pending[state][word] {
      precondition(
        existing.target == target,
        "SyntheticGrammar: word \(word) leaves \(stateNames[state]) for two different states")
      pending[state][word] = (existing.probability + p, target)
    } else {
      pending[state][word] = (p, target)
      order[state].append(word)
    }
  }

  func build(start: Int) -> SyntheticGrammar {
    let arcs = pending.indices.map { s in
      order[s].map { w -> SyntheticGrammar.Arc in
        let entry = pending[s][w] ?? (0, nil)
        return .init(word: w < 0 ? nil : w, probability: entry.probability, target: entry.target)
      }
    }
    return SyntheticGrammar(words: words, stateNames: stateNames, arcs: arcs, start: start)
  }
}
