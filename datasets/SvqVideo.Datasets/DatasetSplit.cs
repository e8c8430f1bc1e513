namespace SvqVideo.Datasets;

/// <summary>Which part of a dataset to open. Validation is always disjoint from test (unlike OpenSTL, which validates on test).</summary>
public enum DatasetSplit
{
    /// <summary>Training clips.</summary>
    Train,

    /// <summary>Clips for checkpoint selection and early stopping, held out from the training sources.</summary>
    Validation,

    /// <summary>Clips for the reported metrics.</summary>
    Test,
}
