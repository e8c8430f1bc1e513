namespace SvqVideo.Plugins.Svq;

/// <summary>SVQ codebook initialisations of the official code (<c>init_method</c>).</summary>
internal enum CodebookInit
{
    /// <summary>kaiming_uniform_ with PyTorch defaults: U(±√(6/C)); the paper's configs.</summary>
    Kaiming,

    /// <summary>N(0, 1): the official constructor's default.</summary>
    Normal,

    /// <summary>xavier_uniform_ with gain √2 (calculate_gain('relu')).</summary>
    Xavier,

    /// <summary>sparse_ with sparsity 0.9 (per column, 90 % zeros, the rest N(0, 0.01²)).</summary>
    Sparse,

    /// <summary>trunc_normal_ defaults: N(0, 1) truncated to [−2, 2].</summary>
    TruncNormal,

    /// <summary>orthogonal_ (gain 1).</summary>
    Orthogonal,
}
