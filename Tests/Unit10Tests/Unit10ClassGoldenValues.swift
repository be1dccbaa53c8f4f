import RNNCore

/// Values the reference solution produced on the fixtures of the tests of exercises 10.1-10.3
/// (the seeds are in each test).
enum Unit10ClassGoldenValues {
  /// The twelve counts of `Unit10ClassFixtures.counts` binned into 3 and 4 classes.
  static let threeClasses = [[1, 5], [11, 6], [2, 3, 8, 10, 0, 7, 4, 9]]
  static let fourClasses = [[1], [5], [11, 6, 2], [3, 8, 10, 0, 7, 4, 9]]

  /// The layer of seed 1020 on the hidden states of seed 1021.
  static let loss = 3.9258176054139087
  static let hiddenGradient = Matrix([
    [0.13151549254323552, -0.07548872467524169, -0.2551424357273834, -0.2907957386357587],
    [0.1339571496931643, -0.4075091874919603, 0.26022550558706714, -0.048970534751131924],
    [0.13917010057441853, 0.11837244895183162, -0.45908288553056187, -0.029408651056691215],
    [0.41676057445873754, -0.12896729986238925, -0.3197916160415806, 0.4387087823548864],
    [0.16744460814507578, -0.2856430769458401, 0.3807605642400447, -0.02539871730895788],
  ])
  static let classBiasGradient = Matrix([
    [0.4156975690327229, -0.20350462095968508, -0.21219294807303782]
  ])
  static let wordBiasGradient = Matrix([
    [
      -0.16953131574641714, 0.0, 0.42566206407596047, -0.0536845193178595, 0.0,
      -0.2990512928722725, -0.05746581149644786, 0.0, 0.11115033081430738, 0.04292054454272919,
    ]
  ])
}
