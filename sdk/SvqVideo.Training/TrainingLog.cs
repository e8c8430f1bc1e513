using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SvqVideo.Torch;

namespace SvqVideo.Training;

/// <summary>
/// The JSON-lines log beside the checkpoints (<c>train.jsonl</c>): one <c>"type":"session"</c> line per
/// invocation (effective options, seed, device, threads, versions) followed by one <c>"type":"epoch"</c>
/// line per epoch record. It is rewritten atomically from the saved training state after every
/// checkpoint, so it always matches <c>last.safetensors</c> and never holds a half-written line.
/// </summary>
internal static class TrainingLog
{
    public static void Write(string path, TrainingState state)
    {
        var text = new StringBuilder();
        foreach (var session in state.Sessions)
        {
            var line = JsonSerializer.SerializeToNode(session, TrainingJson.Options)!.AsObject();
            line.Insert(0, "type", "session");
            line["seed"] = state.Seed;
            line["options"] = JsonNode.Parse(state.Options.ToJson());
            text.Append(line.ToJsonString()).Append('\n');
        }

        foreach (var epoch in state.History)
        {
            var line = JsonSerializer.SerializeToNode(epoch, TrainingJson.Options)!.AsObject();
            line.Insert(0, "type", "epoch");
            text.Append(line.ToJsonString(TrainingJson.Options)).Append('\n');
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
