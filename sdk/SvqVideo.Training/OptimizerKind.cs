using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>The optimizer a run uses (JSON: <c>adam</c>, <c>adamw</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Adam (β = 0.9, 0.999; weight decay as an L2 term added to the gradient), OpenSTL's default.</summary>
    [JsonStringEnumMemberName("adam")]
    Adam,

    /// <summary>AdamW (decoupled weight decay).</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}
