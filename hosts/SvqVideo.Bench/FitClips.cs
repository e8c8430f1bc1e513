namespace SvqVideo.Bench;

/// <summary>
/// The clip kinds `forecast --fit` is judged on (issue #13), generated here so that the evaluation needs nothing but
/// this program: a 160×128 moving test pattern (in the spirit of ffmpeg's <c>testsrc2</c>), a 64×64 cellular automaton
/// (Conway's life, as ffmpeg's <c>life</c> source), a static camera watching walkers over a textured scene with sensor
/// noise, a 96×72 colour clip and one at an odd size (97×71). Frames are C×H×W in [0, 1], deterministic per seed.
/// </summary>
internal static class FitClips
{
    public static IReadOnlyList<string> Kinds { get; } = ["pattern", "life", "walkers", "colour", "odd"];

    /// <summary>(width, height, channels) of a kind.</summary>
    public static (int Width, int Height, int Channels) Shape(string kind) => kind switch
    {
        "pattern" => (160, 128, 3),
        "life" => (64, 64, 1),
        "walkers" => (160, 120, 3),
        "colour" => (96, 72, 3),
        "odd" => (97, 71, 3),
        _ => throw new ArgumentException($"unknown clip kind '{kind}' (kinds: {string.Join(", ", Kinds)})"),
    };

    /// <summary><paramref name="frames"/> frames of <paramref name="kind"/>.</summary>
    public static List<float[]> Generate(string kind, int frames, int seed = 1) => kind switch
    {
        "pattern" => Frames(frames, t => Pattern(t)),
        "life" => Life(frames, seed),
        "walkers" => Walkers(frames, seed),
        "colour" or "odd" => Frames(frames, t => Balls(t, Shape(kind).Width, Shape(kind).Height, seed)),
        _ => throw new ArgumentException($"unknown clip kind '{kind}' (kinds: {string.Join(", ", Kinds)})"),
    };

    private static List<float[]> Frames(int count, Func<int, float[]> frame) => [.. Enumerable.Range(0, count).Select(frame)];

    /// <summary>Colour bars, a gradient scrolling left, a box bouncing over them, a ring moving on a circle.</summary>
    private static float[] Pattern(int t)
    {
        const int w = 160, h = 128;
        float[] bars = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0];
        var f = new float[3 * w * h];
        int bx = Bounce(t * 3, w - 24), by = Bounce((t * 2) + 11, h - 24);
        double cx = 80 + (40 * Math.Cos(t * 0.07)), cy = 64 + (30 * Math.Sin(t * 0.07));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                float r, g, b;
                if (y < 80)
                {
                    int bar = Math.Min(7, x / 20);
                    (r, g, b) = (bars[bar * 3] * 0.8f, bars[(bar * 3) + 1] * 0.8f, bars[(bar * 3) + 2] * 0.8f);
                }
                else
                {
                    float v = ((x + (2 * t)) % 160) / 160f;
                    (r, g, b) = (v, 1 - v, 0.5f);
                }

                if (x >= bx && x < bx + 24 && y >= by && y < by + 24)
                {
                    (r, g, b) = (0.95f, 0.95f, 0.1f);
                }

                double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                if (d is > 8 and < 12)
                {
                    (r, g, b) = (0.1f, 0.2f, 0.9f);
                }

