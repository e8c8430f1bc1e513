namespace SvqVideo.Cli.Reports;

/// <summary>
/// Writes animated GIF89a files from 8-bit BGR frames. Grayscale content gets an exact 256-level gray
/// palette; colour content a fixed 6×7×6 palette (no dithering). Small and dependency-free so reports
/// can embed an animation every browser plays.
/// </summary>
internal static class GifWriter
{
    /// <summary>Writes <paramref name="frames"/> (each H×W×3 BGR bytes, all the same size) with <paramref name="delayMs"/> per frame, looping forever.</summary>
    public static void Write(Stream output, IReadOnlyList<byte[]> frames, int width, int height, int delayMs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("a GIF needs at least one frame", nameof(frames));
        }

        bool gray = frames.All(IsGray);
        var palette = gray ? GrayPalette() : ColourPalette();
        using var w = new BinaryWriter(output, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write("GIF89a"u8.ToArray());
        w.Write((ushort)width);
        w.Write((ushort)height);
        w.Write((byte)0xF7); // global colour table, 8 bits per primary, 256 entries
        w.Write((byte)0);
        w.Write((byte)0);
        w.Write(palette);

        // NETSCAPE2.0 application extension: loop forever.
        w.Write([0x21, 0xFF, 0x0B]);
        w.Write("NETSCAPE2.0"u8.ToArray());
        w.Write([0x03, 0x01, 0x00, 0x00, 0x00]);

        ushort delay = (ushort)Math.Clamp(delayMs / 10, 1, ushort.MaxValue);
        foreach (var frame in frames)
        {
            if (frame.Length != width * height * 3)
            {
                throw new ArgumentException($"GIF frame has {frame.Length} bytes, expected {width * height * 3}");
            }

            w.Write([0x21, 0xF9, 0x04, 0x00]);
            w.Write(delay);
            w.Write([0x00, 0x00]);
            w.Write((byte)0x2C);
            w.Write((ushort)0);
            w.Write((ushort)0);
            w.Write((ushort)width);
            w.Write((ushort)height);
            w.Write((byte)0);
            var indices = new byte[width * height];
            for (int i = 0; i < indices.Length; i++)
            {
                byte b = frame[3 * i], g = frame[(3 * i) + 1], r = frame[(3 * i) + 2];
                indices[i] = gray ? g : (byte)((((r * 5) + 127) / 255 * 42) + (((g * 6) + 127) / 255 * 6) + (((b * 5) + 127) / 255));
            }

            WriteLzw(w, indices);
        }

        w.Write((byte)0x3B);
    }

    private static bool IsGray(byte[] bgr)
    {
        for (int i = 0; i < bgr.Length; i += 3)
        {
            if (bgr[i] != bgr[i + 1] || bgr[i + 1] != bgr[i + 2])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] GrayPalette()
    {
        var p = new byte[768];
        for (int i = 0; i < 256; i++)
        {
            p[3 * i] = p[(3 * i) + 1] = p[(3 * i) + 2] = (byte)i;
        }

        return p;
    }

    private static byte[] ColourPalette()
    {
        var p = new byte[768];
        for (int r = 0; r < 6; r++)
        {
            for (int g = 0; g < 7; g++)
            {
                for (int b = 0; b < 6; b++)
                {
                    int i = (r * 42) + (g * 6) + b;
                    p[3 * i] = (byte)(r * 255 / 5);
                    p[(3 * i) + 1] = (byte)(g * 255 / 6);
                    p[(3 * i) + 2] = (byte)(b * 255 / 5);
                }
            }
        }

        return p;
    }

    /// <summary>GIF's variable-width LZW with 8-bit minimum code size, packed into 255-byte sub-blocks.</summary>
    private static void WriteLzw(BinaryWriter w, byte[] indices)
    {
        const int minCodeSize = 8;
        const int clear = 1 << minCodeSize;
        const int end = clear + 1;
        w.Write((byte)minCodeSize);
        var blocks = new MemoryStream();
        int bitBuffer = 0, bitCount = 0;
        int codeSize = minCodeSize + 1;
        var table = new Dictionary<int, int>();
        int next = end + 1;

        void Emit(int code)
        {
            bitBuffer |= code << bitCount;
            bitCount += codeSize;
            while (bitCount >= 8)
            {
                blocks.WriteByte((byte)(bitBuffer & 0xFF));
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        }

        Emit(clear);
        int prefix = indices[0];
        for (int i = 1; i < indices.Length; i++)
        {
            int k = indices[i];
            int key = (prefix << 8) | k;
            if (table.TryGetValue(key, out int code))
            {
                prefix = code;
                continue;
            }

            Emit(prefix);
            if (next < 4096)
            {
                table[key] = next++;
                if (next > (1 << codeSize) && codeSize < 12)
                {
                    codeSize++;
                }
            }
            else
            {
                Emit(clear);
                table.Clear();
                next = end + 1;
                codeSize = minCodeSize + 1;
            }

            prefix = k;
        }

        Emit(prefix);

        // The decoder adds one more table entry on reading that last code; widen codes as it will.
        if (next >= (1 << codeSize) && codeSize < 12)
        {
            codeSize++;
        }

        Emit(end);
        if (bitCount > 0)
        {
            blocks.WriteByte((byte)(bitBuffer & 0xFF));
        }

        var data = blocks.ToArray();
        for (int offset = 0; offset < data.Length; offset += 255)
        {
            int n = Math.Min(255, data.Length - offset);
            w.Write((byte)n);
            w.Write(data, offset, n);
        }

        w.Write((byte)0);
    }
}
