namespace SvqVideo.Datasets.Human36m;

/// <summary>Which Human3.6M train/test split to use.</summary>
public enum Human36mProtocol
{
    /// <summary>
    /// OpenSTL's <c>train.txt</c>/<c>test.txt</c> (73,404 / 8,582 clips). Comparable with published
    /// numbers, but both lists cut clips from the same videos, so test frames overlap training frames.
    /// </summary>
    OpenStl,

    /// <summary>
    /// Leakage-free: every clip of both lists, split by subject (S1, S5, S6, S7, S8 train; S9, S11 test),
    /// the common Human3.6M protocol. Not comparable with OpenSTL's numbers.
    /// </summary>
    BySubject,
}
