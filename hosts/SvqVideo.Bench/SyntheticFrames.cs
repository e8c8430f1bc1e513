namespace SvqVideo.Bench;

/// <summary>A bright 12×12 square bouncing over a dark 64×64 gray frame: cheap, deterministic input frames.</summary>
internal static class SyntheticFrames
{
    public static float[] Frame(int index, int side = ModelSpec.Side)
    {
        var frame = new float[side * side];
        int span = side - 12;
        int x = Bounce(index * 3, span), y = Bounce((index * 2) + 7, span);
        for (int r = y; r < y + 12; r++)
        {
            frame.AsSpan((r * side) + x, 12).Fill(0.9f);
        }

        return frame;
    }

    private static int Bounce(int t, int span)
    {
        int p = t % (2 * span);
        return p < span ? p : (2 * span) - p;
    }
}
