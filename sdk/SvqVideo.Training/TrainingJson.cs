using System.Text.Json;
using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>The JSON conventions of the training state, the history and the log: snake_case, NaN/∞ allowed as strings.</summary>
internal static class TrainingJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };
}
