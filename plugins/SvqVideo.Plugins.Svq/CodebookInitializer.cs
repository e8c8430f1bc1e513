using static TorchSharp.torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>Parses <c>Init</c> names and fills a codebook (N, C) the way the official SVQ code does.</summary>
internal static class CodebookInitializer
{
    /// <summary>Accepted names (the reference's, plus <c>trunc_normal</c> and <c>random</c> = normal).</summary>
    public static readonly string[] Names = ["kaiming", "normal", "xavier", "sparse", "trunc_normal", "trunc", "orthogonal", "random"];

    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static CodebookInit Parse(string? name) => (name ?? "kaiming").Trim().ToLowerInvariant() switch
    {
        "kaiming" or "" => CodebookInit.Kaiming,
        "normal" or "random" => CodebookInit.Normal,
        "xavier" => CodebookInit.Xavier,
        "sparse" => CodebookInit.Sparse,
        "trunc_normal" or "trunc" => CodebookInit.TruncNormal,
        "orthogonal" => CodebookInit.Orthogonal,
        _ => throw new ArgumentException($"svq: unknown codebook Init '{name}' (use {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>A new (N, C) float32 CPU tensor initialised by <paramref name="init"/>.</summary>
    public static Tensor Create(CodebookInit init, int codebookSize, int dimension)
    {
        using var _ = no_grad();
        var t = empty(codebookSize, dimension);
        switch (init)
        {
            case CodebookInit.Kaiming:
                nn.init.kaiming_uniform_(t);
                break;
            case CodebookInit.Normal:
                nn.init.normal_(t);
                break;
            case CodebookInit.Xavier:
                nn.init.xavier_uniform_(t, Math.Sqrt(2.0));
                break;
            case CodebookInit.Sparse:
                FillSparse(t, 0.9, 0.01);
                break;
            case CodebookInit.TruncNormal:
                nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0);
                break;
            case CodebookInit.Orthogonal:
                nn.init.orthogonal_(t);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "unknown codebook init");
        }

        return t;
    }

    // torch.nn.init.sparse_: every column gets ceil(sparsity·rows) zeros at random rows, the rest N(0, std²).
    private static void FillSparse(Tensor t, double sparsity, double std)
    {
        long rows = t.shape[0];
        long cols = t.shape[1];
        long zeros = (long)Math.Ceiling(sparsity * rows);
        nn.init.normal_(t, 0.0, std);
        for (long c = 0; c < cols; c++)
        {
            using var perm = randperm(rows);
            using var idx = perm[..(int)zeros];
            using var column = t[.., c];
            column.index_fill_(0, idx, 0.0);
        }
    }
}
