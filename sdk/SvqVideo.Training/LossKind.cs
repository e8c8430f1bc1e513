using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>The forecast loss (JSON: <c>l1</c>, <c>l2</c>); the quantizer's auxiliary loss is always added.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LossKind>))]
public enum LossKind
{
    /// <summary>Mean absolute error over every predicted value (the paper's choice with SVQ).</summary>
    [JsonStringEnumMemberName("l1")]
    L1,

    /// <summary>Mean squared error over every predicted value (OpenSTL's default).</summary>
    [JsonStringEnumMemberName("l2")]
    L2,
}
