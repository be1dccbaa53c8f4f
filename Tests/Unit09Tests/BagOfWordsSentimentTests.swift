import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNCore.Adam
import enum RNNData.SyntheticSentiment
import struct Unit09.BagOfWordsClassifier

/// An integration test of exercise 09.4 on the kit's synthetic sentiment task: logistic
/// regression on word counts, trained full-batch with Adam on 2,000 training sentences (seed
/// 9), evaluated on 800 test sentences that training never sees.
///
/// What it shows is the point of the unit: counts are enough when the sentiment words decide
/// (`plain`, `long`), and useless when their roles do (`negated`, `contrast`), because each such
/// sentence has the same bag of words as one with the opposite label. The reference reaches
/// 1.00 on `plain` and `long`, 0.575 on `negated` and 0.49 on `contrast` (200 test sentences
/// of each kind, so a coin lands within 0.50 ± 0.07 at two standard deviations). The
/// thresholds keep a margin: at least 0.9 on `plain` and `long`, between 0.3 and 0.7 on the
/// other two. A bag of words far outside that band on `negated` or `contrast` has read
/// something other than counts.
final class BagOfWordsSentimentTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.4", "BagOfWordsClassifier.lossAndGradients", section: 4)

  func testCountsSolvePlainSentencesButNotNegationOrContrast() throws {
    try exercise {
      let data = SyntheticSentiment.splits(train: 2000, valid: 0, test: 800, seed: 9)
      var ids: [String: Int] = ["<unk>": 0]
      for example in data.train {
        for word in example.sentence.text.split(separator: " ") where ids[String(word)] == nil {
          ids[String(word)] = ids.count
        }
      }
      func encode(_ text: String) -> [Int] {
        text.split(separator: " ").map { ids[String($0)] ?? 0 }
      }
      func label(_ example: SyntheticSentiment.Example) -> Int {
        example.sentence.label == "positive" ? 1 : 0
      }
      let sentences = data.train.map { encode($0.sentence.text) }
      let labels = data.train.map(label)
      var model = BagOfWordsClassifier(vocabularySize: ids.count, classCount: 2)
      var optimizer = Adam(learningRate: 0.1)
      for _ in 0..<100 {
        let step = model.lossAndGradients(sentences, labels: labels)
        optimizer.step(&model, gradients: step.gradients)
      }
      let predictions = model.predict(data.test.map { encode($0.sentence.text) })
      for kind in SyntheticSentiment.Kind.allCases {
        let indices = data.test.indices.filter { data.test[$0].kind == kind }
        let correct = indices.filter { predictions[$0] == label(data.test[$0]) }.count
        let accuracy = Double(correct) / Double(max(indices.count, 1))
        switch kind {
        case .plain, .long:
          assertGreaterOrEqual(
            accuracy, 0.9,
            "test accuracy of the bag of words on \(kind) sentences. "
              + self.hint)
        case .negated, .contrast:
          assertGreaterOrEqual(
            accuracy, 0.3, "test accuracy of the bag of words on \(kind) sentences (chance)")
          assertLessOrEqual(
            accuracy, 0.7, "test accuracy of the bag of words on \(kind) sentences (chance)")
        }
      }
    }
  }
}
