using System.Text.Json;
using System.Text.Json.Serialization;

namespace SvqVideo.Training;

/// <summary>Reads and writes a <see cref="TimeSpan"/> in <see cref="DurationText"/> notation (<c>"3m"</c>).</summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? throw new JsonException("a duration must be a string such as \"3m\"");
        try
        {
            return DurationText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DurationText.Format(value));
}