                Set(f, w, h, x, y, r, g, b);
            }
        }

        return f;
    }

    /// <summary>Conway's life (B3/S23) on a 64×64 torus from a random fill of 1/φ, one generation per frame.</summary>
    private static List<float[]> Life(int frames, int seed)
    {
        const int n = 64;
        var random = new Random(seed);
        var cells = new bool[n * n];
        for (int i = 0; i < cells.Length; i++)
        {
            cells[i] = random.NextDouble() < 0.618;
        }

        var result = new List<float[]>();
        for (int t = 0; t < frames; t++)
        {
            result.Add([.. cells.Select(c => c ? 1f : 0f)]);
            var next = new bool[n * n];
            for (int y = 0; y < n; y++)
            {
                for (int x = 0; x < n; x++)
                {
                    int alive = 0;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            if ((dx | dy) != 0 && cells[(((y + dy + n) % n) * n) + ((x + dx + n) % n)])
                            {
                                alive++;
                            }
                        }
                    }

                    bool live = cells[(y * n) + x];
                    next[(y * n) + x] = alive == 3 || (live && alive == 2);
                }
            }

            cells = next;
        }

        return result;
    }

    /// <summary>A static textured scene (pavement, a wall, a bench) with people walking across it, and per-frame sensor noise.</summary>
    private static List<float[]> Walkers(int frames, int seed)
    {
        const int w = 160, h = 120;
        var random = new Random(seed);
        var scene = new float[3 * w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                float tex = (float)random.NextDouble() * 0.08f;
                var (r, g, b) = y < 45 ? (0.55f + tex, 0.45f + tex, 0.40f + tex) : (0.35f + tex, 0.36f + tex, 0.38f + tex);
                if (y is >= 30 and < 45 && (x / 16) % 2 == 0)
                {
                    (r, g, b) = (0.6f + tex, 0.3f + tex, 0.25f + tex);
                }

                if (y is >= 60 and < 66 && x is >= 20 and < 70)
                {
                    (r, g, b) = (0.25f, 0.18f, 0.1f);
                }

                Set(scene, w, h, x, y, r, g, b);
            }
        }

        // (start x, baseline y, speed px/frame, colour)
        (double X, int Y, double Speed, (float, float, float) Colour)[] people =
        [
            (-10, 95, 0.9, (0.8f, 0.2f, 0.2f)), (170, 80, -0.7, (0.2f, 0.3f, 0.8f)), (40, 110, 0.5, (0.9f, 0.8f, 0.2f)),
        ];
        var noise = new Random(seed + 1);
        var result = new List<float[]>();
        for (int t = 0; t < frames; t++)
        {
            var f = (float[])scene.Clone();
            foreach (var (x0, baseY, speed, colour) in people)
            {
                double x = x0 + (speed * t);
                double span = w + 30;
                x = ((x + 15) % span + span) % span - 15;
                DrawWalker(f, w, h, x, baseY, t * Math.Abs(speed) * 0.35, colour);
            }

            for (int i = 0; i < f.Length; i++)
            {
                f[i] = Math.Clamp(f[i] + (float)(((noise.NextDouble() + noise.NextDouble() + noise.NextDouble()) - 1.5) * 0.02), 0f, 1f);
            }

            result.Add(f);
        }

        return result;
    }

    private static void DrawWalker(float[] f, int w, int h, double cx, int footY, double phase, (float R, float G, float B) colour)
    {
        double swing = 5 * Math.Sin(phase);
        for (int y = footY - 34; y <= footY; y++)
        {
            for (int x = (int)cx - 8; x <= (int)cx + 8; x++)
            {
                if (x < 0 || x >= w || y < 0 || y >= h)
                {
                    continue;
                }

                double dx = x - cx;
                bool head = ((dx * dx) + ((y - (footY - 30)) * (y - (footY - 30)))) <= 12;
                bool body = y > footY - 26 && y <= footY - 12 && Math.Abs(dx) <= 4;
                bool leg1 = y > footY - 12 && Math.Abs(dx - (swing * (y - (footY - 12)) / 12)) <= 1.2;
                bool leg2 = y > footY - 12 && Math.Abs(dx + (swing * (y - (footY - 12)) / 12)) <= 1.2;
                if (head)
                {
                    Set(f, w, h, x, y, 0.85f, 0.7f, 0.6f);
                }
                else if (body)
                {
                    Set(f, w, h, x, y, colour.R, colour.G, colour.B);
                }
                else if (leg1 || leg2)
                {
                    Set(f, w, h, x, y, 0.15f, 0.15f, 0.2f);
                }
            }
        }
    }

    /// <summary>Three coloured balls bouncing over a two-colour gradient.</summary>
    private static float[] Balls(int t, int w, int h, int seed)
    {
        var f = new float[3 * w * h];
        (double X, double Y, double Vx, double Vy, double R, (float, float, float) C)[] balls =
        [
            (10 + seed, 10, 1.3, 0.9, 7, (0.9f, 0.2f, 0.2f)), (50, 30, -1.1, 0.7, 9, (0.2f, 0.8f, 0.3f)), (30, 50, 0.8, -1.2, 6, (0.2f, 0.3f, 0.95f)),
        ];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                Set(f, w, h, x, y, 0.2f + (0.5f * x / w), 0.25f, 0.2f + (0.5f * y / h));
            }
        }

        foreach (var (x0, y0, vx, vy, radius, (r, g, b)) in balls)
        {
            double bx = radius + Bounce((int)Math.Round(x0 + (vx * t * 2)), (int)(w - (2 * radius)));
            double by = radius + Bounce((int)Math.Round(y0 + (vy * t * 2)), (int)(h - (2 * radius)));
            for (int y = (int)(by - radius); y <= by + radius; y++)
            {
                for (int x = (int)(bx - radius); x <= bx + radius; x++)
                {
                    if (x >= 0 && x < w && y >= 0 && y < h && ((x - bx) * (x - bx)) + ((y - by) * (y - by)) <= radius * radius)
                    {
                        Set(f, w, h, x, y, r, g, b);
                    }
                }
            }
        }

        return f;
    }

    private static void Set(float[] f, int w, int h, int x, int y, float r, float g, float b)
    {
        int plane = w * h;
        f[(y * w) + x] = r;
        f[plane + (y * w) + x] = g;
        f[(2 * plane) + (y * w) + x] = b;
    }

    private static int Bounce(int t, int span)
    {
        if (span <= 0)
        {
            return 0;
        }

        int p = ((t % (2 * span)) + (2 * span)) % (2 * span);
        return p < span ? p : (2 * span) - p;
    }
}
