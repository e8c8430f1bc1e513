using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SvqVideo.Plugins.SimVP.Tests;

/// <summary>
/// Crafts PyTorch files the way Python would write them, for import tests: a <c>torch.save</c> zip's pickle
/// wrapped in an outer dictionary (a Lightning-style checkpoint), hand-written pickles, a legacy header.
/// </summary>
internal static class TorchFiles
{
    private const byte Proto = 0x80;
    private const byte EmptyDict = (byte)'}';
    private const byte SetItem = (byte)'s';
    private const byte Stop = (byte)'.';

    /// <summary>The first bytes of every legacy (pre-1.6) torch.save file: the pickled magic number 0x1950a86a20f9469cfc6c (protocol 2).</summary>
    public static readonly byte[] LegacyHeader = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

    /// <summary>
    /// Rewrites the torch.save zip at <paramref name="source"/> so that its pickle is
    /// <c>{'state_dict': &lt;original&gt;, 'epoch': 3}</c>, as Lightning and many training scripts save.
    /// </summary>
    public static void WrapStateDict(string source, string target, string entry = "state_dict")
    {
        RewritePickle(source, target, inner =>
        {
            // The original pickle minus its PROTO header (2 bytes) and STOP (1 byte) becomes a value of the outer dict;
            // its memo indices stay valid because the added opcodes memoise nothing.
            Assert.Equal(Proto, inner[0]);
            Assert.Equal(Stop, inner[^1]);
            var body = inner.AsSpan(2, inner.Length - 3).ToArray();
            var p = new List<byte> { Proto, 2, EmptyDict };
            p.AddRange(Unicode(entry));
            p.AddRange(body);
            p.Add(SetItem);
            p.AddRange(Unicode("epoch"));
            p.AddRange([(byte)'K', 3]);
            p.Add(SetItem);
            p.Add(Stop);
            return [.. p];
        });
    }

    /// <summary>A torch.save-format zip whose pickle is <paramref name="pickle"/> (no tensor storages).</summary>
    public static void WriteZip(string target, byte[] pickle)
    {
        using var file = File.Create(target);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Add(zip, "archive/data.pkl", pickle);
        Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
    }

    /// <summary>What <c>torch.save(model)</c> pickles for a parameter: a <c>torch._utils._rebuild_parameter</c> call, inside a dict.</summary>
    public static byte[] WholeModelPickle()
    {
        var p = new List<byte> { Proto, 2, EmptyDict };
        p.AddRange(Unicode("weight"));
        p.Add((byte)'c');
        p.AddRange(Encoding.ASCII.GetBytes("torch._utils\n_rebuild_parameter\n"));
        p.AddRange([(byte)'(', (byte)'N', 0x88, (byte)'N', (byte)'t', (byte)'R']);
        p.Add(SetItem);
        p.Add(Stop);
        return [.. p];
    }

    /// <summary><c>{'epoch': 3}</c>: a dictionary holding no tensors at all.</summary>
    public static byte[] NoStateDictPickle()
    {
        var p = new List<byte> { Proto, 2, EmptyDict };
        p.AddRange(Unicode("epoch"));
        p.AddRange([(byte)'K', 3]);
        p.Add(SetItem);
        p.Add(Stop);
        return [.. p];
    }

    private static void RewritePickle(string source, string target, Func<byte[], byte[]> rewrite)
    {
        using var input = ZipFile.OpenRead(source);
        using var file = File.Create(target);
        using var output = new ZipArchive(file, ZipArchiveMode.Create);
        bool found = false;
        foreach (var e in input.Entries)
        {
            using var s = e.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            {
                bytes = rewrite(bytes);
                found = true;
            }

            Add(output, e.FullName, bytes);
        }

        Assert.True(found, $"{source} has no data.pkl");
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static byte[] Unicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var result = new byte[5 + utf8.Length];
        result[0] = (byte)'X';
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(1), (uint)utf8.Length);
        utf8.CopyTo(result, 5);
        return result;
    }
}
