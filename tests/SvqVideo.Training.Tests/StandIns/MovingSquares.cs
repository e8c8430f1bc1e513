using SvqVideo.Datasets;

namespace SvqVideo.Training.Tests.StandIns;

/// <summary>
/// A synthetic clip set: a 4×4 bright square moving in a straight line (bouncing off the edges)
/// on a dark canvas, with start and velocity derived from the clip index and a seed. Deterministic
/// and thread-safe.
/// </summary>
internal sealed class MovingSquares(int count, int framesIn = 4, int framesOut = 4, int size = 16, int seed = 1) : IClipDataset
{
    public string Name => $"squares/{seed}";

    public int Count => count;

    public int FramesIn => framesIn;

    public int FramesOut => framesOut;

    public int Channels => 1;

    public int Height => size;

    public int Width => size;

    public int CopyCalls;

    public void CopyClip(int index, Span<float> destination)
    {
        Interlocked.Increment(ref CopyCalls);
        var random = new Random((seed * 7919) + index);
        int limit = size - 4;
        int x = random.Next(limit + 1);
        int y = random.Next(limit + 1);
        int dx = random.Next(2) == 0 ? -1 : 1;
        int dy = random.Next(3) - 1;
        destination.Clear();
        for (int t = 0; t < framesIn + framesOut; t++)
        {
            var frame = destination.Slice(t * size * size, size * size);
            for (int r = 0; r < 4; r++)
            {
                frame.Slice(((y + r) * size) + x, 4).Fill(1f);
            }

            if (x + dx < 0 || x + dx > limit)
            {
                dx = -dx;
            }

            if (y + dy < 0 || y + dy > limit)
            {
                dy = -dy;
            }

            x += dx;
            y += dy;
        }
    }
}
