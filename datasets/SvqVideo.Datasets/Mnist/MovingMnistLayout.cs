namespace SvqVideo.Datasets.Mnist;

/// <summary>
/// How one Moving-MNIST clip is composed: for digit d, image <c>DigitIndices[d]</c> of the digit file is
/// pasted with its top-left corner at (<c>Tops[d][t]</c>, <c>Lefts[d][t]</c>) in frame t.
/// </summary>
public sealed record MovingMnistLayout(int[] DigitIndices, int[][] Tops, int[][] Lefts);
