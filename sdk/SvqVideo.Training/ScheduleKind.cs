using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>The learning-rate schedule of a run (JSON: <c>onecycle</c>, <c>cosine</c>, <c>constant</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    /// <summary>
    /// PyTorch's OneCycleLR as OpenSTL configures it: max_lr = the run's learning rate, total steps =
    /// epochs × steps per epoch, 30 % warm-up, cosine annealing, div_factor 25, final_div_factor 1e4,
    /// β₁ cycled between 0.95 and 0.85; stepped every batch.
    /// </summary>
    [JsonStringEnumMemberName("onecycle")]
    OneCycle,

    /// <summary>
    /// timm's CosineLRScheduler as OpenSTL configures it (t_initial = epochs, lr_min, warmup_lr_init,
    /// warmup_t = warm-up epochs); stepped every epoch.
    /// </summary>
    [JsonStringEnumMemberName("cosine")]
    Cosine,

    /// <summary>The run's learning rate throughout.</summary>
    [JsonStringEnumMemberName("constant")]
    Constant,
}
