namespace SvqVideo.Datasets;

/// <summary>Mini-batch settings. Defaults suit training: shuffled, last partial batch dropped (as OpenSTL's training loaders).</summary>
public sealed record ClipBatchLoaderOptions
{
    /// <summary>Clips per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Shuffle the clip order each epoch (seeded by <see cref="Seed"/> and the epoch number).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle.</summary>
    public long Seed { get; init; }

    /// <summary>Drop the last batch when it has fewer than <see cref="BatchSize"/> clips.</summary>
    public bool DropLast { get; init; } = true;

    /// <summary>Batches prepared ahead of the consumer (the memory bound: at most Prefetch + 2 batches exist besides those the consumer keeps).</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Threads that fill the clips of one batch in parallel.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);
}
