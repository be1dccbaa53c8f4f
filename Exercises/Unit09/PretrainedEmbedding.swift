import Foundation
import RNNCore
import RNNData

/// An embedding matrix that starts from pretrained vectors where it can.
///
/// Row `i` belongs to `vocabulary[i]`. It is that word's pretrained vector when the vectors
/// have the word as it is spelled, or else in lowercase (GloVe's vectors are lowercase); such
/// a word is *covered*. Every other row (special tokens such as `<unk>`, words the vectors do
/// not know) is drawn from a Gaussian of mean 0 whose standard deviation is that of all the
/// numbers in the covered rows, so new rows sit on the same scale as the pretrained ones (with
/// no covered word, the standard deviation is `fallbackStd`). The random rows are drawn in row
/// order, `dimension` numbers per uncovered row, and covered rows draw nothing.
///
/// - Parameters:
///   - vocabulary: the model's words, one per row.
///   - vectors: the pretrained vectors; their dimension is the embedding's width.
///   - fallbackStd: the standard deviation of the random rows when no word is covered.
/// - Returns: the `V x dimension` embedding and the number of covered words.
public func pretrainedEmbedding(
  vocabulary: [String], vectors: WordVectors, fallbackStd: Double = 0.1,
  rng: inout RandomSource
) -> (embedding: Matrix, covered: Int) {
  // Exercise 09.9: pretrainedEmbedding(vocabulary:vectors:fallbackStd:rng:).
  // Read Lectures/09-sentiment-homework.md §8, then replace this stub with your code.
  notImplemented(
    "09.9", "pretrainedEmbedding(vocabulary:vectors:fallbackStd:rng:)",
    lecture: "Lectures/09-sentiment-homework.md §8")
}
